"""decide(): every action, explained by reasons and rule ids; deny overrides; grants open
access and stop at expiry or revocation; literacy tiers and model endpoints gate citizen AI."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from guardian.shortcuts import remove_perm

from catalog.models import Classification
from tests.governance.policy.helpers import asset_of, domain_stewarded_by, grant_for
from workbench.accounts.models import Clearance
from workbench.governance.actions import Action, grant_permission
from workbench.governance.policy import Decision, decide
from workbench.governance.policy import attributes as policy_attributes

pytestmark = pytest.mark.django_db

PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED = (
    Classification.PUBLIC,
    Classification.INTERNAL,
    Classification.CONFIDENTIAL,
    Classification.RESTRICTED,
)
CONTENT = ["preview", "query", "export"]


@pytest.fixture
def tier(monkeypatch: pytest.MonkeyPatch):
    """Set the literacy tier the engine reads (the literacy app's own rules are tested there)."""

    def set_tier(user: Any, value: str) -> None:
        monkeypatch.setattr(policy_attributes, "literacy_tier", lambda _user: value)
        policy_attributes.subject_forget(user)

    return set_tier


def test_discovery_is_broad_and_explained(analyst) -> None:
    decision = decide(user=analyst, action="discover", asset=asset_of(CONFIDENTIAL))
    assert isinstance(decision, Decision)
    assert decision.allowed
    assert not decision.masked
    assert not decision.needs_request
    assert decision.rules == ("access.allow.discover_broad",)
    assert decision.reasons == ("Anyone with a catalog role may discover confidential data.",)
    assert len(decision.policy_version) == 12


def test_restricted_is_not_listed_without_clearance(analyst) -> None:
    decision = decide(user=analyst, action="discover", asset=asset_of(RESTRICTED))
    assert not decision.allowed
    assert decision.needs_request
    assert decision.rules == ("access.request.restricted_discovery",)


@pytest.mark.parametrize("action", CONTENT)
def test_internal_content_is_open_and_masked(analyst, action: str) -> None:
    decision = decide(user=analyst, action=action, asset=asset_of(INTERNAL))
    assert decision.allowed
    assert decision.masked
    assert decision.rules == ("access.allow.open_content",)


@pytest.mark.parametrize("action", CONTENT)
def test_confidential_content_needs_an_access_request(analyst, action: str) -> None:
    decision = decide(user=analyst, action=action, asset=asset_of(CONFIDENTIAL))
    assert not decision.allowed
    assert decision.needs_request
    assert decision.masked
    assert decision.reasons == ("Confidential data needs an approved access request.",)
    assert decision.grant_id is None


def test_content_above_clearance_needs_a_request(analyst) -> None:
    analyst.clearance = Clearance.PUBLIC
    analyst.save(update_fields=["clearance"])
    decision = decide(user=analyst, action="preview", asset=asset_of(INTERNAL))
    assert not decision.allowed
    assert decision.rules == ("access.request.clearance",)


@pytest.mark.parametrize("action", ["curate", "approve"])
def test_stewardship_actions_need_the_domain(analyst, steward, action: str) -> None:
    mine = asset_of(INTERNAL, domain=domain_stewarded_by(steward))
    assert decide(user=steward, action=action, asset=mine).rules == ("access.allow.steward",)
    refused = decide(user=analyst, action=action, asset=mine)
    assert not refused.allowed
    assert not refused.needs_request
    assert refused.rules == ("access.request.stewardship",)
    other = asset_of(INTERNAL, name="elsewhere")
    assert not decide(user=steward, action=action, asset=other).allowed


def test_asset_owner_counts_as_steward(analyst) -> None:
    asset = asset_of(CONFIDENTIAL, owner=analyst)
    decision = decide(user=analyst, action="query", asset=asset)
    assert decision.allowed
    assert decision.masked
    assert "access.allow.steward" in decision.rules


def test_admin_is_allowed_but_masked(admin) -> None:
    decision = decide(user=admin, action="export", asset=asset_of(RESTRICTED, pii=("iban",)))
    assert decision.allowed
    assert decision.masked
    assert "access.allow.platform_admin" in decision.rules


@pytest.mark.parametrize("persona", ["outsider", "hr", "auditor"])
def test_people_without_a_catalog_role_get_nothing(request, persona: str) -> None:
    user = request.getfixturevalue(persona)
    for action in Action:
        decision = decide(user=user, action=action.value, asset=asset_of(PUBLIC))
        assert not decision.allowed
        assert not decision.needs_request
        assert "access.deny.no_catalog_role" in decision.rules


def test_anonymous_gets_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    decision = decide(user=AnonymousUser(), action="discover", asset=asset_of(PUBLIC))
    assert not decision.allowed
    assert "access.deny.no_catalog_role" in decision.rules


def test_unknown_action_is_refused(analyst) -> None:
    with pytest.raises(ValueError, match="Unknown action"):
        decide(user=analyst, action="delete", asset=asset_of(PUBLIC))


# --- Grants ------------------------------------------------------------------------------------


def test_grant_opens_confidential_content_masked(analyst) -> None:
    asset = asset_of(CONFIDENTIAL, pii=("email",))
    grant = grant_for(analyst, asset, "query")
    decision = decide(user=analyst, action="query", asset=asset)
    assert decision.allowed
    assert decision.masked
    assert decision.grant_id == grant.pk
    assert decision.rules == ("access.allow.grant",)
    assert not decide(user=analyst, action="export", asset=asset).allowed  # one action only


def test_unmasked_grant_needs_a_declared_purpose(analyst) -> None:
    asset = asset_of(CONFIDENTIAL, pii=("email",))
    grant_for(analyst, asset, "preview", unmasked=True)
    assert decide(user=analyst, action="preview", asset=asset).masked
    with_purpose = decide(user=analyst, action="preview", asset=asset, purpose="Churn review")
    assert with_purpose.allowed
    assert not with_purpose.masked


def test_grant_stops_at_expiry(analyst) -> None:
    asset = asset_of(CONFIDENTIAL)
    grant_for(analyst, asset, "query", days=10, started_days_ago=3)
    assert decide(user=analyst, action="query", asset=asset).allowed
    later = timezone.now() + timezone.timedelta(days=8)
    assert not decide(user=analyst, action="query", asset=asset, now=later).allowed


def test_revoked_grant_opens_nothing(analyst) -> None:
    asset = asset_of(CONFIDENTIAL)
    grant = grant_for(analyst, asset, "query")
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    assert not decide(user=analyst, action="query", asset=asset).allowed


def test_grant_without_its_object_permission_opens_nothing(analyst) -> None:
    asset = asset_of(CONFIDENTIAL)
    grant_for(analyst, asset, "query")
    remove_perm(grant_permission("query"), analyst, asset)
    assert not decide(user=analyst, action="query", asset=asset).allowed


def test_someone_elses_grant_opens_nothing(analyst, steward) -> None:
    asset = asset_of(CONFIDENTIAL)
    grant_for(steward, asset, "query")
    assert not decide(user=analyst, action="query", asset=asset).allowed


# --- Deny overrides: literacy, model endpoints, residency -----------------------------------------


def test_sandbox_needs_bronze_even_with_a_grant(analyst, tier) -> None:
    asset = asset_of(CONFIDENTIAL)
    grant_for(analyst, asset, "use_in_sandbox")
    tier(analyst, "none")
    refused = decide(user=analyst, action="use_in_sandbox", asset=asset)
    assert not refused.allowed
    assert not refused.needs_request
    assert refused.rules == ("access.deny.literacy_sandbox",)
    assert refused.reasons == ("Using data in the sandbox needs the Bronze data-literacy badge.",)
    tier(analyst, "bronze")
    assert decide(user=analyst, action="use_in_sandbox", asset=asset).allowed


@pytest.mark.parametrize(
    ("level", "allowed"), [("bronze", False), ("silver", True), ("gold", True)]
)
def test_training_needs_silver(analyst, tier, level: str, allowed: bool) -> None:
    tier(analyst, level)
    assert decide(user=analyst, action="train_model", asset=asset_of(INTERNAL)).allowed is allowed


def test_literacy_tier_comes_from_the_literacy_app(analyst) -> None:
    assert policy_attributes.subject_attributes(analyst)["literacy_tier"] in {
        "none",
        "bronze",
        "silver",
        "gold",
    }


def test_no_personal_data_to_a_public_model_endpoint(analyst, tier) -> None:
    tier(analyst, "silver")
    asset = asset_of(INTERNAL, pii=("email",))
    public = {"endpoint": {"network": "public", "approved_classification": 3}}
    refused = decide(user=analyst, action="train_model", asset=asset, context=public)
    assert not refused.allowed
    assert refused.rules == ("access.deny.pii_public_endpoint",)
    private = {"endpoint": {"network": "private", "approved_classification": 3}}
    assert decide(user=analyst, action="train_model", asset=asset, context=private).allowed
    no_pii = asset_of(INTERNAL, name="no_pii")
    assert decide(user=analyst, action="train_model", asset=no_pii, context=public).allowed


def test_endpoint_approved_classification(analyst, tier) -> None:
    tier(analyst, "bronze")
    context = {"endpoint": {"network": "private", "approved_classification": 0}}
    refused = decide(
        user=analyst, action="use_in_sandbox", asset=asset_of(INTERNAL), context=context
    )
    assert refused.rules == ("access.deny.endpoint_classification",)
    assert "approved for data up to public" in refused.reasons[0]


def test_restricted_data_stays_in_its_region(analyst) -> None:
    analyst.clearance, analyst.region = Clearance.RESTRICTED, "US"
    analyst.save(update_fields=["clearance", "region"])
    asset = asset_of(RESTRICTED, residency="EU")
    grant_for(analyst, asset, "query")
    refused = decide(user=analyst, action="query", asset=asset)
    assert not refused.allowed
    assert refused.rules == ("access.deny.residency",)
    assert decide(user=analyst, action="discover", asset=asset).allowed


def test_decision_reads_the_asset_as_stored(analyst) -> None:
    asset = asset_of(INTERNAL)
    type(asset).objects.filter(pk=asset.pk).update(classification=CONFIDENTIAL)
    assert not decide(user=analyst, action="preview", asset=asset).allowed


def test_decide_actions_matches_decide_in_fewer_queries(
    analyst, django_assert_max_num_queries
) -> None:
    from workbench.governance.policy import decide_actions

    asset = asset_of(CONFIDENTIAL, pii=("email",))
    grant_for(analyst, asset, "preview", unmasked=True)
    decide(user=analyst, action="discover", asset=asset)  # user attributes and bundle, once
    with django_assert_max_num_queries(2):
        many = decide_actions(user=analyst, asset=asset, purpose="Churn review")
    assert list(many) == [action.value for action in Action]
    for action, decision in many.items():
        assert decision == decide(user=analyst, action=action, asset=asset, purpose="Churn review")
    assert many["preview"].allowed
    assert not many["preview"].masked
