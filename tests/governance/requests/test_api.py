"""Access requests and grants in the API: four ways, scoped lists, IDOR (guessed ids are 404 and
change nothing), errors in the one JSON format, the approve/deny/cancel/revoke flows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import UserFactory
from tests.governance.requests.conftest import PURPOSE, AccessWorld
from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.governance import requests
from workbench.governance.models import AccessRequest, Grant, RequestStatus

pytestmark = pytest.mark.django_db

REQUESTS = "/api/governance/requests/"
GRANTS = "/api/governance/grants/"


def _body(asset_id: int, **changes: Any) -> dict[str, Any]:
    body = {
        "asset": asset_id,
        "action": "preview",
        "purpose_category": "analytics",
        "purpose": PURPOSE,
        "duration_days": 14,
    }
    body.update(changes)
    return body


@pytest.fixture
def grant(pending: AccessRequest, steward: User) -> Grant:
    requests.access_request_approve(access_request=pending, approver=steward)
    return Grant.objects.get(request=pending)


def _persona(request: pytest.FixtureRequest, world: AccessWorld, name: str | None) -> User | None:
    if name is None:
        return None
    if name == "finsteward":
        return world.finance_steward
    return request.getfixturevalue(name)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 401, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("hr", 403, id="member-without-permission"),
        pytest.param("analyst", 201, id="business-user"),
    ],
)
def test_create_four_ways(
    request: pytest.FixtureRequest,
    api_client_for: Any,
    access_world: AccessWorld,
    persona: str | None,
    status: int,
) -> None:
    user = _persona(request, access_world, persona)
    response = api_client_for(user).post(REQUESTS, _body(access_world.customers.pk), format="json")
    assert response.status_code == status, response.content
    if status == 201:
        data = response.json()
        assert data["status"] == "pending"
        assert data["requester"] == "analyst"
        assert data["duration_days"] == 14
        assert data["sla"].startswith("due in")
    else:
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert AccessRequest.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 401, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="requester-without-permission"),
        pytest.param("finsteward", 404, id="steward-of-another-domain"),
        pytest.param("steward", 200, id="steward"),
    ],
)
def test_approve_four_ways(
    request: pytest.FixtureRequest,
    api_client_for: Any,
    access_world: AccessWorld,
    pending: AccessRequest,
    persona: str | None,
    status: int,
) -> None:
    user = _persona(request, access_world, persona)
    response = api_client_for(user).post(f"{REQUESTS}{pending.pk}/approve/", {}, format="json")
    assert response.status_code == status, response.content
    pending.refresh_from_db()
    assert (pending.status == RequestStatus.APPROVED) is (status == 200)
    assert Grant.objects.exists() is (status == 200)
    if status == 200:
        assert response.json()["grant"] == Grant.objects.get().pk


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 401, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="grantee-without-permission"),
        pytest.param("finsteward", 404, id="steward-of-another-domain"),
        pytest.param("steward", 200, id="steward"),
    ],
)
def test_revoke_four_ways(
    request: pytest.FixtureRequest,
    api_client_for: Any,
    access_world: AccessWorld,
    grant: Grant,
    persona: str | None,
    status: int,
) -> None:
    user = _persona(request, access_world, persona)
    response = api_client_for(user).post(
        f"{GRANTS}{grant.pk}/revoke/", {"reason": "No longer needed."}, format="json"
    )
    assert response.status_code == status, response.content
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) is (status == 200)
    if status == 200:
        assert response.json()["state"] == "revoked"


def test_lists_are_scoped(
    api_client_for: Any,
    access_world: AccessWorld,
    make_request: Any,
    grant: Grant,
    auditor: User,
    steward: User,
    roles: None,
) -> None:
    other = UserFactory(username="other", roles=[Role.BUSINESS_USER])
    ledger = make_request(requester=other, asset=access_world.ledger)
    mine = make_request(requester=other)  # on Retail: the steward decides it

    def ids(user: User, url: str) -> set[int]:
        response = api_client_for(user).get(url)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(other, REQUESTS) == {ledger.pk, mine.pk}
    assert ids(steward, REQUESTS) == {grant.request_id, mine.pk}
    assert ids(access_world.finance_steward, REQUESTS) == {ledger.pk}
    assert ids(auditor, REQUESTS) == {grant.request_id, ledger.pk, mine.pk}
    assert ids(steward, REQUESTS + "?status=pending") == {mine.pk}
    assert ids(other, GRANTS) == set()
    assert ids(steward, GRANTS) == {grant.pk}
    assert ids(access_world.finance_steward, GRANTS) == set()
    assert ids(auditor, GRANTS + "?state=live") == {grant.pk}


def test_guessed_ids_are_404_and_change_nothing(
    api_client_for: Any, access_world: AccessWorld, pending: AccessRequest, grant: Grant
) -> None:
    snoop = access_world.finance_steward
    client = api_client_for(snoop)
    for method, url in (
        ("get", f"{REQUESTS}{pending.pk}/"),
        ("post", f"{REQUESTS}{pending.pk}/approve/"),
        ("post", f"{REQUESTS}{pending.pk}/cancel/"),
        ("get", f"{GRANTS}{grant.pk}/"),
        ("post", f"{GRANTS}{grant.pk}/revoke/"),
        ("get", f"{REQUESTS}999999/"),
        ("post", f"{GRANTS}999999/revoke/"),
    ):
        call = client.get if method == "get" else client.post
        response = call(url, {"reason": "Snooping around here."}, format="json")
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert AccessRequest.objects.get(pk=pending.pk).status == RequestStatus.APPROVED


def test_create_for_an_asset_out_of_sight_is_404(
    api_client_for: Any, analyst: User, access_world: AccessWorld
) -> None:
    response = api_client_for(analyst).post(REQUESTS, _body(999999), format="json")
    assert response.status_code == 404
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"purpose": "short"}, "purpose", id="short-purpose"),
        pytest.param({"duration_days": 0}, "duration_days", id="zero-days"),
        pytest.param({"duration_days": 366}, "duration_days", id="too-long"),
        pytest.param({"action": "approve"}, "action", id="not-grantable"),
        pytest.param({"purpose_category": "x"}, "purpose_category", id="bad-category"),
    ],
)
def test_create_invalid_input_is_400_with_fields(
    api_client_for: Any, analyst: User, access_world: AccessWorld, changes: dict, field: str
) -> None:
    body = _body(access_world.customers.pk, **changes)
    response = api_client_for(analyst).post(REQUESTS, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not AccessRequest.objects.exists()


def test_duplicate_and_already_allowed_are_409(
    api_client_for: Any, analyst: User, steward: User, access_world: AccessWorld
) -> None:
    body = _body(access_world.customers.pk)
    assert api_client_for(analyst).post(REQUESTS, body, format="json").status_code == 201
    duplicate = api_client_for(analyst).post(REQUESTS, body, format="json")
    assert duplicate.status_code == 409
    assert "already asked" in duplicate.json()["error"]["message"]
    allowed = api_client_for(steward).post(REQUESTS, body, format="json")
    assert allowed.status_code == 409
    assert "no request is needed" in allowed.json()["error"]["message"]
    assert AccessRequest.objects.count() == 1


def test_deny_cancel_and_decided_twice(
    api_client_for: Any, analyst: User, steward: User, make_request: Any
) -> None:
    first = make_request()
    no_comment = api_client_for(steward).post(f"{REQUESTS}{first.pk}/deny/", {}, format="json")
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()["error"]["fields"]
    denied = api_client_for(steward).post(
        f"{REQUESTS}{first.pk}/deny/", {"comment": "Use the aggregate."}, format="json"
    )
    assert denied.status_code == 200
    assert denied.json()["status"] == "denied"
    again = api_client_for(steward).post(f"{REQUESTS}{first.pk}/approve/", {}, format="json")
    assert again.status_code == 409
    second = make_request()
    assert api_client_for(steward).post(f"{REQUESTS}{second.pk}/cancel/").status_code == 403
    cancelled = api_client_for(analyst).post(f"{REQUESTS}{second.pk}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_list_filters_are_validated(api_client_for: Any, analyst: User) -> None:
    assert api_client_for(analyst).get(REQUESTS + "?status=maybe").status_code == 400
    assert api_client_for(analyst).get(REQUESTS + "?asset=abc").status_code == 400
    assert api_client_for(analyst).get(GRANTS + "?state=forever").status_code == 400


def test_list_endpoints_answer_in_bounded_queries(
    api_client_for: Any,
    steward: User,
    make_request: Any,
    grant: Grant,
    django_assert_max_num_queries: Any,
) -> None:
    make_request(action="export")
    make_request(action="query")
    client = api_client_for(steward)
    with django_assert_max_num_queries(12):
        assert client.get(REQUESTS).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(GRANTS).status_code == 200
