# Unit tests of the access policy (OPA's convention: every `test_` rule must be true).
# The suite runs them (tests/governance/policy/test_rego_unit_tests.py), and so does every save
# of a policy version: a change that breaks one of these is refused.
package workbench.access_test

import rego.v1

import data.workbench.access

# --- People and assets used below ------------------------------------------------------------

analyst := {
	"id": 1, "authenticated": true, "roles": ["Business user"], "department": "growth",
	"region": "EU", "clearance": 1, "job_title": "Analyst", "literacy_tier": "none",
	"is_platform_admin": false,
}

bronze_analyst := object.union(analyst, {"literacy_tier": "bronze"})

silver_analyst := object.union(analyst, {"literacy_tier": "silver"})

cleared_analyst := object.union(analyst, {"clearance": 3})

hr_partner := object.union(analyst, {"roles": ["HR"], "clearance": 3})

no_role := object.union(analyst, {"roles": []})

anonymous := {
	"id": null, "authenticated": false, "roles": [], "department": "", "region": "",
	"clearance": -1, "job_title": "", "literacy_tier": "none", "is_platform_admin": false,
}

admin := object.union(analyst, {"roles": ["Platform admin"], "is_platform_admin": true, "clearance": 3})

asset(classification) := {
	"id": 7, "classification": classification, "domain": "sales", "residency": "EU",
	"is_certified": true, "pii_kinds": [], "status": "active",
}

customers := object.union(asset(2), {"pii_kinds": ["email", "person_name"]})

request(subject, action, resource) := {
	"subject": subject, "action": action, "resource": resource,
	"relation": {"steward": false}, "grants": [],
	"context": {"purpose": "", "purpose_category": "", "time": "2026-01-01T00:00:00Z"},
}

as_steward(req) := object.union(req, {"relation": {"steward": true}})

with_grant(req, unmasked) := object.union(req, {"grants": [{"id": 42, "action": req.action, "unmasked": unmasked, "purpose_category": "analytics", "expires_at": "2026-02-01T00:00:00Z"}]})

with_purpose(req, purpose) := object.union(req, {"context": object.union(req.context, {"purpose": purpose})})

with_endpoint(req, endpoint) := object.union(req, {"context": object.union(req.context, {"endpoint": endpoint})})

# The decision for a request. (Each part of the input is replaced on its own: rego-cpp, the
# interpreter regopy embeds, evaluates `with input.<key> as` reliably.)
decision(req) := result if {
	result := access.decision with input.subject as req.subject
		with input.action as req.action
		with input.resource as req.resource
		with input.relation as req.relation
		with input.grants as req.grants
		with input.context as req.context
}

# --- Discovery ---------------------------------------------------------------------------------

test_every_catalog_role_discovers_confidential if {
	d := decision(request(analyst, "discover", asset(2)))
	d.allow
	"access.allow.discover_broad" in d.rules
	not d.masked
}

test_restricted_discovery_needs_clearance if {
	d := decision(request(analyst, "discover", asset(3)))
	not d.allow
	d.needs_request
	"access.request.restricted_discovery" in d.rules
}

test_cleared_user_discovers_restricted if {
	decision(request(cleared_analyst, "discover", asset(3))).allow
}

test_hr_discovers_nothing if {
	d := decision(request(hr_partner, "discover", asset(0)))
	not d.allow
	"access.deny.no_catalog_role" in d.deny
	not d.needs_request
}

test_anonymous_gets_nothing if {
	not decision(request(anonymous, "discover", asset(0))).allow
	not decision(request(anonymous, "preview", asset(0))).allow
	not decision(request(anonymous, "curate", asset(0))).allow
}

test_no_role_is_denied_with_reason if {
	d := decision(request(no_role, "discover", asset(1)))
	not d.allow
	"You hold no role that uses the catalog; ask a platform admin for one." in d.reasons
}

# --- Content: masked preview, access requests ---------------------------------------------------

test_internal_preview_is_masked if {
	d := decision(request(analyst, "preview", asset(1)))
	d.allow
	d.masked
	"access.allow.open_content" in d.rules
}

test_confidential_preview_needs_request if {
	d := decision(request(analyst, "preview", customers))
	not d.allow
	d.needs_request
	d.masked
	d.rules == {"access.request.confidential_content"}
	d.reasons == {"Confidential data needs an approved access request."}
}

test_above_clearance_needs_request if {
	low := object.union(analyst, {"clearance": 0})
	d := decision(request(low, "query", asset(1)))
	not d.allow
	"access.request.clearance" in d.rules
}

test_grant_opens_confidential_masked if {
	d := decision(with_grant(request(analyst, "export", customers), false))
	d.allow
	d.masked
	d.grant_id == 42
	"access.allow.grant" in d.rules
}

test_unmasked_grant_needs_declared_purpose if {
	req := with_grant(request(analyst, "query", customers), true)
	decision(req).masked
	not decision(with_purpose(req, "Quarterly churn review")).masked
	decision(with_purpose(req, "   ")).masked
}

test_grant_for_another_action_opens_nothing if {
	req := request(analyst, "export", customers)
	granted := object.union(req, {"grants": [{"id": 1, "action": "preview", "unmasked": true}]})
	not decision(granted).allow
}

test_steward_reads_own_domain_masked if {
	d := decision(as_steward(request(analyst, "query", customers)))
	d.allow
	d.masked
	"access.allow.steward" in d.rules
}

test_admin_reads_masked if {
	d := decision(request(admin, "preview", customers))
	d.allow
	d.masked
}

# --- Deny overrides ----------------------------------------------------------------------------

test_sandbox_needs_bronze_even_with_grant if {
	d := decision(with_grant(request(analyst, "use_in_sandbox", asset(1)), false))
	not d.allow
	d.deny == {"access.deny.literacy_sandbox"}
	not d.needs_request
	decision(request(bronze_analyst, "use_in_sandbox", asset(1))).allow
}

test_training_needs_silver if {
	not decision(request(bronze_analyst, "train_model", asset(1))).allow
	decision(request(silver_analyst, "train_model", asset(1))).allow
}

test_no_pii_to_public_endpoint if {
	req := with_grant(request(silver_analyst, "train_model", customers), false)
	d := decision(with_endpoint(req, {"network": "public", "approved_classification": 3}))
	not d.allow
	"access.deny.pii_public_endpoint" in d.deny
	decision(with_endpoint(req, {"network": "private", "approved_classification": 3})).allow
}

test_endpoint_approved_classification if {
	req := request(silver_analyst, "use_in_sandbox", asset(1))
	d := decision(with_endpoint(req, {"network": "private", "approved_classification": 0}))
	not d.allow
	"access.deny.endpoint_classification" in d.deny
}

test_admin_is_denied_too if {
	d := decision(request(admin, "use_in_sandbox", asset(0)))
	not d.allow
	"access.deny.literacy_sandbox" in d.deny
}

test_restricted_stays_in_region if {
	us_analyst := object.union(cleared_analyst, {"region": "US"})
	req := with_grant(request(us_analyst, "query", asset(3)), false)
	d := decision(req)
	not d.allow
	"access.deny.residency" in d.deny
	decision(with_grant(request(cleared_analyst, "query", asset(3)), false)).allow
}

# --- Stewardship actions -----------------------------------------------------------------------

test_only_stewards_curate_and_approve if {
	every action in ["curate", "approve"] {
		d := decision(request(analyst, action, asset(1)))
		not d.allow
		not d.needs_request
		decision(as_steward(request(analyst, action, asset(1)))).allow
		decision(request(admin, action, asset(1))).allow
	}
}

test_unknown_action_is_default_deny if {
	d := decision(request(analyst, "delete", asset(0)))
	not d.allow
	d.rules == {"access.default_deny"}
}
