"""OKR services: who may write, alignment without cycles, check-ins with history, and key results
that update themselves from registry metrics (with stale flags)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from literacy.models import CheckIn, CheckInSource, KeyResult, MetricStatus, Objective
from literacy.okrs import selectors, services
from literacy.okrs.services import KeyResultData, ObjectiveData, OkrConflict, OkrDenied, OkrError
from tests.factories import UserFactory
from tests.literacy.okr_fixtures import OkrWorld, okr_world
from workbench.accounts.roles import Role
from workbench.audit.models import AuditEvent
from workbench.core import metrics

__all__ = ["okr_world"]

pytestmark = pytest.mark.django_db


def _objective(world: OkrWorld, **changes) -> ObjectiveData:
    values = {
        "title": "Every campaign measured",
        "period": world.period,
        "department": world.growth,
        "owner": world.lead,
    }
    return ObjectiveData(**{**values, **changes})


def test_a_lead_creates_an_objective_for_their_team(okr_world: OkrWorld) -> None:
    objective = services.objective_create(actor=okr_world.lead, data=_objective(okr_world))
    assert objective.department == okr_world.growth
    assert AuditEvent.objects.filter(action="okr.objective.create", outcome="done").exists()


def test_a_member_who_leads_nobody_may_not_create(okr_world: OkrWorld) -> None:
    before = Objective.objects.count()
    with pytest.raises(OkrDenied):
        services.objective_create(actor=okr_world.member, data=_objective(okr_world))
    assert Objective.objects.count() == before
    assert AuditEvent.objects.filter(action="okr.objective.create", outcome="denied").exists()


def test_a_lead_may_not_create_for_another_team(okr_world: OkrWorld) -> None:
    with pytest.raises(OkrDenied):
        services.objective_create(
            actor=okr_world.lead, data=_objective(okr_world, department=okr_world.finance)
        )


def test_only_admins_create_company_level_objectives(okr_world: OkrWorld, admin, hr) -> None:
    with pytest.raises(OkrDenied):
        services.objective_create(actor=hr, data=_objective(okr_world, department=None))
    objective = services.objective_create(
        actor=admin, data=_objective(okr_world, department=None, owner=admin)
    )
    assert objective.department is None


@pytest.mark.parametrize("period", ["2026-Q5", "26-Q1", "2026Q1", "", "1999"])
def test_a_malformed_period_is_refused(okr_world: OkrWorld, period: str) -> None:
    with pytest.raises(OkrError) as refused:
        services.objective_create(actor=okr_world.lead, data=_objective(okr_world, period=period))
    assert "period" in refused.value.fields


def test_a_parent_in_the_same_or_enclosing_period_is_accepted(okr_world: OkrWorld, admin) -> None:
    year = okr_world.period[:4]
    yearly = services.objective_create(
        actor=admin, data=_objective(okr_world, department=None, owner=admin, period=year)
    )
    child = services.objective_create(
        actor=okr_world.lead, data=_objective(okr_world, parent=yearly)
    )
    assert child.parent == yearly
    same = services.objective_create(
        actor=okr_world.lead, data=_objective(okr_world, parent=okr_world.company_objective)
    )
    assert same.parent == okr_world.company_objective


def test_a_parent_in_another_period_is_refused(okr_world: OkrWorld, admin) -> None:
    other = "2031-Q1"
    with pytest.raises(OkrError) as refused:
        services.objective_create(
            actor=okr_world.lead,
            data=_objective(okr_world, period=other, parent=okr_world.company_objective),
        )
    assert "period" in refused.value.fields["parent"]


def test_a_parent_the_actor_cannot_see_is_refused(okr_world: OkrWorld) -> None:
    with pytest.raises(OkrError) as refused:
        services.objective_create(
            actor=okr_world.lead, data=_objective(okr_world, parent=okr_world.finance_objective)
        )
    assert "see" in refused.value.fields["parent"]


def test_alignment_cycles_are_refused(okr_world: OkrWorld, admin) -> None:
    top = okr_world.company_objective
    middle = services.objective_create(actor=okr_world.lead, data=_objective(okr_world, parent=top))
    bottom = services.objective_create(
        actor=okr_world.lead, data=_objective(okr_world, title="Bottom", parent=middle)
    )
    data = ObjectiveData(
        title=top.title, period=top.period, department=None, owner=admin, parent=bottom
    )
    with pytest.raises(OkrError) as refused:
        services.objective_update(objective=top, actor=admin, data=data)
    assert "cycle" in refused.value.fields["parent"]
    top.refresh_from_db()
    assert top.parent is None
    with pytest.raises(OkrError):
        services.objective_update(
            objective=top, actor=admin, data=ObjectiveData(**{**data.__dict__, "parent": top})
        )


def test_a_member_cannot_change_the_objective_but_its_owner_can(okr_world: OkrWorld) -> None:
    data = _objective(okr_world, title="Renamed")
    with pytest.raises(OkrDenied):
        services.objective_update(objective=okr_world.objective, actor=okr_world.member, data=data)
    updated = services.objective_update(
        objective=okr_world.objective, actor=okr_world.lead, data=data
    )
    assert updated.title == "Renamed"


def test_check_in_records_history_and_moves_the_key_result(okr_world: OkrWorld) -> None:
    kr = okr_world.key_result
    services.check_in_record(
        key_result=kr, actor=okr_world.lead, value=Decimal(5), confidence=Decimal("0.6"),
        comment="Half-way there",
    )  # fmt: skip
    services.check_in_record(key_result=kr, actor=okr_world.lead, value=Decimal(7))
    kr.refresh_from_db()
    assert kr.current_value == 7
    assert kr.confidence == Decimal("0.6")
    history = list(kr.check_ins.order_by("created_at", "pk").values_list("value", "author"))
    assert history == [(Decimal(5), okr_world.lead.pk), (Decimal(7), okr_world.lead.pk)]
    assert selectors.key_result_view(kr).progress == Decimal("0.7")


def test_a_member_may_not_check_in(okr_world: OkrWorld) -> None:
    with pytest.raises(OkrDenied):
        services.check_in_record(
            key_result=okr_world.key_result, actor=okr_world.member, value=Decimal(9)
        )
    assert not CheckIn.objects.exists()
    okr_world.key_result.refresh_from_db()
    assert okr_world.key_result.current_value == 2


def test_a_check_in_with_confidence_out_of_range_is_refused(okr_world: OkrWorld) -> None:
    with pytest.raises(OkrError) as refused:
        services.check_in_record(
            key_result=okr_world.key_result,
            actor=okr_world.lead,
            value=Decimal(3),
            confidence=Decimal("1.5"),
        )
    assert "confidence" in refused.value.fields
    assert not CheckIn.objects.exists()


# --- automatic key results --------------------------------------------------------------------


@pytest.fixture
def fake_metric():
    """A registry metric whose value the test sets (None: nothing to measure)."""
    state: dict[str, float | None] = {"value": 40.0, "calls": 0}

    def compute(department, at):
        state["calls"] += 1  # type: ignore[operator]
        return state["value"]

    metrics.metric_list()  # the built-ins first
    metrics._REGISTRY["test.fake"] = metrics.Metric(
        "test.fake", "Fake", "%", "For tests.", compute, Role.HR, 50.0,
        metrics.Direction.UP, metrics.MetricCategory.DATA,
    )  # fmt: skip
    yield state
    metrics._REGISTRY.pop("test.fake", None)


def _bound(world: OkrWorld, key: str = "test.fake") -> KeyResult:
    return services.key_result_create(
        actor=world.lead,
        objective=world.objective,
        data=KeyResultData(
            title="Share at Bronze", start_value=Decimal(20), target_value=Decimal(70),
            unit="%", metric_key=key, metric_department=world.growth,
        ),
    )  # fmt: skip


def test_binding_a_metric_refreshes_at_once(okr_world: OkrWorld, fake_metric) -> None:
    kr = _bound(okr_world)
    assert kr.current_value == Decimal(40)
    assert kr.metric_status == MetricStatus.OK
    check_in = kr.check_ins.get()
    assert check_in.source == CheckInSource.METRIC
    assert check_in.author is None
    assert not selectors.key_result_view(kr).is_stale


def test_refresh_records_each_change_as_a_system_check_in(okr_world: OkrWorld, fake_metric) -> None:
    kr = _bound(okr_world)
    services.key_results_refresh_all()  # unchanged: no new check-in
    assert kr.check_ins.count() == 1
    fake_metric["value"] = 55.5
    summary = services.key_results_refresh_all()
    assert summary.updated == 1
    kr.refresh_from_db()
    assert kr.current_value == Decimal("55.5")
    assert list(kr.check_ins.values_list("value", flat=True)) == [Decimal(40), Decimal("55.5")]
    assert AuditEvent.objects.filter(action="okr.refresh", actor_username="system").exists()


def test_a_metric_without_value_marks_the_key_result_stale(
    okr_world: OkrWorld, fake_metric
) -> None:
    kr = _bound(okr_world)
    fake_metric["value"] = None
    services.key_results_refresh_all()
    kr.refresh_from_db()
    assert kr.current_value == Decimal(40)  # the last known value stays
    view = selectors.key_result_view(kr)
    assert view.is_stale
    assert "no value" in view.stale_reason


def test_a_key_result_not_refreshed_within_its_window_is_stale(
    okr_world: OkrWorld, fake_metric
) -> None:
    kr = _bound(okr_world)
    later = timezone.now() + timedelta(hours=kr.stale_after_hours + 1)
    assert selectors.key_result_view(kr, now=later).is_stale
    assert "not refreshed" in selectors.key_result_stale_reason(kr, now=later)
    assert not selectors.key_result_view(kr, now=timezone.now() + timedelta(hours=1)).is_stale


def test_a_failing_metric_is_recorded_and_does_not_stop_the_others(
    okr_world: OkrWorld, fake_metric
) -> None:
    kr = _bound(okr_world)
    metrics._REGISTRY["test.broken"] = metrics.Metric(
        "test.broken", "Broken", "%", "Raises.", lambda d, at: 1 / 0, Role.HR, None,
        metrics.Direction.UP, metrics.MetricCategory.DATA,
    )  # fmt: skip
    try:
        broken = _bound(okr_world, key="test.broken")
        fake_metric["value"] = 60.0
        summary = services.key_results_refresh_all()
    finally:
        metrics._REGISTRY.pop("test.broken")
    broken.refresh_from_db()
    kr.refresh_from_db()
    assert broken.metric_status == MetricStatus.FAILED
    assert selectors.key_result_view(broken).is_stale
    assert kr.current_value == 60
    assert summary.failed == 1


def test_only_running_periods_are_refreshed(okr_world: OkrWorld, fake_metric) -> None:
    kr = _bound(okr_world)
    Objective.objects.filter(pk=okr_world.objective.pk).update(period="2020-Q1")
    fake_metric["value"] = 99.0
    services.key_results_refresh_all()
    kr.refresh_from_db()
    assert kr.current_value == 40


def test_a_bound_key_result_refuses_manual_check_ins(okr_world: OkrWorld, fake_metric) -> None:
    kr = _bound(okr_world)
    with pytest.raises(OkrConflict):
        services.check_in_record(key_result=kr, actor=okr_world.lead, value=Decimal(1))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"metric_key": "no.such.metric"}, "metric_key", id="unknown-metric"),
        pytest.param(
            {"metric_key": "catalog.coverage", "metric_department": "growth"},
            "metric_department",
            id="org-wide-metric-with-department",
        ),
        pytest.param({"weight": Decimal(-1)}, "weight", id="negative-weight"),
        pytest.param({"title": " "}, "title", id="blank-title"),
    ],
)
def test_invalid_key_results_are_refused(okr_world: OkrWorld, changes: dict, field: str) -> None:
    if changes.get("metric_department") == "growth":
        changes = {**changes, "metric_department": okr_world.growth}
    data = KeyResultData(**{"title": "KR", "target_value": Decimal(1), **changes})
    with pytest.raises(OkrError) as refused:
        services.key_result_create(actor=okr_world.lead, objective=okr_world.objective, data=data)
    assert field in refused.value.fields
    assert okr_world.objective.key_results.count() == 1


# --- the data/AI check ------------------------------------------------------------------------


def test_data_ai_check_flags_teams_without_data_or_ai_key_results(okr_world: OkrWorld, hr) -> None:
    flagged = {
        flag.department.code: flag for flag in selectors.data_ai_check(hr, period=okr_world.period)
    }
    assert {"growth", "finance"} <= set(flagged)
    assert "none of them" in flagged["growth"].reason
    services.key_result_create(
        actor=okr_world.lead,
        objective=okr_world.objective,
        data=KeyResultData(title="Literacy", target_value=Decimal(70), category="data"),
    )
    flagged_after = {
        f.department.code for f in selectors.data_ai_check(hr, period=okr_world.period)
    }
    assert "growth" not in flagged_after
    assert "finance" in flagged_after


def test_a_key_result_bound_to_a_data_metric_counts_for_the_check(okr_world: OkrWorld, hr) -> None:
    services.key_result_create(
        actor=okr_world.lead,
        objective=okr_world.objective,
        data=KeyResultData(
            title="Bronze", target_value=Decimal(70),
            metric_key="literacy.share_at_least_awareness", metric_department=okr_world.growth,
        ),
    )  # fmt: skip
    flagged = {f.department.code for f in selectors.data_ai_check(hr, period=okr_world.period)}
    assert "growth" not in flagged


def test_leads_check_their_teams_only_and_members_not_at_all(okr_world: OkrWorld) -> None:
    as_lead = {
        f.department.code for f in selectors.data_ai_check(okr_world.lead, period=okr_world.period)
    }
    assert as_lead == {"growth"}
    assert selectors.data_ai_check(okr_world.member, period=okr_world.period) == []


# --- the registry's built-in metrics ----------------------------------------------------------


def test_active_users_counts_recent_sign_ins_by_department(okr_world: OkrWorld) -> None:
    growth_people = list(okr_world.growth.members.all())
    for person in growth_people:
        person.last_login = None
        person.save(update_fields=["last_login"])
    okr_world.lead.last_login = timezone.now() - timedelta(days=3)
    okr_world.lead.save(update_fields=["last_login"])
    value = metrics.metric_value("platform.active_users", okr_world.growth)
    assert value == round(100 / len(growth_people), 1)


def test_literacy_share_reads_tier_badges(okr_world: OkrWorld) -> None:
    from literacy.models import Badge, BadgeAward

    bronze = Badge.objects.create(name="Bronze", slug="bronze", tier="bronze")
    BadgeAward.objects.create(badge=bronze, user=okr_world.lead)
    people = okr_world.growth.members.filter(is_active=True).count()
    assert metrics.metric_value("literacy.share_at_least_awareness", okr_world.growth) == round(
        100 / people, 1
    )
    assert metrics.metric_value("literacy.share_at_least_proficiency", okr_world.growth) == 0
    assert metrics.metric_value("literacy.share_awareness", okr_world.finance) == 0


def test_a_department_without_people_has_no_value(roles: None) -> None:
    from tests.factories import DepartmentFactory

    empty = DepartmentFactory(name="Empty", code="empty")
    assert metrics.metric_value("platform.active_users", empty) is None
    assert metrics.metric_value("literacy.share_awareness", empty) is None


def test_unknown_metric_is_an_error() -> None:
    with pytest.raises(metrics.UnknownMetric):
        metrics.metric_value("nope")


def test_registering_a_different_metric_under_a_taken_key_fails() -> None:
    existing = metrics.metric_get("catalog.coverage")
    with pytest.raises(ValueError, match="already registered"):
        metrics.register_metric(
            key="catalog.coverage", label="Other", unit="%", description="",
            compute=existing.compute, owner_role=Role.HR, target=None,
            direction=metrics.Direction.UP,
        )  # fmt: skip


def test_extra_people_in_subdepartments_count_for_the_parent(okr_world: OkrWorld) -> None:
    from tests.factories import DepartmentFactory

    sub = DepartmentFactory(name="Growth EMEA", code="growth-emea", parent=okr_world.growth)
    UserFactory(username="sub1", department=sub, roles=[Role.BUSINESS_USER])
    assert metrics.department_subtree_ids(okr_world.growth) == {okr_world.growth.pk, sub.pk}


def test_approval_time_is_the_governance_figure_and_narrows_to_a_department(
    okr_world: OkrWorld, steward
) -> None:
    from tests.catalog.factories import AssetFactory
    from workbench.governance.models import AccessRequest, RequestStatus

    asset, now = AssetFactory(), timezone.now()
    for requester, hours, action in [
        (okr_world.member, 2, "preview"),
        (okr_world.member, 6, "query"),
        (okr_world.other, 30, "preview"),
    ]:
        created = now - timedelta(hours=hours + 1)
        AccessRequest.objects.create(
            requester=requester, asset=asset, action=action, purpose_category="analytics",
            purpose="p", status=RequestStatus.APPROVED, created_at=created,
            due_at=created + timedelta(hours=4), decided_at=created + timedelta(hours=hours),
            decided_by=steward,
        )  # fmt: skip
    key = "governance.access_approval_median_hours"
    assert metrics.metric_value(key) == 6.0  # median of 2, 6 and 30 hours
    assert metrics.metric_value(key, okr_world.growth) == 4.0
    assert metrics.metric_value(key, okr_world.finance) == 30.0


def test_key_results_of_a_closed_period_are_not_stale(okr_world: OkrWorld, fake_metric) -> None:
    kr = _bound(okr_world)
    Objective.objects.filter(pk=okr_world.objective.pk).update(period="2020-Q1")
    kr = KeyResult.objects.select_related("objective").get(pk=kr.pk)
    later = timezone.now() + timedelta(days=30)
    assert not selectors.key_result_view(kr, now=later).is_stale


def test_the_refresh_has_a_default_beat_schedule_naming_a_registered_task() -> None:
    from django_celery_beat.models import PeriodicTask

    from workbench.celery import app
    from workbench.core.schedules import schedules_ensure

    schedules_ensure()
    schedule = PeriodicTask.objects.select_related("crontab").get(
        name="Refresh OKR key results from their metrics"
    )
    assert schedule.task == "literacy.okr_key_results_refresh"
    assert schedule.crontab is not None
    assert schedule.crontab.hour == "*"
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert schedule.task in app.tasks
