"""The scan pipeline: queue a run, claim it on a worker, then metadata → PII → profile → quality,
with progress, heartbeat and a run log; change detection notifies the stewards.

Each phase calls one plain-Python module in `catalog.scans` and turns its answer into catalog rows.
Each table's metadata is written in its own transaction and the removal sweep runs only after a
complete metadata pass, so a worker killed mid-scan never leaves a half-written catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.crypto import CredentialError
from catalog.models import (
    ACTIVE_SCAN_STATUSES,
    DataSource,
    ScanKind,
    ScanLogEntry,
    ScanRun,
    ScanStatus,
    SourceKind,
)
from catalog.services.scan_context import ScanAbandoned, ScanContext, scan_log
from catalog.services.scan_metadata import (
    changes_notify,
    phase_metadata,
    phase_metadata_readonly,
)
from catalog.services.scan_phases import phase_pii, phase_profile, phase_quality
from catalog.services.sources import source_connection_spec
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.notifications.hooks import scan_failed_notify

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

SCAN_PERMISSION = "catalog.scan_datasource"


class ScanSourceUnavailable(Exception):
    """The source could not be reached but may come back: the task retries with a back-off."""


# --- starting ---------------------------------------------------------------------------------


def scan_run_start(
    *, source: DataSource, requested_by: User | None, kind: str = ScanKind.FULL
) -> tuple[ScanRun, bool]:
    """Queue a scan, or return the source's queued or running one. Returns (run, created).

    Race-free: the database allows one active run per source, so two requests get one run.
    `requested_by=None` is the schedule; a person needs the scan permission.
    """
    if requested_by is not None and not (
        requested_by.is_active and requested_by.has_perm(SCAN_PERMISSION)
    ):
        raise PermissionDenied("You may not scan this source.")
    if kind not in ScanKind.values:
        raise ValidationError({"kind": f"Unknown scan kind “{kind}”."})
    if not source.is_active:
        raise ValidationError("This source is switched off; switch it on to scan it.")
    for _ in range(3):
        active = ScanRun.objects.filter(source=source, status__in=ACTIVE_SCAN_STATUSES).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                run = ScanRun.objects.create(source=source, kind=kind, requested_by=requested_by)
        except IntegrityError:
            continue  # someone queued one between our read and our insert: return theirs
        _run_queued(run, requested_by)
        return run, True
    raise RuntimeError("Could not queue a scan: the active run kept changing.")


def _run_queued(run: ScanRun, requested_by: User | None) -> None:
    from catalog.tasks import scan_run_task

    audit_record(
        actor=requested_by,
        actor_username="" if requested_by else "schedule",
        action="catalog.scan_requested",
        outcome=AuditOutcome.DONE,
        target=run.source,
        detail={"run": run.pk, "kind": run.kind},
    )
    scan_log(run.pk, ScanLogEntry.Level.INFO, f"Queued by {_who(requested_by)}.")
    run_id = run.pk
    transaction.on_commit(lambda: scan_run_task.delay(run_id))


def _who(user: User | None) -> str:
    return user.get_username() if user is not None else "the schedule"


def scan_run_retry(*, run: ScanRun, requested_by: User) -> tuple[ScanRun, bool]:
    """Start a new run like a finished one (the "Retry" button of a failed run)."""
    if not run.is_finished:
        return run, False
    return scan_run_start(source=run.source, requested_by=requested_by, kind=run.kind)


def scan_scheduled(*, source_id: int) -> ScanRun | None:
    """What the source's beat schedule calls: queue a full scan unless one is already active."""
    source = DataSource.objects.filter(pk=source_id, is_active=True).first()
    if source is None:
        return None
    run, _ = scan_run_start(source=source, requested_by=None)
    return run


# --- the stale-run sweep ----------------------------------------------------------------------


def scan_runs_fail_stale(*, heartbeat_seconds: int, queued_seconds: int) -> int:
    """Mark running scans whose worker went quiet, and queued ones nobody picked up, as failed."""
    now = timezone.now()
    stale_running = Q(status=ScanStatus.RUNNING) & (
        Q(heartbeat_at__lt=now - timedelta(seconds=heartbeat_seconds))
        | Q(heartbeat_at__isnull=True, started_at__lt=now - timedelta(seconds=heartbeat_seconds))
    )
    stale_queued = Q(
        status=ScanStatus.QUEUED, created_at__lt=now - timedelta(seconds=queued_seconds)
    )
    failed = 0
    for run in ScanRun.objects.filter(stale_running | stale_queued).only("pk", "status"):
        message = (
            "The worker running this scan stopped responding; nothing half-written was kept. "
            "Retry the scan."
            if run.status == ScanStatus.RUNNING
            else "No worker picked this scan up in time; is a worker running?"
        )
        updated = ScanRun.objects.filter(pk=run.pk, status=run.status).update(
            status=ScanStatus.FAILED, finished_at=now, error=message
        )
        if updated:
            scan_log(run.pk, ScanLogEntry.Level.ERROR, message)
            scan_failed_notify(run=ScanRun.objects.select_related("source").get(pk=run.pk))
            failed += 1
    return failed


# --- executing --------------------------------------------------------------------------------


Phase = tuple[str, Callable[[ScanContext], None]]


def scan_run_execute(*, run_id: int, is_last_attempt: bool = True) -> ScanRun | None:
    """Run a queued scan once: claim it (queued → running), run its phases, record the outcome.

    Returns None when the run is gone or another worker has it. A source that is unreachable
    raises ScanSourceUnavailable (the run goes back to queued) unless this is the last attempt.
    """
    now = timezone.now()
    claimed = ScanRun.objects.filter(pk=run_id, status=ScanStatus.QUEUED).update(
        status=ScanStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempt=F("attempt") + 1,
        phase="connecting",
        progress_done=0,
        progress_total=0,
        error="",
    )
    if not claimed:
        return None
    run = ScanRun.objects.select_related("source").get(pk=run_id)
    try:
        context = ScanContext(run=run, source=run.source, spec=source_connection_spec(run.source))
        _pipeline(context)
    except ScanAbandoned:
        logger.warning("scan run %s was taken over (stale) while it ran", run_id)
        return ScanRun.objects.get(pk=run_id)
    except CredentialError as exc:
        return _finish(run_id, ScanStatus.FAILED, str(exc), {})
    except Exception as exc:  # noqa: BLE001  every failure ends in a recorded state
        return _fail_or_requeue(run, exc, is_last_attempt=is_last_attempt)
    status = ScanStatus.PARTIAL if context.warnings else ScanStatus.SUCCEEDED
    return _finish(run_id, status, _summary(context), dict(context.counts))


def _pipeline(context: ScanContext) -> None:
    from catalog.scans.connectors import source_engine, translated_errors

    context.info(f"Connecting to {context.spec.describe()}.")
    with translated_errors(context.spec):
        context.engine = source_engine(context.spec)
    try:
        phases = _phases_for(context.run.kind)
        context.phase_count = len(phases)
        for name, phase in phases:
            _phase_begin(context, name)
            phase(context)
        changes_notify(context)
    finally:
        context.engine.dispose()


def _phases_for(kind: str) -> list[Phase]:
    if kind == ScanKind.METADATA:
        return [("metadata", phase_metadata)]
    if kind == ScanKind.QUALITY:
        return [("metadata", phase_metadata_readonly), ("quality", phase_quality)]
    return [
        ("metadata", phase_metadata),
        ("pii", phase_pii),
        ("profile", phase_profile),
        ("quality", phase_quality),
    ]


def _phase_begin(context: ScanContext, name: str) -> None:
    ScanRun.objects.filter(pk=context.run.pk, status=ScanStatus.RUNNING).update(
        phase=name, heartbeat_at=timezone.now()
    )
    context.info(f"Phase: {PHASE_LABELS.get(name, name)}.")


PHASE_LABELS = {
    "metadata": "metadata (tables, views, columns, keys)",
    "pii": "PII classification on a sample",
    "profile": "profiling on a sample",
    "quality": "quality checks",
}


def _fail_or_requeue(run: ScanRun, exc: Exception, *, is_last_attempt: bool) -> ScanRun:
    from catalog.scans.connectors import SourceError, SourceUnreachable, redact

    message = redact(str(exc), source_connection_password(run.source)) or type(exc).__name__
    recoverable = isinstance(exc, SourceUnreachable) and run.source.kind in (
        SourceKind.POSTGRESQL,
        SourceKind.MYSQL,
    )
    if recoverable and not is_last_attempt:
        ScanRun.objects.filter(pk=run.pk, status=ScanStatus.RUNNING).update(
            status=ScanStatus.QUEUED, phase="waiting to retry", error=message
        )
        scan_log(run.pk, ScanLogEntry.Level.WARNING, f"{message}. Trying again shortly.")
        raise ScanSourceUnavailable(message) from None
    if isinstance(exc, SoftTimeLimitExceeded):
        message = "The scan took longer than the task time limit (WORKBENCH_TASK_TIME_LIMIT)."
    elif not isinstance(exc, SourceError):
        logger.error("scan run %s failed: %s: %s", run.pk, type(exc).__name__, message)
        message = f"The scan stopped on an unexpected error ({type(exc).__name__}): {message}"
    return _finish(run.pk, ScanStatus.FAILED, message, None)


def source_connection_password(source: DataSource) -> str:
    try:
        return source_connection_spec(source).password
    except CredentialError:
        return ""


def _finish(run_id: int, status: str, message: str, counts: dict[str, int] | None) -> ScanRun:
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": timezone.now(),
        "error": message if status != ScanStatus.SUCCEEDED else "",
        "phase": "done" if status != ScanStatus.FAILED else F("phase"),
    }
    if counts is not None:
        fields["counts"] = counts
    if status != ScanStatus.FAILED:
        fields["progress_done"] = F("progress_total")
    finished = ScanRun.objects.filter(pk=run_id, status=ScanStatus.RUNNING).update(**fields)
    run = ScanRun.objects.select_related("source").get(pk=run_id)
    if finished:
        _run_finished_audit(run)
        if status == ScanStatus.FAILED:
            scan_failed_notify(run=run)
    level = {
        ScanStatus.SUCCEEDED: ScanLogEntry.Level.INFO,
        ScanStatus.PARTIAL: ScanLogEntry.Level.WARNING,
    }.get(ScanStatus(status), ScanLogEntry.Level.ERROR)
    scan_log(run_id, level, f"{ScanStatus(status).label}. {message}".strip())
    return run


def _run_finished_audit(run: ScanRun) -> None:
    """What a scan did to the catalog is in the trail too (figures, never data)."""
    audit_record(
        actor=None,
        actor_username="scan",
        action="catalog.scan_finished",
        outcome=AuditOutcome.FAILED if run.status == ScanStatus.FAILED else AuditOutcome.DONE,
        target=run.source,
        reason=run.error[:500],
        detail={"run": run.pk, "status": run.status, "counts": run.counts},
    )


def _summary(context: ScanContext) -> str:
    counts = context.counts
    parts = [f"{counts.get('tables', 0)} tables and views, {counts.get('columns', 0)} columns"]
    if counts.get("changes"):
        parts.append(f"{counts['changes']} schema changes")
    if counts.get("pii_suggestions"):
        parts.append(f"{counts['pii_suggestions']} new PII suggestions")
    if counts.get("profiles"):
        parts.append(f"{counts['profiles']} tables profiled")
    checks = counts.get("quality_passed", 0) + counts.get("quality_failed", 0)
    if checks or counts.get("quality_errors"):
        parts.append(f"{counts.get('quality_passed', 0)} of {checks} quality checks passed")
    text = "; ".join(parts) + "."
    if context.warnings:
        text += f" {len(context.warnings)} warnings: " + " · ".join(context.warnings[:5])
    return text
