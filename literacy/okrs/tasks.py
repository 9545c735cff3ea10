"""Background work for OKRs (thin: each task calls one service)."""

from __future__ import annotations

from celery import shared_task

from literacy.okrs import services


@shared_task(name="literacy.okr_key_results_refresh", time_limit=600, soft_time_limit=540)
def okr_key_results_refresh_task() -> dict[str, int]:
    """Celery beat, hourly: every metric-bound key result of the running periods reads its metric;
    a change is recorded as a check-in by the system, a missing value marks it stale."""
    summary = services.key_results_refresh_all()
    return dict(summary.__dict__)


@shared_task(name="literacy.okr_key_result_refresh", time_limit=120)
def okr_key_result_refresh_task(key_result_id: int) -> int | None:
    """Refresh one key result now (after it was bound to a metric); returns the check-in id."""
    check_in = services.key_result_refresh(key_result_id=key_result_id)
    return check_in.pk if check_in else None
