"""SCIM 2.0 as an identity provider drives it: create, update, roles, deactivate; and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from tests.catalog.factories import AssetFactory
from tests.factories import UserFactory
from tests.scim.conftest import ScimClient, user_body
from workbench.accounts.models import ApiToken, User
from workbench.accounts.roles import Role
from workbench.accounts.services import api_token_create
from workbench.audit.models import AuditEvent
from workbench.governance.models import Grant

pytestmark = pytest.mark.django_db
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body["detail"]
    return dict(body)


def _role_group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def test_an_identity_provider_sequence_create_update_role_deactivate(scim: ScimClient) -> None:
    # 1. Discover what the service supports.
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True
    assert {t["id"] for t in scim.get("ResourceTypes").json()["Resources"]} == {"User", "Group"}

    # 2. Look the user up by userName (absent), then create them.
    assert scim.get('Users?filter=userName eq "ada"').json()["totalResults"] == 0
    created = scim.post("Users", user_body())
    assert created.status_code == 201
    resource = created.json()
    user_id = resource["id"]
    assert created["Location"].endswith(f"/scim/v2/Users/{user_id}")
    assert resource["externalId"] == "ext-ada"
    user = User.objects.get(pk=user_id)
    assert (user.email, user.department.code, user.is_active) == ("ada@example.com", "growth", True)  # type: ignore[union-attr]
    assert not user.has_usable_password()
    assert scim.get('Users?filter=userName eq "ada"').json()["Resources"][0]["id"] == user_id

    # 3. Patch attributes the way Azure AD and Okta do.
    patched = scim.patch(
        f"Users/{user_id}",
        {"op": "Replace", "path": "title", "value": "Senior analyst"},
        {
            "op": "replace",
            "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            "value": "finance",
        },
        {"op": "replace", "value": {"name.givenName": "Augusta"}},
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "augusta@example.com"},
    )
    assert patched.status_code == 200, patched.content
    user.refresh_from_db()
    assert (user.job_title, user.department.code, user.first_name, user.email) == (  # type: ignore[union-attr]
        "Senior analyst",
        "finance",
        "Augusta",
        "augusta@example.com",
    )
    changes = AuditEvent.objects.filter(action="scim.attributes_changed").last().detail["changes"]  # type: ignore[union-attr]
    assert changes["department"] == {"before": "growth", "after": "finance"}
    assert changes["job_title"] == {"before": "Analyst", "after": "Senior analyst"}

    # 4. Add them to a group: the group is a role.
    groups = scim.get('Groups?filter=displayName eq "Data steward"').json()
    assert groups["totalResults"] == 1
    group_id = groups["Resources"][0]["id"]
    added = scim.patch(
        f"Groups/{group_id}", {"op": "add", "path": "members", "value": [{"value": user_id}]}
    )
    assert added.status_code == 200
    assert [m["value"] for m in added.json()["members"]] == [user_id]
    assert user.groups.filter(name=Role.DATA_STEWARD.value).exists()
    assert AuditEvent.objects.get(action="scim.roles_changed").detail["after"] == [
        Role.DATA_STEWARD.value
    ]

    # 5. The person works: a browser session, an API token, a grant on an asset.
    browser = Client()
    browser.force_login(user)
    key = api_token_create(user=user, name="script", expires_in_days=30).key
    asset = AssetFactory()
    now = timezone.now()
    grant = Grant.objects.create(
        user=user,
        asset=asset,
        action="preview",
        purpose_category="analytics",
        purpose="Quarterly churn analysis",
        starts_at=now,
        expires_at=now + timedelta(days=30),
    )
    assign_perm("catalog.grant_preview", user, asset)
    assert browser.get(reverse("api-me")).status_code == 200
    assert (
        Client().get(reverse("api-me"), headers={"Authorization": f"Token {key}"}).status_code
        == 200
    )

    # 6. HR removes them: the provider deactivates, and everything ends in that one request.
    deactivated = scim.patch(f"Users/{user_id}", {"op": "replace", "value": {"active": False}})

    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    assert browser.get(reverse("api-me")).status_code in (401, 403)
    assert (
        Client().get(reverse("api-me"), headers={"Authorization": f"Token {key}"}).status_code
        == 401
    )
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert grant.revoked_by is None
    assert "SCIM" in grant.revoke_reason
    assert not User.objects.get(pk=user.pk).has_perm("catalog.grant_preview", asset)
    event = AuditEvent.objects.get(action="scim.user_deactivated")
    assert event.detail["sessions_ended"] == 1
    assert event.detail["grants_revoked"] == [grant.pk]
    assert len(event.detail["api_tokens_revoked"]) == 1
    assert AuditEvent.objects.filter(
        action="governance.grant.revoked", target_id=str(grant.pk)
    ).exists()


def test_delete_deactivates_keeps_the_row_and_hides_the_user(scim: ScimClient) -> None:
    user_id = scim.post("Users", user_body()).json()["id"]

    response = scim.request("DELETE", f"Users/{user_id}")

    assert response.status_code == 204
    assert User.objects.get(pk=user_id).is_active is False
    _error(scim.get(f"Users/{user_id}"), 404)
    assert scim.get('Users?filter=userName eq "ada"').json()["totalResults"] == 0
    assert AuditEvent.objects.filter(action="scim.user_deactivated").count() == 1


def test_reactivating_a_user_is_audited(scim: ScimClient) -> None:
    user_id = scim.post("Users", user_body(active=False)).json()["id"]
    assert User.objects.get(pk=user_id).is_active is False

    scim.patch(f"Users/{user_id}", {"op": "replace", "path": "active", "value": True})

    assert User.objects.get(pk=user_id).is_active is True
    assert AuditEvent.objects.filter(action="scim.user_reactivated").exists()


def test_put_replaces_the_user(scim: ScimClient) -> None:
    user_id = scim.post("Users", user_body()).json()["id"]
    body = user_body(title="Controller")
    body["urn:workbench:params:scim:schemas:extension:2.0:User"] = {
        "region": "US",
        "clearance": "confidential",
    }

    response = scim.request("PUT", f"Users/{user_id}", body)

    assert response.status_code == 200
    resource = response.json()
    assert resource["title"] == "Controller"
    assert resource["urn:workbench:params:scim:schemas:extension:2.0:User"] == {
        "region": "US",
        "clearance": "confidential",
    }


def test_group_membership_replace_and_remove_by_filter(scim: ScimClient) -> None:
    ada = scim.post("Users", user_body("ada")).json()["id"]
    bob = scim.post("Users", user_body("bob")).json()["id"]
    group_id = str(_role_group(Role.AUDITOR).pk)

    put = scim.request(
        "PUT",
        f"Groups/{group_id}",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Auditor",
            "members": [{"value": ada}, {"value": bob}],
        },
    )
    removed = scim.patch(
        f"Groups/{group_id}", {"op": "remove", "path": f'members[value eq "{ada}"]'}
    )

    assert put.status_code == 200
    assert len(put.json()["members"]) == 2
    assert [m["value"] for m in removed.json()["members"]] == [bob]
    assert not User.objects.get(pk=ada).groups.exists()


def test_groups_are_the_fixed_roles(scim: ScimClient) -> None:
    listed = scim.get("Groups?excludedAttributes=members").json()

    assert {g["displayName"] for g in listed["Resources"]} == {role.value for role in Role}
    _error(
        scim.post(
            "Groups",
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "X"},
        ),
        403,
    )
    _error(scim.request("DELETE", f"Groups/{listed['Resources'][0]['id']}"), 403)


def test_list_pages_with_start_index_and_count(scim: ScimClient) -> None:
    for name in ("u1", "u2", "u3"):
        scim.post("Users", user_body(name))

    page = scim.get("Users?startIndex=2&count=1").json()

    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert page["Resources"][0]["userName"] == "u2"


def test_the_schemas_endpoint_describes_users_and_groups(scim: ScimClient) -> None:
    ids = {schema["id"] for schema in scim.get("Schemas").json()["Resources"]}

    assert "urn:ietf:params:scim:schemas:core:2.0:User" in ids
    assert "urn:ietf:params:scim:schemas:core:2.0:Group" in ids


def _state() -> tuple[Any, ...]:
    users = tuple(
        User.objects.order_by("pk").values_list(
            "username", "email", "job_title", "is_active", "department_id"
        )
    )
    roles = tuple(Group.objects.filter(user__isnull=False).values_list("name", "user"))
    return users, roles, AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("method", "path", "payload", "scim_type"),
    [
        pytest.param("POST", "Users", "{not json", "invalidSyntax", id="not-json"),
        pytest.param("POST", "Users", {"userName": "x"}, "invalidValue", id="no-schemas"),
        pytest.param("POST", "Users", user_body(userName=""), "invalidValue", id="no-username"),
        pytest.param(
            "POST", "Users", user_body(userName="has space"), "invalidValue", id="bad-username"
        ),
        pytest.param("POST", "Users", user_body(active="maybe"), "invalidValue", id="bad-active"),
        pytest.param(
            "POST", "Users", user_body(emails=[{"value": "nope"}]), "invalidValue", id="bad-email"
        ),
        pytest.param(
            "POST",
            "Users",
            user_body(
                **{
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                        "department": "atlantis"
                    }
                }
            ),
            "invalidValue",
            id="unknown-department",
        ),
        pytest.param(
            "POST",
            "Users",
            user_body(
                **{"urn:workbench:params:scim:schemas:extension:2.0:User": {"region": "MARS"}}
            ),
            "invalidValue",
            id="unknown-region",
        ),
        pytest.param("POST", "Users", user_body("existing"), "uniqueness", id="duplicate"),
        pytest.param(
            "PATCH", "Users/{id}", {"Operations": []}, "invalidValue", id="patch-no-schema"
        ),
        pytest.param(
            "PATCH",
            "Users/{id}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "explode", "path": "title"}],
            },
            "invalidValue",
            id="patch-bad-op",
        ),
        pytest.param(
            "PATCH",
            "Users/{id}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "replace", "path": "id", "value": "9"}],
            },
            "mutability",
            id="patch-id",
        ),
        pytest.param(
            "PATCH",
            "Users/{id}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [
                    {"op": "replace", "path": "title", "value": "ok"},
                    {"op": "replace", "path": "active", "value": "perhaps"},
                ],
            },
            "invalidValue",
            id="patch-half-good",
        ),
        pytest.param(
            "PATCH",
            "Groups/{group}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": "abc"}]}],
            },
            "invalidValue",
            id="group-bad-member",
        ),
        pytest.param(
            "PATCH",
            "Groups/{group}",
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": "999999"}]}],
            },
            "invalidValue",
            id="group-unknown-member",
        ),
        pytest.param(
            "GET", 'Users?filter=userName co "a"', None, "invalidFilter", id="unsupported-filter"
        ),
    ],
)
def test_malformed_requests_get_a_scim_400_and_change_nothing(
    scim: ScimClient, method: str, path: str, payload: Any, scim_type: str
) -> None:
    existing = UserFactory(username="existing", job_title="Analyst")
    path = path.format(id=existing.pk, group=_role_group(Role.AUDITOR).pk)
    before = _state()

    if isinstance(payload, str):
        response = scim.request(method, path, raw=payload)
    else:
        response = scim.request(method, path, payload)

    body = _error(response, 409 if scim_type == "uniqueness" else 400)
    assert body["scimType"] == scim_type
    assert _state() == before


def test_an_unknown_user_id_is_404(scim: ScimClient) -> None:
    _error(scim.get("Users/999999"), 404)
    _error(scim.get("Users/not-a-number"), 404)


def test_the_break_glass_superuser_is_out_of_scims_reach(scim: ScimClient) -> None:
    root = User.objects.create_superuser("root", "root@example.com", "a-long-local-password")

    listed = scim.get('Users?filter=userName eq "root"').json()
    deactivate = scim.patch(f"Users/{root.pk}", {"op": "replace", "path": "active", "value": False})
    delete = scim.request("DELETE", f"Users/{root.pk}")

    assert listed["totalResults"] == 0
    _error(deactivate, 404)
    _error(delete, 404)
    assert User.objects.get(pk=root.pk).is_active


def test_the_user_list_costs_the_same_queries_for_many_users(
    scim: ScimClient, django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        user = UserFactory(username=f"member{number}", roles=[Role.BUSINESS_USER])
        user.manager = UserFactory(username=f"boss{number}")
        user.save(update_fields=["manager"])

    with django_assert_max_num_queries(6):
        response = scim.get("Users?count=50")

    assert response.json()["totalResults"] == 24


@pytest.mark.parametrize("query", ["count=abc", "startIndex=x"])
def test_bad_paging_is_a_400(scim: ScimClient, query: str) -> None:
    _error(scim.get(f"Users?{query}"), 400)


def test_the_group_list_costs_the_same_queries_for_many_members(
    scim: ScimClient, django_assert_max_num_queries: Any
) -> None:
    for number in range(10):
        UserFactory(username=f"member{number}", roles=[Role.BUSINESS_USER, Role.HR])

    with django_assert_max_num_queries(4):
        response = scim.get("Groups")

    members = {g["displayName"]: len(g["members"]) for g in response.json()["Resources"]}
    assert members[Role.HR.value] == 10
