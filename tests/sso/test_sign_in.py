"""Sign-in through a real OpenID Connect provider on loopback: success, updates, each refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory
from tests.sso.conftest import claims_for, sso_sign_in
from tests.sso.provider import Provider, TamperingProxy, callback_path
from workbench.accounts.models import Clearance, User
from workbench.accounts.roles import Role
from workbench.audit.models import AuditEvent
from workbench.sso.models import GroupRoleMapping, SsoIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def departments(roles: None, default_group_roles: None) -> None:
    DepartmentFactory(name="Growth Marketing", code="growth")
    DepartmentFactory(name="Finance", code="finance")


def _signed_in_as(client: Client) -> str | None:
    response = client.get(reverse("api-me"))
    return response.json()["username"] if response.status_code == 200 else None


def _assert_refused(response: Any, *, says: str, status: int = 403) -> None:
    assert response.status_code == status
    text = response.content.decode()
    assert "Sign-in refused" in text
    assert says in text, text
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").exists()


def _nothing_created() -> None:
    assert not SsoIdentity.objects.exists()
    assert not User.objects.filter(username="ada").exists()
    assert not AuditEvent.objects.filter(action__startswith="sso.user").exists()


def test_first_sign_in_creates_the_user_with_mapped_attributes_and_roles(sso: Provider) -> None:
    manager = UserFactory(username="grace", email="grace@example.com")
    sso.set_user(
        "sub-ada", claims_for("ada", manager="grace@example.com", clearance="confidential")
    )
    client = Client()

    response = sso_sign_in(client, sso, "sub-ada")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _signed_in_as(client) == "ada"
    user = User.objects.get(username="ada")
    assert (user.email, user.first_name, user.last_name) == ("ada@example.com", "Ada", "Lovelace")
    assert user.department is not None
    assert user.department.code == "growth"
    assert (user.job_title, user.region, user.clearance) == (
        "Analyst",
        "EU",
        Clearance.CONFIDENTIAL,
    )
    assert user.manager == manager
    assert list(user.groups.values_list("name", flat=True)) == [Role.BUSINESS_USER.value]
    assert not user.has_usable_password()
    identity = SsoIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso.issuer, "sub-ada")
    created = AuditEvent.objects.get(action="sso.user_created")
    assert created.detail["attributes"]["department"] == {"before": None, "after": "growth"}
    assert created.detail["roles"] == {"before": [], "after": [Role.BUSINESS_USER.value]}


def test_signing_in_again_with_changed_claims_updates_and_audits_each_change(
    sso: Provider,
) -> None:
    sso.set_user("sub-ada", claims_for("ada"))
    sso_sign_in(Client(), sso, "sub-ada")
    sso.set_user(
        "sub-ada",
        claims_for(
            "ada",
            department="finance",
            job_title="Controller",
            region="us",
            groups=["workbench-data-stewards", "workbench-business-users"],
        ),
    )
    client = Client()

    response = sso_sign_in(client, sso, "sub-ada")

    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert (user.department.code, user.job_title, user.region) == ("finance", "Controller", "US")  # type: ignore[union-attr]
    assert sorted(user.groups.values_list("name", flat=True)) == sorted(
        [Role.BUSINESS_USER.value, Role.DATA_STEWARD.value]
    )
    changes = AuditEvent.objects.get(action="sso.attributes_changed").detail["changes"]
    assert changes["department"] == {"before": "growth", "after": "finance"}
    assert changes["job_title"] == {"before": "Analyst", "after": "Controller"}
    assert changes["region"] == {"before": "EU", "after": "US"}
    roles = AuditEvent.objects.get(action="sso.roles_changed").detail
    assert roles["before"] == [Role.BUSINESS_USER.value]
    assert Role.DATA_STEWARD.value in roles["after"]
    assert SsoIdentity.objects.count() == 1


def test_signing_in_with_unchanged_claims_records_no_change(sso: Provider) -> None:
    sso.set_user("sub-ada", claims_for("ada"))
    sso_sign_in(Client(), sso, "sub-ada")
    sso_sign_in(Client(), sso, "sub-ada")

    assert not AuditEvent.objects.filter(
        action__in=["sso.attributes_changed", "sso.roles_changed"]
    ).exists()
    assert AuditEvent.objects.filter(action="auth.login").count() == 2


def test_an_existing_local_account_is_linked_by_username(sso: Provider) -> None:
    existing = UserFactory(username="ada", roles=[Role.HR])
    sso.set_user("sub-ada", claims_for("ada"))

    sso_sign_in(Client(), sso, "sub-ada")

    assert SsoIdentity.objects.get().user == existing
    existing.refresh_from_db()
    assert list(existing.groups.values_list("name", flat=True)) == [Role.BUSINESS_USER.value]


def test_tokens_from_an_issuer_we_do_not_trust_are_refused(
    sso_configure: Callable[[str], None], oidc_provider: Provider
) -> None:
    oidc_provider.set_user("sub-ada", claims_for("ada"))
    with TamperingProxy(oidc_provider.issuer, "foreign_issuer") as proxy:
        sso_configure(proxy.url)
        client = Client()
        response = sso_sign_in(client, oidc_provider, "sub-ada")

    _assert_refused(response, says="issued by another identity provider")
    _nothing_created()
    assert _signed_in_as(client) is None


def test_a_provider_naming_another_issuer_in_discovery_is_refused(
    sso_configure: Callable[[str], None], oidc_provider: Provider
) -> None:
    with TamperingProxy(oidc_provider.issuer, "renamed") as proxy:
        sso_configure(proxy.url)
        response = Client().get(reverse("sso:start"))

    _assert_refused(response, says="identifies itself as", status=503)


def test_an_expired_id_token_is_refused(
    sso_configure: Callable[[str], None], expiring_oidc_provider: Provider
) -> None:
    expiring_oidc_provider.set_user("sub-ada", claims_for("ada"))
    with TamperingProxy(expiring_oidc_provider.issuer, "late_token") as proxy:
        sso_configure(proxy.url)
        client = Client()
        response = sso_sign_in(client, expiring_oidc_provider, "sub-ada")

    _assert_refused(response, says="had already expired")
    _nothing_created()
    assert _signed_in_as(client) is None


def test_a_tampered_id_token_is_refused(
    sso_configure: Callable[[str], None], oidc_provider: Provider
) -> None:
    oidc_provider.set_user("sub-ada", claims_for("ada"))
    with TamperingProxy(oidc_provider.issuer, "tamper_id_token") as proxy:
        sso_configure(proxy.url)
        client = Client()
        response = sso_sign_in(client, oidc_provider, "sub-ada")

    _assert_refused(response, says="signature does not match")
    _nothing_created()
    assert _signed_in_as(client) is None


def test_a_replayed_state_is_refused(sso: Provider) -> None:
    sso.set_user("sub-ada", claims_for("ada"))
    client = Client()
    start = client.get(reverse("sso:start"))
    callback = callback_path(sso.authorize(start["Location"], "sub-ada"))
    assert client.get(callback).status_code == 302

    replayed_same_browser = client.get(callback)
    attacker = Client()
    replayed_elsewhere = attacker.get(callback)

    _assert_refused(replayed_same_browser, says="already used", status=400)
    _assert_refused(replayed_elsewhere, says="already used", status=400)
    assert _signed_in_as(attacker) is None
    assert SsoIdentity.objects.count() == 1


def test_a_missing_required_claim_is_refused(sso: Provider) -> None:
    sso.set_user("sub-ada", claims_for("ada", department=None))
    client = Client()

    response = sso_sign_in(client, sso, "sub-ada")

    _assert_refused(response, says="did not send the “department” claim")
    _nothing_created()
    refused = AuditEvent.objects.get(action="sso.sign_in_refused")
    assert refused.actor_username == "ada"
    assert "department" in refused.reason
    assert _signed_in_as(client) is None


@pytest.mark.parametrize(
    ("claim", "value", "says"),
    [
        pytest.param("department", "atlantis", "“atlantis” as your department", id="department"),
        pytest.param("region", "MARS", "“MARS” as your region", id="region"),
        pytest.param("clearance", "cosmic", "“cosmic” as your clearance", id="clearance"),
        pytest.param(
            "groups", ["workbench-business-users", "sales-emea"], "“sales-emea”", id="group"
        ),
    ],
)
def test_an_unknown_claim_value_is_refused_not_guessed(
    sso: Provider, claim: str, value: Any, says: str
) -> None:
    sso.set_user("sub-ada", claims_for("ada", **{claim: value}))
    client = Client()

    response = sso_sign_in(client, sso, "sub-ada")

    _assert_refused(response, says=says)
    assert "single sign-on mapping" in response.content.decode()
    _nothing_created()


def test_a_group_mapped_to_no_role_is_accepted_and_gives_none(sso: Provider) -> None:
    GroupRoleMapping.objects.create(group="all-staff", role="")
    sso.set_user("sub-ada", claims_for("ada", groups=["all-staff"]))

    assert sso_sign_in(Client(), sso, "sub-ada").status_code == 302

    assert not User.objects.get(username="ada").groups.exists()


def test_a_deactivated_account_cannot_sign_in(sso: Provider) -> None:
    sso.set_user("sub-ada", claims_for("ada"))
    sso_sign_in(Client(), sso, "sub-ada")
    User.objects.filter(username="ada").update(is_active=False)
    client = Client()

    response = sso_sign_in(client, sso, "sub-ada")

    _assert_refused(response, says="deactivated")
    assert _signed_in_as(client) is None


def test_the_break_glass_superuser_is_never_linked_to_a_provider_account(sso: Provider) -> None:
    User.objects.create_superuser("root", "root@example.com", "a-long-local-password")
    sso.set_user("sub-root", claims_for("root"))

    response = sso_sign_in(Client(), sso, "sub-root")

    _assert_refused(response, says="break-glass administrator account")
    assert not SsoIdentity.objects.exists()


def test_the_provider_refusing_is_explained(sso: Provider) -> None:
    client = Client()
    start = client.get(reverse("sso:start"))
    response = client.get(
        reverse("sso:callback") + "?error=access_denied&error_description=User+said+no&state=x"
    )

    assert start.status_code == 302
    _assert_refused(response, says="did not sign you in: User said no")


def test_start_sends_state_nonce_and_a_pkce_challenge(sso: Provider) -> None:
    response = Client().get(reverse("sso:start"))

    location = response["Location"]
    assert location.startswith(sso.issuer + "/oauth2/authorize?")
    for parameter in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256"):
        assert parameter in location


def test_refused_sign_ins_do_not_count_as_failed_password_logins(
    sso: Provider, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    sso.set_user("sub-bad", claims_for("bad", department="atlantis"))
    sso.set_user("sub-ada", claims_for("ada"))
    for _ in range(3):
        _assert_refused(sso_sign_in(Client(), sso, "sub-bad"), says="atlantis")

    response = sso_sign_in(Client(), sso, "sub-ada")

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action__in=["auth.login_failed", "auth.lockout"]).exists()
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").count() == 3
