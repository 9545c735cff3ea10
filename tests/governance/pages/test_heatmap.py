"""The access heat-map, page and API: four ways, stewards see their domains only, every cell
equals what `decide()` says, departments aggregate their members, filters, bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.catalog.factories import AssetFactory
from tests.factories import DepartmentFactory, UserFactory
from tests.governance.pages.conftest import OversightWorld
from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.governance.heatmap import AccessLevel, access_level
from workbench.governance.policy import decide
from workbench.governance.requests import access_request_approve, access_request_create

pytestmark = pytest.mark.django_db

PURPOSE = "Quarterly churn review with the retention team."


def expected_level(user: User, asset) -> AccessLevel:
    preview = decide(user=user, action="preview", asset=asset, purpose=PURPOSE)
    return access_level(
        discover=decide(user=user, action="discover", asset=asset).allowed,
        preview=preview.allowed,
        masked=preview.masked,
    )


@pytest.fixture
def unmasked_grant(oversight: OversightWorld, analyst: User, steward: User):
    request = access_request_create(
        requester=analyst,
        asset=oversight.confidential,
        action="preview",
        unmasked=True,
        purpose_category="analytics",
        purpose=PURPOSE,
    )
    return access_request_approve(access_request=request, approver=steward)


def test_heatmap_sends_anonymous_to_login(client_for, oversight) -> None:
    response = client_for(None).get(reverse("governance:heatmap"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "analyst", "hr"])
def test_heatmap_refuses_people_who_oversee_nothing(
    request, client_for, api_client_for, oversight, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("governance:heatmap"))
    assert response.status_code == 403
    assert "customers" not in response.content.decode()
    assert "Data steward" in response.content.decode()
    api = api_client_for(user).get(reverse("api-governance-heatmap"))
    assert api.status_code == 403


def test_every_cell_matches_decide(
    client_for,
    api_client_for,
    admin,
    analyst,
    steward,
    owner,
    auditor,
    reviewer,
    oversight,
    unmasked_grant,
) -> None:
    body = api_client_for(admin).get(reverse("api-governance-heatmap")).json()
    assets = {
        asset.pk: asset
        for asset in (
            oversight.public,
            oversight.internal,
            oversight.confidential,
            oversight.restricted,
            oversight.ledger,
        )
    }
    users = {user.pk: user for user in User.objects.filter(is_active=True)}
    assert {column["id"] for column in body["columns"]} == set(assets)
    assert {row["id"] for row in body["rows"]} == set(users)
    levels_seen = set()
    for row in body["rows"]:
        for column, cell in zip(body["columns"], row["cells"], strict=True):
            expected = expected_level(users[row["id"]], assets[column["id"]])
            assert cell["level"] == expected.code, (row["label"], column["name"])
            levels_seen.add(cell["level"])
    assert levels_seen == {"none", "discover", "masked", "full"}
    analyst_row = next(row for row in body["rows"] if row["label"] == "analyst")
    index = [column["id"] for column in body["columns"]].index(oversight.confidential.pk)
    assert analyst_row["cells"][index]["level"] == "full"  # the unmasked grant


def test_heatmap_page_shows_letters_legend_and_counts(
    client_for, admin, analyst, oversight
) -> None:
    response = client_for(admin).get(reverse("governance:heatmap"))
    assert response.status_code == 200
    html = response.content.decode()
    for level in AccessLevel:
        assert f'wb-heat-{level.code}" aria-hidden="true">{level.letter}</span>' in html
    assert 'data-testid="heatmap-counts"' in html
    assert 'data-level="none"' in html  # analyst on payments (restricted)


def test_steward_sees_only_the_assets_of_their_domains(
    client_for, api_client_for, steward, oversight
) -> None:
    body = api_client_for(steward).get(reverse("api-governance-heatmap")).json()
    names = {column["name"] for column in body["columns"]}
    assert names == {"stores", "orders", "customers", "payments"}
    html = client_for(steward).get(reverse("governance:heatmap")).content.decode()
    assert "ledger" not in html


def test_filters_by_domain_and_classification(api_client_for, auditor, oversight) -> None:
    client = api_client_for(auditor)
    url = reverse("api-governance-heatmap")
    finance = client.get(url, {"domain": "finance"}).json()
    assert [column["name"] for column in finance["columns"]] == ["ledger"]
    confidential = client.get(url, {"classification": 2}).json()
    assert [column["name"] for column in confidential["columns"]] == ["customers"]
    bad = client.get(url, {"classification": 7})
    assert bad.status_code == 400
    assert "classification" in bad.json()["error"]["fields"]


def test_departments_show_the_highest_level_and_how_many_hold_it(
    api_client_for, admin, oversight, unmasked_grant, analyst
) -> None:
    growth = analyst.department
    UserFactory(username="colleague", department=growth, roles=[Role.BUSINESS_USER])
    body = (
        api_client_for(admin)
        .get(reverse("api-governance-heatmap"), {"mode": "departments", "q": growth.name})
        .json()
    )
    assert [row["label"] for row in body["rows"]] == [growth.name]
    members = list(User.objects.filter(department=growth, is_active=True))
    index = [column["id"] for column in body["columns"]].index(oversight.confidential.pk)
    cell = body["rows"][0]["cells"][index]
    levels = [expected_level(member, oversight.confidential) for member in members]
    assert cell["level"] == max(levels).code == "full"
    assert cell["spread"]["full"] == levels.count(AccessLevel.FULL)
    assert sum(cell["spread"].values()) == len(members)


def test_heatmap_queries_do_not_grow_with_cells(api_client_for, admin, analyst, oversight):
    client = api_client_for(admin)
    url = reverse("api-governance-heatmap")
    client.get(url)  # warm the engine's caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for number in range(8):
        AssetFactory(
            source=oversight.public.source,
            name=f"extra_{number}",
            domain=oversight.customers_domain,
            classification=number % 4,
        )
    assert queries() <= few + 2  # more columns, same queries: never one per cell
    department = DepartmentFactory(name="Field", code="field")
    for number in range(5):
        UserFactory(username=f"field{number}", department=department, roles=[Role.BUSINESS_USER])
    per_person = (queries() - few) / 5
    assert per_person <= 6  # a few filtered queries per row, whatever the number of columns


def test_rows_and_columns_are_paginated(api_client_for, admin, oversight, monkeypatch) -> None:
    monkeypatch.setattr("workbench.governance.heatmap.ROWS_PER_PAGE", 2)
    monkeypatch.setattr("workbench.governance.heatmap.ASSETS_PER_PAGE", 3)
    client = api_client_for(admin)
    first = client.get(reverse("api-governance-heatmap")).json()
    assert len(first["rows"]) == 2
    assert len(first["columns"]) == 3
    assert first["assets_pages"] == 2
    last = client.get(reverse("api-governance-heatmap"), {"page": 99, "assets_page": 2}).json()
    assert last["page"] == last["pages"]
    assert len(last["columns"]) == 2
