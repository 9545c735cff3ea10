"""The OKR API: four-way persona tests, IDOR on ids, the status codes the schema promises, and no
N+1 on the list endpoints."""

from __future__ import annotations

from decimal import Decimal

import pytest

from literacy.models import CheckIn, KeyResult, Objective
from tests.literacy.okr_fixtures import OkrWorld, okr_world

__all__ = ["okr_world"]

pytestmark = pytest.mark.django_db

API = "/api/literacy/okrs"


def test_anonymous_gets_401_everywhere(api_client_for, okr_world: OkrWorld) -> None:
    client = api_client_for(None)
    for url in (f"{API}/objectives/", f"{API}/teams/", f"{API}/metrics/", f"{API}/data-ai-check/"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "not_authenticated"


def test_someone_without_a_role_gets_403(api_client_for, outsider, okr_world) -> None:
    response = api_client_for(outsider).get(f"{API}/objectives/")
    assert response.status_code == 403
    assert "role" in response.json()["error"]["message"]


def test_objective_list_is_filtered_by_visibility(api_client_for, okr_world: OkrWorld) -> None:
    titles = {
        o["title"]
        for o in api_client_for(okr_world.member).get(f"{API}/objectives/").json()["results"]
    }
    assert titles == {"Grow with data", "Become a data-literate company"}
    other = {
        o["title"]
        for o in api_client_for(okr_world.other).get(f"{API}/objectives/").json()["results"]
    }
    assert other == {"Close the books faster", "Become a data-literate company"}


def test_objective_detail_idor(api_client_for, okr_world: OkrWorld) -> None:
    url = f"{API}/objectives/{okr_world.objective.pk}/"
    assert api_client_for(okr_world.other).get(url).status_code == 404
    body = api_client_for(okr_world.member).get(url).json()
    assert body["progress"] == pytest.approx(0.2)
    assert body["light"] == "red"
    assert body["key_results"][0]["current_value"] == 2


def test_list_endpoint_query_count_is_bounded(
    api_client_for, hr, okr_world: OkrWorld, django_assert_max_num_queries
) -> None:
    for n in range(10):
        objective = Objective.objects.create(
            title=f"O{n}", department=okr_world.finance, period=okr_world.period,
            owner=okr_world.other,
        )  # fmt: skip
        KeyResult.objects.create(objective=objective, title="KR", target_value=Decimal(3))
    client = api_client_for(hr)
    with django_assert_max_num_queries(12):
        assert client.get(f"{API}/objectives/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"{API}/teams/").status_code == 200


def test_create_objective_four_ways(api_client_for, outsider, okr_world: OkrWorld) -> None:
    body = {"title": "API objective", "period": okr_world.period, "department": okr_world.growth.pk}
    url = f"{API}/objectives/"
    assert api_client_for(None).post(url, body).status_code == 401
    assert api_client_for(outsider).post(url, body).status_code == 403
    assert api_client_for(okr_world.member).post(url, body).status_code == 403
    assert not Objective.objects.filter(title="API objective").exists()
    response = api_client_for(okr_world.lead).post(url, body)
    assert response.status_code == 201
    assert response.json()["owner"] == "lead"
    assert response.json()["progress"] is None


def test_create_objective_status_codes(api_client_for, okr_world: OkrWorld, admin) -> None:
    client, url = api_client_for(admin), f"{API}/objectives/"
    base = {"title": "X", "period": okr_world.period, "department": None}
    assert client.post(url, {**base, "period": "2026-Q9"}).status_code == 400
    assert client.post(url, {**base, "department": 999999}).status_code == 404
    assert client.post(url, {**base, "owner": "nobody-here"}).status_code == 404
    assert client.post(url, {**base, "parent": 999999}).status_code == 404
    conflict = client.post(
        url, {**base, "period": "2031-Q1", "parent": okr_world.company_objective.pk}
    )
    assert conflict.status_code == 409
    assert conflict.json()["error"]["message"].startswith("parent:")


def test_update_objective_cycle_is_a_conflict(api_client_for, admin, okr_world) -> None:
    client = api_client_for(admin)
    child = client.post(
        f"{API}/objectives/",
        {"title": "Child", "period": okr_world.period, "department": None,
         "parent": okr_world.company_objective.pk},
        format="json",
    ).json()  # fmt: skip
    response = client.patch(
        f"{API}/objectives/{okr_world.company_objective.pk}/", {"parent": child["id"]}
    )
    assert response.status_code == 409
    assert "cycle" in response.json()["error"]["message"]


def test_update_objective_four_ways(api_client_for, outsider, okr_world: OkrWorld) -> None:
    url = f"{API}/objectives/{okr_world.objective.pk}/"
    assert api_client_for(outsider).patch(url, {"title": "Hacked"}).status_code == 403
    assert api_client_for(okr_world.other).patch(url, {"title": "Hacked"}).status_code == 404
    assert api_client_for(okr_world.member).patch(url, {"title": "Hacked"}).status_code == 403
    okr_world.objective.refresh_from_db()
    assert okr_world.objective.title == "Grow with data"
    response = api_client_for(okr_world.lead).patch(url, {"title": "Grow faster with data"})
    assert response.status_code == 200
    assert response.json()["title"] == "Grow faster with data"


def test_key_result_create_and_update(api_client_for, okr_world: OkrWorld) -> None:
    url = f"{API}/objectives/{okr_world.objective.pk}/key-results/"
    body = {"title": "Share at Bronze", "target_value": 70, "category": "data", "unit": "%"}
    assert api_client_for(okr_world.member).post(url, body).status_code == 403
    assert api_client_for(okr_world.other).post(url, body).status_code == 404
    created = api_client_for(okr_world.lead).post(url, body)
    assert created.status_code == 201
    kr = created.json()
    assert kr["progress"] == 0
    patched = api_client_for(okr_world.lead).patch(
        f"{API}/key-results/{kr['id']}/", {"metric_key": "platform.active_users",
                                           "metric_department": okr_world.growth.pk},
    )  # fmt: skip
    assert patched.status_code == 200
    assert patched.json()["metric_status"] == "ok"
    conflict = api_client_for(okr_world.lead).patch(
        f"{API}/key-results/{kr['id']}/", {"metric_key": "catalog.coverage"}
    )
    assert conflict.status_code == 409  # organisation-wide metric with a department scope
    listed = api_client_for(okr_world.member).get(url).json()
    assert [k["title"] for k in listed] == [
        "Campaigns measured with certified data",
        "Share at Bronze",
    ]


def test_check_ins_four_ways_and_history(api_client_for, outsider, okr_world: OkrWorld) -> None:
    url = f"{API}/key-results/{okr_world.key_result.pk}/check-ins/"
    body = {"value": 5, "confidence": 0.7, "comment": "Steady"}
    assert api_client_for(None).post(url, body).status_code == 401
    assert api_client_for(outsider).post(url, body).status_code == 403
    assert api_client_for(okr_world.other).post(url, body).status_code == 404
    assert api_client_for(okr_world.member).post(url, body).status_code == 403
    assert not CheckIn.objects.exists()
    created = api_client_for(okr_world.lead).post(url, body)
    assert created.status_code == 201
    assert created.json()["author"] == "lead"
    history = api_client_for(okr_world.member).get(url).json()["results"]
    assert [(c["value"], c["comment"]) for c in history] == [(5.0, "Steady")]
    detail = api_client_for(okr_world.member).get(f"{API}/key-results/{okr_world.key_result.pk}/")
    assert detail.json()["progress"] == pytest.approx(0.5)


def test_check_in_on_a_bound_key_result_is_a_conflict(api_client_for, okr_world) -> None:
    KeyResult.objects.filter(pk=okr_world.key_result.pk).update(metric_key="platform.active_users")
    response = api_client_for(okr_world.lead).post(
        f"{API}/key-results/{okr_world.key_result.pk}/check-ins/", {"value": 5}
    )
    assert response.status_code == 409
    assert not CheckIn.objects.exists()


def test_data_ai_check_four_ways(api_client_for, outsider, hr, okr_world: OkrWorld) -> None:
    url = f"{API}/data-ai-check/"
    assert api_client_for(outsider).get(url).status_code == 403
    assert api_client_for(okr_world.member).get(url).status_code == 403
    as_lead = api_client_for(okr_world.lead).get(url).json()
    assert [f["department"]["code"] for f in as_lead["flagged"]] == ["growth"]
    as_hr = api_client_for(hr).get(url, {"period": okr_world.period}).json()
    assert {"growth", "finance"} <= {f["department"]["code"] for f in as_hr["flagged"]}


def test_teams_and_metrics(api_client_for, okr_world: OkrWorld) -> None:
    teams = api_client_for(okr_world.member).get(f"{API}/teams/").json()
    assert teams[0]["department"] is None
    assert "growth" in [t["department"]["code"] for t in teams[1:]]
    assert "finance" not in [t["department"]["code"] for t in teams[1:]]
    metrics = api_client_for(okr_world.member).get(f"{API}/metrics/").json()
    keys = {m["key"] for m in metrics}
    assert {"platform.active_users", "catalog.coverage", "literacy.share_awareness"} <= keys
    assert (
        api_client_for(okr_world.member).get(f"{API}/teams/", {"period": "nope"}).status_code == 400
    )
