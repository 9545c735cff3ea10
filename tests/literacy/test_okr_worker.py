"""The beat task on a real Celery worker: bound key results read their metrics, a change becomes a
system check-in, a metric without a value leaves the key result flagged stale."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from literacy.models import CheckInSource, KeyResult, MetricStatus
from literacy.okrs import selectors, services
from literacy.okrs.services import KeyResultData
from literacy.okrs.tasks import okr_key_results_refresh_task
from tests.literacy.okr_fixtures import OkrWorld, okr_world
from workbench.accounts.models import User

__all__ = ["okr_world"]

pytestmark = pytest.mark.worker


def _wait_for(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not refresh the key results in time")


def test_beat_task_refreshes_bound_key_results_on_the_worker(
    celery_worker, okr_world: OkrWorld
) -> None:
    User.objects.filter(department=okr_world.growth).update(last_login=None)
    User.objects.filter(pk=okr_world.lead.pk).update(last_login=timezone.now())
    active = services.key_result_create(
        actor=okr_world.lead,
        objective=okr_world.objective,
        data=KeyResultData(
            title="Active in Growth", target_value=Decimal(100), unit="%",
            metric_key="platform.active_users", metric_department=okr_world.growth,
        ),
    )  # fmt: skip
    approvals = services.key_result_create(
        actor=okr_world.lead,
        objective=okr_world.objective,
        data=KeyResultData(
            title="Approval time", start_value=Decimal(48), target_value=Decimal(4), unit="h",
            metric_key="governance.access_approval_median_hours",
        ),
    )  # fmt: skip
    people = User.objects.filter(department=okr_world.growth, is_active=True).count()
    assert active.current_value == Decimal(str(round(100 / people, 1)))  # only the lead
    User.objects.filter(department=okr_world.growth).update(
        last_login=timezone.now() - timedelta(days=1)
    )

    okr_key_results_refresh_task.delay()

    _wait_for(lambda: active.check_ins.count() == 2)
    active.refresh_from_db()
    assert active.current_value == 100
    latest = active.check_ins.order_by("-created_at").first()
    assert latest is not None
    assert latest.source == CheckInSource.METRIC
    assert latest.author is None
    approvals = KeyResult.objects.get(pk=approvals.pk)
    assert approvals.metric_status == MetricStatus.NO_VALUE  # no request approved yet
    assert approvals.metric_checked_at is not None
    assert selectors.key_result_view(approvals).is_stale
    assert not approvals.check_ins.exists()
