"""OKR pages: four-way persona tests (anonymous, outsider, member without the right, member with
it), IDOR on objective and key-result ids, forms that keep what was typed, the htmx check-in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from literacy.models import CheckIn, KeyResult, Objective
from literacy.okrs import periods
from tests.literacy.okr_fixtures import OkrWorld, okr_world
from workbench.audit.models import AuditEvent

__all__ = ["okr_world"]

pytestmark = pytest.mark.django_db

TEAMS = reverse("literacy:okr_teams")


def _detail(objective: Objective) -> str:
    return reverse("literacy:okr_objective", kwargs={"objective_id": objective.pk})


def _check_in(key_result: KeyResult) -> str:
    return reverse("literacy:okr_check_in", kwargs={"key_result_id": key_result.pk})


# --- the team list ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, okr_world: OkrWorld) -> None:
    response = client.get(TEAMS)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_someone_without_a_role_is_refused_with_a_hint(client_for, outsider, okr_world) -> None:
    response = client_for(outsider).get(TEAMS)
    assert response.status_code == 403
    assert b"role" in response.content
    assert b"Grow with data" not in response.content


def test_a_member_sees_their_team_and_company_but_not_other_teams(
    client_for, okr_world: OkrWorld
) -> None:
    response = client_for(okr_world.member).get(TEAMS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Grow with data" in body
    assert "Become a data-literate company" in body
    assert "Close the books faster" not in body
    assert 'data-testid="data-ai-check"' not in body  # members don't get the check
    assert 'data-action="add-objective"' not in body


def test_a_lead_sees_the_data_ai_check_for_their_team(client_for, okr_world: OkrWorld) -> None:
    body = client_for(okr_world.lead).get(TEAMS).content.decode()
    assert 'data-testid="data-ai-check"' in body
    assert 'data-flagged="growth"' in body
    assert 'data-flagged="finance"' not in body
    assert 'data-action="add-objective"' in body


def test_hr_sees_every_team_and_every_flag(client_for, hr, okr_world: OkrWorld) -> None:
    body = client_for(hr).get(TEAMS).content.decode()
    assert "Close the books faster" in body
    assert "Grow with data" in body
    assert 'data-flagged="finance"' in body
    assert 'data-flagged="growth"' in body


def test_a_bad_period_falls_back_to_the_current_quarter(client_for, okr_world: OkrWorld) -> None:
    response = client_for(okr_world.member).get(TEAMS, {"period": "<script>"})
    assert response.status_code == 200
    assert "Grow with data" in response.content.decode()


def test_another_period_is_empty_with_a_helpful_message(client_for, okr_world: OkrWorld) -> None:
    body = client_for(okr_world.lead).get(TEAMS, {"period": "2031-Q2"}).content.decode()
    assert "Grow with data" not in body
    assert "No objectives for 2031-Q2 yet" in body


def test_the_team_list_runs_a_bounded_number_of_queries(
    client_for, hr, okr_world: OkrWorld, django_assert_max_num_queries
) -> None:
    for n in range(8):
        objective = Objective.objects.create(
            title=f"Objective {n}", department=okr_world.finance, period=okr_world.period,
            owner=okr_world.other,
        )  # fmt: skip
        KeyResult.objects.create(objective=objective, title="KR", target_value=Decimal(5))
    client = client_for(hr)
    client.get(TEAMS)  # warm the session and permission caches
    with django_assert_max_num_queries(20):
        assert client.get(TEAMS).status_code == 200


# --- objective detail (IDOR) ------------------------------------------------------------------


def test_objective_detail_four_ways(client, client_for, outsider, okr_world: OkrWorld) -> None:
    url = _detail(okr_world.objective)
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(okr_world.other).get(url).status_code == 404  # another team: no hint
    member = client_for(okr_world.member).get(url)
    assert member.status_code == 200
    assert b"Campaigns measured" in member.content
    assert b'data-testid="check-in-form"' not in member.content  # members read, leads write
    lead = client_for(okr_world.lead).get(url)
    assert b'data-testid="check-in-form"' in lead.content


def test_company_objectives_are_open_to_everyone_with_a_role(client_for, okr_world) -> None:
    response = client_for(okr_world.other).get(_detail(okr_world.company_objective))
    assert response.status_code == 200


def test_an_unknown_objective_is_404(client_for, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_objective", kwargs={"objective_id": 999999})
    assert client_for(okr_world.lead).get(url).status_code == 404


# --- check-ins --------------------------------------------------------------------------------


def test_check_in_four_ways(client, client_for, outsider, okr_world: OkrWorld) -> None:
    url, data = _check_in(okr_world.key_result), {"value": "6", "comment": "x"}
    assert client.post(url, data).status_code == 302
    assert client_for(outsider).post(url, data).status_code == 403
    assert client_for(okr_world.other).post(url, data).status_code == 404
    assert client_for(okr_world.member).post(url, data).status_code == 403
    assert not CheckIn.objects.exists()
    response = client_for(okr_world.lead).post(url, data)
    assert response.status_code == 302
    okr_world.key_result.refresh_from_db()
    assert okr_world.key_result.current_value == 6
    assert AuditEvent.objects.filter(action="okr.check_in", outcome="done").count() == 1


def test_htmx_check_in_returns_the_card_with_new_progress(client_for, okr_world) -> None:
    response = client_for(okr_world.lead).post(
        _check_in(okr_world.key_result),
        {"value": "8", "confidence": "0.8", "comment": "Good week"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-percent="80"' in body
    assert "Good week" in body
    assert 'hx-swap-oob="true"' in body  # the objective's progress is updated too


def test_htmx_check_in_with_bad_input_keeps_what_was_typed(client_for, okr_world) -> None:
    response = client_for(okr_world.lead).post(
        _check_in(okr_world.key_result),
        {"value": "eight", "confidence": "2", "comment": "Typed with care"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the errors show in place
    body = response.content.decode()
    assert 'value="eight"' in body
    assert 'value="Typed with care"' in body
    assert "is-invalid" in body
    assert not CheckIn.objects.exists()


def test_plain_check_in_with_bad_input_is_400_with_the_form(client_for, okr_world) -> None:
    response = client_for(okr_world.lead).post(
        _check_in(okr_world.key_result), {"value": "", "comment": "kept"}
    )
    assert response.status_code == 400
    assert 'value="kept"' in response.content.decode()


# --- objective and key-result forms -----------------------------------------------------------


def test_create_objective_four_ways(client, client_for, outsider, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_objective_create")
    data = {
        "title": "Measure everything",
        "period": okr_world.period,
        "department": okr_world.growth.pk,
        "owner": okr_world.lead.pk,
    }
    before = Objective.objects.count()
    assert client.post(url, data).status_code == 302
    assert client_for(outsider).post(url, data).status_code == 403
    assert client_for(okr_world.member).post(url, data).status_code == 403
    assert Objective.objects.count() == before
    response = client_for(okr_world.lead).post(url, data)
    assert response.status_code == 302
    created = Objective.objects.get(title="Measure everything")
    assert response["Location"] == _detail(created)


def test_a_lead_cannot_create_for_another_team_by_editing_the_form(client_for, okr_world) -> None:
    url = reverse("literacy:okr_objective_create")
    data = {
        "title": "Sneaky",
        "period": okr_world.period,
        "department": okr_world.finance.pk,
        "owner": okr_world.lead.pk,
    }
    response = client_for(okr_world.lead).post(url, data)
    assert response.status_code == 400  # not a choice the lead is offered
    assert 'value="Sneaky"' in response.content.decode()
    assert not Objective.objects.filter(title="Sneaky").exists()


def test_objective_form_errors_keep_the_input(client_for, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_objective_create")
    other_quarter = next(p for p in periods.period_choices() if "-Q" in p and p != okr_world.period)
    data = {
        "title": "Aligned badly",
        "period": other_quarter,
        "department": okr_world.growth.pk,
        "owner": okr_world.lead.pk,
        "parent": okr_world.company_objective.pk,
    }
    response = client_for(okr_world.lead).post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The parent must be in the same period" in body
    assert 'value="Aligned badly"' in body


def test_add_a_key_result_bound_to_a_metric(client_for, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_key_result_create", kwargs={"objective_id": okr_world.objective.pk})
    member = client_for(okr_world.member)
    assert member.get(url).status_code == 403
    data = {
        "title": "Team at Bronze",
        "category": "data",
        "unit": "%",
        "start_value": "0",
        "target_value": "80",
        "weight": "2",
        "metric_key": "platform.active_users",
        "metric_department": okr_world.growth.pk,
        "stale_after_hours": "48",
    }
    response = client_for(okr_world.lead).post(url, data)
    assert response.status_code == 302
    key_result = KeyResult.objects.get(title="Team at Bronze")
    assert key_result.metric_status == "ok"
    assert key_result.check_ins.filter(source="metric").count() == 1
    page = client_for(okr_world.member).get(_detail(okr_world.objective)).content.decode()
    assert "updates itself from" in page


def test_edit_key_result_is_for_editors_only(client_for, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_key_result_edit", kwargs={"key_result_id": okr_world.key_result.pk})
    assert client_for(okr_world.member).get(url).status_code == 403
    assert client_for(okr_world.other).get(url).status_code == 404
    assert client_for(okr_world.lead).get(url).status_code == 200


def test_stale_key_results_say_so_on_the_page(client_for, okr_world: OkrWorld) -> None:
    KeyResult.objects.filter(pk=okr_world.key_result.pk).update(
        metric_key="platform.active_users", metric_status="no_value"
    )
    body = client_for(okr_world.member).get(_detail(okr_world.objective)).content.decode()
    assert 'data-testid="stale"' in body
    assert "no value" in body


def test_objective_page_query_count_does_not_grow_with_history(
    client_for, okr_world: OkrWorld, django_assert_max_num_queries
) -> None:
    for n in range(5):
        kr = KeyResult.objects.create(
            objective=okr_world.objective, title=f"KR {n}", target_value=Decimal(10)
        )
        for value in range(4):
            CheckIn.objects.create(key_result=kr, value=Decimal(value), author=okr_world.lead)
    client = client_for(okr_world.lead)
    client.get(_detail(okr_world.objective))
    with django_assert_max_num_queries(20):
        assert client.get(_detail(okr_world.objective)).status_code == 200


def test_key_result_page_four_ways(client, client_for, outsider, okr_world: OkrWorld) -> None:
    url = reverse("literacy:okr_key_result", kwargs={"key_result_id": okr_world.key_result.pk})
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 403
    assert client_for(okr_world.other).get(url).status_code == 404
    member = client_for(okr_world.member).get(url)
    assert member.status_code == 200
    assert b'data-testid="check-in-form"' not in member.content
    assert b'data-testid="check-in-form"' in client_for(okr_world.lead).get(url).content
