"""Background work for access governance (thin: each task calls one service).

The beat schedule (workbench.core.schedules) runs the sweeps every few minutes; each is
idempotent by database state, so a sweep that runs twice or on two workers does nothing twice.
"""

from __future__ import annotations

from celery import shared_task

from workbench.governance import grants, requests


@shared_task(name="governance.grants_expire", time_limit=300, soft_time_limit=290)
def grants_expire_task() -> int:
    """Expire grants whose time is up (permission removed, audited, grantee told)."""
    return grants.grants_expire_due()


@shared_task(name="governance.grants_notify_expiring", time_limit=300, soft_time_limit=290)
def grants_notify_expiring_task() -> int:
    """Tell grantees, once, that their grant ends within the notice period."""
    return grants.grants_notify_expiring()


@shared_task(name="governance.requests_remind", time_limit=300, soft_time_limit=290)
def access_requests_remind_task() -> dict[str, int]:
    """Remind stewards of requests past their SLA, then escalate long-overdue ones to the
    data owner; each once."""
    return {
        "reminded": requests.access_requests_remind(),
        "escalated": requests.access_requests_escalate(),
    }
