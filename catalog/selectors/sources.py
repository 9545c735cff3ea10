"""Reads for data sources and their scan runs: lists with their last scan and asset counts."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from catalog.models import AssetStatus, DataSource, ScanLogEntry, ScanRun, SchemaChange

SOURCE_VIEW_PERMISSION = "catalog.view_datasource"
SOURCE_ADD_PERMISSION = "catalog.add_datasource"
SOURCE_CHANGE_PERMISSION = "catalog.change_datasource"
SOURCE_SCAN_PERMISSION = "catalog.scan_datasource"


def source_list() -> QuerySet[DataSource]:
    """Sources with their asset counts and the id of their latest scan, in a fixed few queries."""
    latest_run = ScanRun.objects.filter(source=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        DataSource.objects.select_related(
            "owner", "domain", "scan_schedule", "scan_schedule__crontab"
        )
        .annotate(
            active_asset_count=Count("assets", filter=Q(assets__status=AssetStatus.ACTIVE)),
            latest_run_id=Subquery(latest_run.values("id")[:1]),
            latest_run_status=Subquery(latest_run.values("status")[:1]),
            latest_run_created_at=Subquery(latest_run.values("created_at")[:1]),
        )
        .order_by("name")
    )


def source_runs_latest(sources: list[DataSource]) -> dict[int, ScanRun]:
    """The latest run of each source in the list, in one query."""
    ids = [source.latest_run_id for source in sources if source.latest_run_id]  # type: ignore[attr-defined]
    return {run.source_id: run for run in ScanRun.objects.filter(pk__in=ids)}


def source_get(*, source_id: int) -> DataSource | None:
    return source_list().filter(pk=source_id).first()


def source_scan_runs(*, source: DataSource, limit: int = 20) -> list[ScanRun]:
    return list(
        ScanRun.objects.filter(source=source)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:limit]
    )


def scan_run_get(*, run_id: int) -> ScanRun | None:
    return scan_run_detail_list().filter(pk=run_id).first()


def scan_run_detail_list() -> QuerySet[ScanRun]:
    """Runs with their log and schema changes, for detail pages (prefetched: fixed queries)."""
    return ScanRun.objects.select_related("source", "requested_by").prefetch_related(
        Prefetch("log_entries", queryset=ScanLogEntry.objects.order_by("id")),
        Prefetch(
            "changes",
            queryset=SchemaChange.objects.select_related("asset").order_by("id"),
        ),
    )


def scan_run_list(*, source_id: int | None = None) -> QuerySet[ScanRun]:
    runs = ScanRun.objects.select_related("source", "requested_by").order_by("-created_at", "-id")
    return runs if source_id is None else runs.filter(source_id=source_id)


def schedule_next_run(task: PeriodicTask | None, *, now: datetime | None = None) -> datetime | None:
    """When beat will next queue the source's scan (None when it has no enabled schedule)."""
    if task is None or not task.enabled or task.crontab is None:
        return None
    start, delta, _ = task.crontab.schedule.remaining_delta(now or timezone.now())
    upcoming: datetime = start + delta
    return upcoming


COUNT_LABELS = {
    "tables": "Tables and views",
    "columns": "Columns",
    "changes": "Schema changes",
    "removed": "Tables removed",
    "pii_suggestions": "New PII suggestions",
    "profiles": "Tables profiled",
    "quality_passed": "Checks passed",
    "quality_failed": "Checks failed",
    "quality_error": "Checks that could not run",
}


def scan_run_counts(run: ScanRun) -> list[tuple[str, int]]:
    """The run's figures in the users' words, in a fixed order."""
    counts = run.counts or {}
    return [(label, counts[key]) for key, label in COUNT_LABELS.items() if key in counts]
