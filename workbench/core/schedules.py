"""The default background schedules; admins change them afterwards in the admin's Periodic tasks."""

from __future__ import annotations

from dataclasses import dataclass

from django_celery_beat.models import CrontabSchedule, PeriodicTask


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    minute: str
    hour: str
    description: str


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Snapshot literacy by department",
        task="literacy.snapshot_take",
        minute="23",
        hour="1",
        description="Records the share of people at each literacy tier, per department, for "
        "the HR dashboard's trend.",
    ),
    DefaultSchedule(
        name="Verify the audit chain",
        task="audit.verify_nightly",
        minute="17",
        hour="2",
        description="Walks the whole audit trail and records whether any row was tampered with.",
    ),
    DefaultSchedule(
        name="Fail stale catalog scans",
        task="catalog.scans_fail_stale",
        minute="*/5",
        hour="*",
        description="Marks scans whose worker went quiet as failed, so they can be retried.",
    ),
    DefaultSchedule(
        name="Anchor the audit chain",
        task="audit.checkpoint",
        minute="7",
        hour="*",
        description="Appends a signed checkpoint of the audit chain's head outside the database, "
        "so that a trail cut short or rolled back is detected.",
    ),
    DefaultSchedule(
        name="Expire access grants",
        task="governance.grants_expire",
        minute="*/5",
        hour="*",
        description="Ends grants whose time is up: removes their permission, records it in the "
        "audit trail and tells the grantee.",
    ),
    DefaultSchedule(
        name="Warn of expiring grants",
        task="governance.grants_notify_expiring",
        minute="23",
        hour="*",
        description="Tells each grantee once, WORKBENCH_GRANT_EXPIRY_NOTICE_DAYS before their "
        "grant ends.",
    ),
    DefaultSchedule(
        name="Remind and escalate access requests",
        task="governance.requests_remind",
        minute="*/10",
        hour="*",
        description="Reminds stewards of requests past their SLA and escalates long-overdue ones "
        "to the domain's data owner (each once).",
    ),
    DefaultSchedule(
        name="Refresh OKR key results from their metrics",
        task="literacy.okr_key_results_refresh",
        minute="23",
        hour="*",
        description="Key results bound to a platform metric read it and record each change as a "
        "check-in; one whose metric has no value or stops refreshing is flagged stale.",
    ),
)


def schedules_ensure(*, using: str = "default") -> None:
    """Create missing default schedules; never overwrite what an admin has changed."""
    for schedule in DEFAULT_SCHEDULES:
        crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        PeriodicTask.objects.using(using).get_or_create(
            name=schedule.name,
            defaults={
                "task": schedule.task,
                "crontab": crontab,
                "description": schedule.description,
            },
        )
