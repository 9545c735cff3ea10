"""Access request and grant pages: four ways (anonymous, outsider, member without the permission,
member with it), IDOR (guessed ids are 404 and change nothing), forms that keep what was typed,
and the asset page's access panel and the profile's grants."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.governance.requests.conftest import PURPOSE, AccessWorld
from workbench.accounts.models import User
from workbench.governance import requests
from workbench.governance.models import AccessRequest, Grant, RequestStatus

pytestmark = pytest.mark.django_db


def _form(**changes: Any) -> dict[str, Any]:
    data = {
        "action": "preview",
        "purpose_category": "analytics",
        "purpose": PURPOSE,
        "duration_days": "30",
    }
    data.update(changes)
    return data


@pytest.fixture
def grant(pending: AccessRequest, steward: User) -> Grant:
    requests.access_request_approve(access_request=pending, approver=steward)
    return Grant.objects.get(request=pending)


# --- four ways ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("hr", 403, id="member-without-permission"),
        pytest.param("analyst", 200, id="business-user"),
        pytest.param("auditor", 200, id="auditor"),
    ],
)
def test_request_list_four_ways(
    request: pytest.FixtureRequest, client_for: Any, persona: str | None, status: int
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("governance:request_list"))
    assert response.status_code == status
    if status == 403:
        assert b"role" in response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="member-without-permission"),
        pytest.param("steward", 200, id="steward"),
    ],
)
def test_queue_four_ways(
    request: pytest.FixtureRequest,
    client_for: Any,
    pending: AccessRequest,
    persona: str | None,
    status: int,
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("governance:request_queue"))
    assert response.status_code == status
    if status == 200:
        assert f'data-request="{pending.pk}"' in response.content.decode()
        assert PURPOSE in response.content.decode()
    else:
        assert PURPOSE.encode() not in response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="member-without-permission"),
        pytest.param("steward", 200, id="steward"),
        pytest.param("auditor", 200, id="auditor"),
    ],
)
def test_grant_list_four_ways(
    request: pytest.FixtureRequest, client_for: Any, grant: Grant, persona: str | None, status: int
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("governance:grant_list"))
    assert response.status_code == status
    assert (f'data-grant="{grant.pk}"' in response.content.decode()) is (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("hr", 403, id="member-without-permission"),
        pytest.param("analyst", 302, id="business-user"),
    ],
)
def test_create_request_four_ways(
    request: pytest.FixtureRequest,
    client_for: Any,
    access_world: AccessWorld,
    persona: str | None,
    status: int,
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    url = reverse("governance:request_create", args=[access_world.customers.pk])
    response = client_for(user).post(url, _form())
    assert response.status_code == status
    created = AccessRequest.objects.count()
    assert created == (1 if persona == "analyst" else 0)
    if persona == "analyst":
        assert response["Location"] == reverse(
            "governance:request_detail", args=[AccessRequest.objects.get().pk]
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="requester-without-permission"),
        pytest.param("finsteward", 404, id="steward-of-another-domain"),
        pytest.param("steward", 302, id="steward"),
    ],
)
def test_approve_four_ways(
    request: pytest.FixtureRequest,
    client_for: Any,
    access_world: AccessWorld,
    pending: AccessRequest,
    persona: str | None,
    status: int,
) -> None:
    user = (
        access_world.finance_steward
        if persona == "finsteward"
        else (request.getfixturevalue(persona) if persona else None)
    )
    url = reverse("governance:request_decide", args=[pending.pk, "approve"])
    response = client_for(user).post(url, {"comment": "fine"})
    assert response.status_code == status
    pending.refresh_from_db()
    approved = persona == "steward"
    assert (pending.status == RequestStatus.APPROVED) is approved
    assert Grant.objects.filter(request=pending).exists() is approved


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("outsider", 403, id="outsider"),
        pytest.param("analyst", 403, id="grantee-without-permission"),
        pytest.param("finsteward", 404, id="steward-of-another-domain"),
        pytest.param("owner", 302, id="domain-owner"),
    ],
)
def test_revoke_four_ways(
    request: pytest.FixtureRequest,
    client_for: Any,
    access_world: AccessWorld,
    grant: Grant,
    persona: str | None,
    status: int,
) -> None:
    user = (
        access_world.finance_steward
        if persona == "finsteward"
        else (request.getfixturevalue(persona) if persona else None)
    )
    url = reverse("governance:grant_revoke", args=[grant.pk])
    response = client_for(user).post(url, {"reason": "The campaign has ended."})
    assert response.status_code == status
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) is (persona == "owner")


# --- IDOR -----------------------------------------------------------------------------------------


def test_guessed_request_ids_are_404_and_change_nothing(
    client_for: Any, make_request: Any, access_world: AccessWorld, roles: None
) -> None:
    from tests.factories import UserFactory
    from workbench.accounts.roles import Role

    other = UserFactory(username="other", roles=[Role.BUSINESS_USER])
    theirs = make_request(requester=other)
    snoop = UserFactory(username="snoop", roles=[Role.BUSINESS_USER])
    client = client_for(snoop)
    assert client.get(reverse("governance:request_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("governance:request_detail", args=[99999])).status_code == 404
    cancel = client.post(reverse("governance:request_cancel", args=[theirs.pk]))
    assert cancel.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.PENDING
    listing = client.get(reverse("governance:request_list") + "?scope=all").content.decode()
    assert f'data-request="{theirs.pk}"' not in listing


def test_guessed_grant_ids_are_404_for_stewards_of_other_domains(
    client_for: Any, access_world: AccessWorld, grant: Grant
) -> None:
    client = client_for(access_world.finance_steward)
    assert client.get(reverse("governance:grant_revoke", args=[grant.pk])).status_code == 404
    assert client.get(reverse("governance:grant_revoke", args=[99999])).status_code == 404
    listing = client.get(reverse("governance:grant_list")).content.decode()
    assert f'data-grant="{grant.pk}"' not in listing


# --- forms and flows ------------------------------------------------------------------------------


def test_invalid_request_form_keeps_what_was_typed(
    client_for: Any, analyst: User, access_world: AccessWorld
) -> None:
    url = reverse("governance:request_create", args=[access_world.customers.pk])
    response = client_for(analyst).post(url, _form(purpose="too short", duration_days="400"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "too short" in html
    assert 'value="400"' in html
    assert "at least 20" in html.lower() or "Ensure this value has at least 20" in html
    assert not AccessRequest.objects.exists()


def test_duplicate_request_form_says_so(
    client_for: Any, analyst: User, access_world: AccessWorld, pending: AccessRequest
) -> None:
    url = reverse("governance:request_create", args=[access_world.customers.pk])
    response = client_for(analyst).post(url, _form())
    assert response.status_code == 409
    assert "already asked" in response.content.decode()
    assert AccessRequest.objects.count() == 1


def test_request_form_refuses_what_is_already_allowed(
    client_for: Any, steward: User, access_world: AccessWorld
) -> None:
    url = reverse("governance:request_create", args=[access_world.customers.pk])
    response = client_for(steward).post(url, _form())
    assert response.status_code == 409
    assert "no request is needed" in response.content.decode()


def test_request_form_for_an_asset_out_of_sight_is_404(
    client_for: Any, analyst: User, access_world: AccessWorld
) -> None:
    response = client_for(analyst).get(reverse("governance:request_create", args=[999999]))
    assert response.status_code == 404


def test_deny_without_comment_keeps_the_page_and_the_request(
    client_for: Any, steward: User, pending: AccessRequest
) -> None:
    url = reverse("governance:request_decide", args=[pending.pk, "deny"])
    response = client_for(steward).post(url, {"comment": ""})
    assert response.status_code == 400
    assert "At least 5 characters" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING


def test_requester_sees_decision_and_can_cancel_pending(
    client_for: Any, analyst: User, pending: AccessRequest
) -> None:
    client = client_for(analyst)
    detail = client.get(reverse("governance:request_detail", args=[pending.pk])).content.decode()
    assert 'data-action="cancel-request"' in detail
    assert 'data-action="approve"' not in detail  # never their own judge
    client.post(reverse("governance:request_cancel", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == RequestStatus.CANCELLED


def test_queue_shows_the_sla_clock_oldest_first(
    client_for: Any, steward: User, make_request: Any
) -> None:
    first = make_request()
    second = make_request(action="export")
    html = client_for(steward).get(reverse("governance:request_queue")).content.decode()
    assert html.index(f'data-request="{first.pk}"') < html.index(f'data-request="{second.pk}"')
    assert "due in" in html


def test_empty_pages_say_what_to_do(client_for: Any, analyst: User, steward: User) -> None:
    mine = client_for(analyst).get(reverse("governance:request_list")).content.decode()
    assert "You have not requested access to anything yet" in mine
    queue = client_for(steward).get(reverse("governance:request_queue")).content.decode()
    assert "Nothing waiting for you" in queue


def test_asset_page_offers_request_access_with_the_reason(
    client_for: Any, analyst: User, access_world: AccessWorld
) -> None:
    url = reverse("catalog:asset_detail", args=[access_world.customers.pk])
    html = client_for(analyst).get(url).content.decode()
    assert 'data-action="request-access"' in html
    assert "needs an approved access request" in html


def test_asset_page_and_profile_list_the_live_grant(
    client_for: Any, analyst: User, steward: User, grant: Grant
) -> None:
    url = reverse("catalog:asset_detail", args=[grant.asset_id])
    mine = client_for(analyst).get(url).content.decode()
    assert f'data-grant="{grant.pk}"' in mine
    assert 'data-access-action="preview" data-allowed="yes"' in mine
    stewards = client_for(steward).get(url).content.decode()
    assert f'data-grant="{grant.pk}"' in stewards
    assert 'data-action="revoke"' in stewards
    profile = client_for(analyst).get(reverse("accounts:profile")).content.decode()
    assert f'data-grant="{grant.pk}"' in profile


def test_request_pages_answer_in_bounded_queries(
    client_for: Any, steward: User, make_request: Any, django_assert_max_num_queries: Any
) -> None:
    make_request()
    make_request(action="export")
    client = client_for(steward)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("governance:request_queue")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("governance:request_list") + "?scope=all").status_code == 200


def test_masked_asset_offers_unmasked_access(
    client_for: Any, analyst: User, access_world: AccessWorld
) -> None:
    from workbench.governance.policy import asset_access_refresh

    access_world.customers.classification = 1  # internal: open to the analyst, masked
    access_world.customers.save(update_fields=["classification"])
    asset_access_refresh(access_world.customers)
    url = reverse("catalog:asset_detail", args=[access_world.customers.pk])
    html = client_for(analyst).get(url).content.decode()
    assert 'data-action="request-access"' not in html
    assert 'data-action="request-unmasked"' in html
    form = client_for(analyst).get(
        reverse("governance:request_create", args=[access_world.customers.pk])
        + "?action=preview&unmasked=1"
    )
    assert 'name="unmasked" id="id_unmasked" value="on" checked' in form.content.decode()


def test_auditor_starts_on_every_request_read_only(
    client_for: Any, auditor: User, pending: AccessRequest
) -> None:
    response = client_for(auditor).get(reverse("governance:request_list"))
    assert f'data-request="{pending.pk}"' in response.content.decode()
    detail = client_for(auditor).get(reverse("governance:request_detail", args=[pending.pk]))
    assert detail.status_code == 200
    assert 'data-action="approve"' not in detail.content.decode()
