# Workbench access policy: who may do what with a catalog asset, and why.
#
# The engine (workbench/governance/policy) asks for `data.workbench.access.decision` with:
#   input.subject   the user: authenticated, roles, department, region, clearance (0-3),
#                   literacy_tier ("none" | "bronze" | "silver" | "gold"), is_platform_admin
#   input.action    discover | preview | query | use_in_sandbox | train_model | export | curate | approve
#   input.resource  the asset: classification (0 public .. 3 restricted), domain, residency,
#                   is_certified, pii_kinds
#   input.relation  how the user stands to this asset: steward (steward or owner of the asset or
#                   of its domain)
#   input.grants    the user's live grants on this asset: [{id, action, unmasked, purpose_category}]
#   input.context   purpose, purpose_category, time, and for sandbox/training the model endpoint:
#                   {"endpoint": {"network": "private" | "public", "approved_classification": 1}}
#
# Every rule that allows or denies adds {"rule": <id>, "reason": <sentence>} to `allows` or
# `denies`; other documents in this package can add their own rules the same way. A single deny
# overrides every allow. Nothing allowed means denied (deny by default).
package workbench.access

import rego.v1

# --- Vocabulary -----------------------------------------------------------------------------

classification_names := ["public", "internal", "confidential", "restricted"]

# Actions that read the contents of a source (through the governed data path only).
content_actions := {"preview", "query", "use_in_sandbox", "train_model", "export"}

# Actions an approved access request can grant.
grantable_actions := content_actions | {"discover"}

# Roles that use the catalog at all. HR and auditors follow people and the trail, not data.
catalog_roles := {"Business user", "Data steward", "Data owner", "AI council reviewer", "Platform admin"}

literacy_rank := {"none": 0, "bronze": 1, "silver": 2, "gold": 3}

# --- Facts about the request ----------------------------------------------------------------

classification := input.resource.classification

classification_name := classification_names[classification]

is_content if input.action in content_actions

holds_catalog_role if {
	input.subject.authenticated
	some role in input.subject.roles
	role in catalog_roles
}

holds_catalog_role if {
	input.subject.authenticated
	input.subject.is_platform_admin
}

is_steward if input.relation.steward

is_admin if {
	input.subject.authenticated
	input.subject.is_platform_admin
}

cleared if input.subject.clearance >= classification

subject_literacy := literacy_rank[input.subject.literacy_tier]

default subject_literacy_rank := 0

subject_literacy_rank := subject_literacy

# The live grants of this user on this asset for the requested action.
matching_grants contains grant if {
	some grant in input.grants
	grant.action == input.action
}

# The action in words, for reasons ("use in sandbox").
action_words := replace(input.action, "_", " ")

declared_purpose if trim_space(object.get(input.context, "purpose", "")) != ""

# --- Allow rules ----------------------------------------------------------------------------

# Broad discovery: every catalog role sees the metadata of public, internal and confidential
# assets; restricted ones are listed only for people cleared for them.
allows contains {"rule": "access.allow.discover_broad", "reason": concat("", ["Anyone with a catalog role may discover ", classification_name, " data."])} if {
	input.action == "discover"
	holds_catalog_role
	classification <= 2
}

allows contains {"rule": "access.allow.discover_cleared", "reason": "Your clearance covers restricted data, so you may discover it."} if {
	input.action == "discover"
	holds_catalog_role
	classification == 3
	cleared
}

# Public and internal contents are open to catalog roles within their clearance, masked.
allows contains {"rule": "access.allow.open_content", "reason": concat("", [upper_first(classification_name), " data is open to catalog users within their clearance, masked."])} if {
	is_content
	holds_catalog_role
	classification <= 1
	cleared
}

# Stewards and owners of the asset or its domain work with their own data.
allows contains {"rule": "access.allow.steward", "reason": "You steward or own this asset or its domain."} if {
	is_steward
	holds_catalog_role
	input.action in (grantable_actions | {"curate", "approve"})
}

# Platform admins administer everything (and still go through masking and the audit trail).
allows contains {"rule": "access.allow.platform_admin", "reason": "Platform admins administer every asset; reads stay masked and audited."} if {
	is_admin
}

# An approved access request: a live grant for exactly this action.
allows contains {"rule": "access.allow.grant", "reason": concat("", ["An approved access request lets you ", action_words, " it until the grant expires."])} if {
	input.action in grantable_actions
	count(matching_grants) > 0
}

# --- Deny rules (each overrides every allow) -------------------------------------------------

denies contains {"rule": "access.deny.no_catalog_role", "reason": "You hold no role that uses the catalog; ask a platform admin for one."} if {
	not holds_catalog_role
}

# Citizen AI needs data literacy: Bronze to use data in the prompt sandbox, Silver to train.
denies contains {"rule": "access.deny.literacy_sandbox", "reason": "Using data in the sandbox needs the Bronze data-literacy badge."} if {
	input.action == "use_in_sandbox"
	subject_literacy_rank < 1
}

denies contains {"rule": "access.deny.literacy_training", "reason": "Training a model needs the Silver data-literacy badge."} if {
	input.action == "train_model"
	subject_literacy_rank < 2
}

# No personal data leaves the private network for a model endpoint.
denies contains {"rule": "access.deny.pii_public_endpoint", "reason": "This asset holds personal data, which may not go to a model endpoint outside the private network."} if {
	input.action in {"use_in_sandbox", "train_model"}
	count(input.resource.pii_kinds) > 0
	endpoint_is_public
}

# A model endpoint is approved up to one classification.
denies contains {"rule": "access.deny.endpoint_classification", "reason": concat("", ["This model endpoint is approved for data up to ", classification_names[input.context.endpoint.approved_classification], "; this asset is ", classification_name, "."])} if {
	input.action in {"use_in_sandbox", "train_model"}
	classification > input.context.endpoint.approved_classification
}

# Restricted data stays in its residency region, whatever a grant says (stewards excepted).
denies contains {"rule": "access.deny.residency", "reason": concat("", ["Restricted data resident in ", input.resource.residency, " may only be read from ", input.resource.residency, "."])} if {
	is_content
	classification == 3
	not is_steward
	input.subject.region != input.resource.residency
}

endpoint_is_public if {
	endpoint := input.context.endpoint
	object.get(endpoint, "network", "public") != "private"
}

# --- Why a denied action could still be opened by an access request ---------------------------

requirements contains {"rule": "access.request.confidential_content", "reason": concat("", [upper_first(classification_name), " data needs an approved access request."])} if {
	is_content
	classification >= 2
}

requirements contains {"rule": "access.request.clearance", "reason": concat("", [upper_first(classification_name), " data is above your clearance; it needs an approved access request."])} if {
	classification <= 1
	not cleared
}

requirements contains {"rule": "access.request.restricted_discovery", "reason": "Restricted data is listed only for cleared people, its stewards or holders of a grant."} if {
	input.action == "discover"
	classification == 3
	not cleared
}

requirements contains {"rule": "access.request.stewardship", "reason": concat("", ["Only the stewards and owners of this asset's domain may ", input.action, " it."])} if {
	input.action in {"curate", "approve"}
}

# --- The decision ---------------------------------------------------------------------------

default allow := false

allow if {
	count(allows) > 0
	count(denies) == 0
}

# Content is masked unless a live grant for this action says unmasked and a purpose is declared.
default masked := true

masked := false if {
	allow
	not is_content
}

masked := false if {
	allow
	is_content
	declared_purpose
	some grant in matching_grants
	grant.unmasked
}

# Denied, but an approved access request would open it.
needs_request if {
	not allow
	count(denies) == 0
	holds_catalog_role
	input.action in grantable_actions
}

default needs_request_value := false

needs_request_value := true if needs_request

deciding := allows if allow

deciding := denies if count(denies) > 0

deciding := requirements if {
	not allow
	count(denies) == 0
	count(requirements) > 0
}

deciding := {{"rule": "access.default_deny", "reason": concat("", ["No policy lets you ", action_words, " this asset."])}} if {
	not allow
	count(denies) == 0
	count(requirements) == 0
}

# The grant that opened the action, if a grant did (unmasked ones first).
grant_ids := array.concat(
	[grant.id | some grant in matching_grants; grant.unmasked],
	[grant.id | some grant in matching_grants; not grant.unmasked],
)

default grant_id := null

grant_id := grant_ids[0] if {
	allow
	count(grant_ids) > 0
}

decision := {
	"allow": allow,
	"deny": {d.rule | some d in denies},
	"reasons": {d.reason | some d in deciding},
	"rules": {d.rule | some d in deciding},
	"masked": masked,
	"needs_request": needs_request_value,
	"grant_id": grant_id,
}

upper_first(text) := concat("", [upper(substring(text, 0, 1)), substring(text, 1, -1)])
