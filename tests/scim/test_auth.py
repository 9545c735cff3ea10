"""SCIM's bearer token, four ways: SCIM off, no token, a wrong token, the right token."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from tests.scim.conftest import ScimClient, user_body
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PATHS = [
    "Users",
    "Users/1",
    "Groups",
    "Groups/1",
    "ServiceProviderConfig",
    "ResourceTypes",
    "Schemas",
]


@pytest.mark.parametrize("path", PATHS)
def test_scim_is_off_without_a_configured_token(settings: Settings, roles: None, path: str) -> None:
    settings.SCIM_TOKEN_FILE = ""

    response = ScimClient("anything").get(path)

    assert response.status_code == 404
    assert response.json()["detail"] == "SCIM provisioning is not enabled on this workbench."


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "token", [None, "wrong-token", ""], ids=["no-token", "wrong-token", "empty"]
)
def test_a_missing_or_wrong_token_is_401(
    scim_token: str, roles: None, path: str, token: str | None
) -> None:
    response = ScimClient(token).get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_a_wrong_token_changes_nothing(scim_token: str, roles: None) -> None:
    events = AuditEvent.objects.count()

    response = ScimClient("wrong-token").post("Users", user_body())

    assert response.status_code == 401
    assert not User.objects.filter(username="ada").exists()
    assert AuditEvent.objects.count() == events


def test_the_right_token_is_let_in(scim: ScimClient) -> None:
    assert scim.get("Users").status_code == 200
    assert scim.get("ServiceProviderConfig").status_code == 200


def test_a_session_is_not_enough(scim_token: str, admin: User) -> None:
    client = ScimClient(None)
    client.client.force_login(admin)

    assert client.get("Users").status_code == 401
