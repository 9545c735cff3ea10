"""The profile page and GET /api/me/, each for every persona (API tokens: test_api_tokens.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workbench.accounts.models import User

pytestmark = pytest.mark.django_db


def test_profile_anonymous_is_sent_to_login(client_for) -> None:
    response = client_for(None).get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["outsider", "analyst", "admin"])
def test_profile_shows_own_roles_and_attributes_only(
    request: pytest.FixtureRequest, client_for, persona: str, steward: User
) -> None:
    user: User = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("accounts:profile"))
    assert response.status_code == 200
    html = response.content.decode()
    assert user.username in html
    assert user.get_region_display() in html
    assert user.get_clearance_display() in html
    assert steward.email not in html


def test_profile_shows_department_path_and_roles(client_for, analyst: User) -> None:
    html = client_for(analyst).get(reverse("accounts:profile")).content.decode()
    assert "Growth Marketing" in html
    assert "Business user" in html


def test_profile_query_count_is_pinned(
    client_for, analyst: User, django_assert_max_num_queries
) -> None:
    client = client_for(analyst)
    # 8 for the profile, 1 for its access grants, 1 for the unread-notification badge.
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_me_anonymous_gets_401_json(api_client_for) -> None:
    response = api_client_for(None).get("/api/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize(
    ("persona", "roles"),
    [
        ("outsider", []),
        ("analyst", ["Business user"]),
        ("steward", ["Business user", "Data steward"]),
        ("admin", ["Platform admin"]),
    ],
)
def test_me_returns_own_roles_and_attributes(
    request: pytest.FixtureRequest, api_client_for, persona: str, roles: list[str]
) -> None:
    user: User = request.getfixturevalue(persona)
    body = api_client_for(user).get("/api/me/").json()
    assert body["username"] == user.username
    assert sorted(body["roles"]) == roles
    assert body["region"] == user.region
    assert body["clearance_level"] == user.clearance


def test_me_query_count_is_pinned(
    api_client_for, steward: User, django_assert_max_num_queries
) -> None:
    client = api_client_for(steward)
    with django_assert_max_num_queries(5):
        assert client.get("/api/me/").status_code == 200
