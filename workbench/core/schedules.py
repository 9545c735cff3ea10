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
