"""Background work for the catalog (thin: each task takes ids and calls one service)."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from catalog.services import exports, scans


@shared_task(
    bind=True,
    name="catalog.scan_run",
    acks_late=True,
    autoretry_for=(scans.ScanSourceUnavailable,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def scan_run_task(self: Task, run_id: int) -> str | None:
    """One task per run, so a failing source never blocks the others."""
    is_last_attempt = self.request.retries >= (self.max_retries or 0)
    run = scans.scan_run_execute(run_id=run_id, is_last_attempt=is_last_attempt)
    return run.status if run else None


@shared_task(name="catalog.scan_scheduled", time_limit=60)
def scan_scheduled_task(source_id: int) -> int | None:
    """What a source's beat schedule runs: queue a full scan (one run per source at a time)."""
    run = scans.scan_scheduled(source_id=source_id)
    return run.pk if run else None


@shared_task(name="catalog.scans_fail_stale", time_limit=120)
def scans_fail_stale_task() -> int:
    """Every few minutes: runs whose worker died are marked failed, so no page spins forever."""
    return scans.scan_runs_fail_stale(
        heartbeat_seconds=settings.CATALOG_SCAN_STALE_SECONDS,
        queued_seconds=settings.CATALOG_SCAN_QUEUED_TIMEOUT_SECONDS,
    )


@shared_task(
    name="catalog.export_openmetadata", acks_late=True, soft_time_limit=600, time_limit=660
)
def catalog_export_task(export_id: int) -> str | None:
    """Build one queued OpenMetadata export (imports openmetadata-ingestion: worker only)."""
    export = exports.catalog_export_execute(export_id=export_id)
    return export.status if export else None
