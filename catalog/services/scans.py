"""The scan pipeline: queue a run, claim it on a worker, then metadata → PII → profile → quality,
with progress, heartbeat and a run log; change detection notifies the stewards.

Each phase calls one plain-Python module in `catalog.scans` and turns its answer into catalog rows.
Each table's metadata is written in its own transaction and the removal sweep runs only after a
complete metadata pass, so a worker killed mid-scan never leaves a half-written catalog.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.crypto import CredentialError
from catalog.models import (
    ACTIVE_SCAN_STATUSES,
    Asset,
    AssetKind,
    AssetStatus,
    ChangeKind,
    Column,
    ColumnProfile,
    DataSource,
    PiiSuggestion,
    QualityCheck,
    QualityResult,
    ScanKind,
    ScanLogEntry,
    ScanRun,
    ScanStatus,
    SchemaChange,
    SourceKind,
    SuggestionStatus,
    TableProfile,
)
from catalog.services.sources import source_connection_spec
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from catalog.scans.connectors import ConnectionSpec
    from catalog.scans.snapshot import SourceSnapshot, TableSnapshot

logger = logging.getLogger(__name__)

SCAN_PERMISSION = "catalog.scan_datasource"
Key = tuple[str, str]  # (schema, table name)


class ScanSourceUnavailable(Exception):
    """The source could not be reached but may come back: the task retries with a back-off."""


class ScanAbandoned(Exception):
    """The run is no longer ours (marked failed as stale meanwhile): stop without writing."""


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
    _log(run.pk, ScanLogEntry.Level.INFO, f"Queued by {_who(requested_by)}.")
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
            _log(run.pk, ScanLogEntry.Level.ERROR, message)
            failed += 1
    return failed


# --- executing --------------------------------------------------------------------------------


@dataclass
class ScanContext:
    """What one run carries from phase to phase."""

    run: ScanRun
    source: DataSource
    spec: ConnectionSpec
    engine: Engine | None = None
    snapshot: SourceSnapshot | None = None
    assets: dict[Key, Asset] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    steps_done: int = 0

    @property
    def tables(self) -> tuple[TableSnapshot, ...]:
        return self.snapshot.tables if self.snapshot else ()

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        _log(self.run.pk, ScanLogEntry.Level.WARNING, message)

    def info(self, message: str) -> None:
        _log(self.run.pk, ScanLogEntry.Level.INFO, message)

    def step(self, phase: str, steps: int = 1) -> None:
        """Count progress and prove we are alive; stop if the run was taken from us."""
        self.steps_done += steps
        updated = ScanRun.objects.filter(pk=self.run.pk, status=ScanStatus.RUNNING).update(
            phase=phase,
            progress_done=self.steps_done,
            counts=dict(self.counts),
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise ScanAbandoned(f"Run {self.run.pk} is no longer running.")


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
        for name, phase in phases:
            _phase_begin(context, name)
            phase(context)
        _notify_changes(context)
    finally:
        context.engine.dispose()


def _phases_for(kind: str) -> list[Phase]:
    if kind == ScanKind.METADATA:
        return [("metadata", _phase_metadata)]
    if kind == ScanKind.QUALITY:
        return [("metadata", _phase_metadata_readonly), ("quality", _phase_quality)]
    return [
        ("metadata", _phase_metadata),
        ("pii", _phase_pii),
        ("profile", _phase_profile),
        ("quality", _phase_quality),
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
        _log(run.pk, ScanLogEntry.Level.WARNING, f"{message}. Trying again shortly.")
        raise ScanSourceUnavailable(message) from None
    if not isinstance(exc, SourceError):
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
    ScanRun.objects.filter(pk=run_id, status=ScanStatus.RUNNING).update(**fields)
    level = {
        ScanStatus.SUCCEEDED: ScanLogEntry.Level.INFO,
        ScanStatus.PARTIAL: ScanLogEntry.Level.WARNING,
    }.get(ScanStatus(status), ScanLogEntry.Level.ERROR)
    _log(run_id, level, f"{ScanStatus(status).label}. {message}".strip())
    return ScanRun.objects.get(pk=run_id)


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


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return loaded


def _log(run_id: int, level: str, message: str) -> None:
    ScanLogEntry.objects.create(run_id=run_id, level=level, message=message[:4000])


# --- phase: metadata --------------------------------------------------------------------------


def _introspect(context: ScanContext) -> SourceSnapshot:
    from catalog.scans.connectors import translated_errors
    from catalog.scans.introspect import introspect

    assert context.engine is not None
    # With the spec, its include patterns (fnmatch) and the system schemas choose what is read.
    with translated_errors(context.spec):
        return introspect(context.spec)


def _phase_metadata(context: ScanContext) -> None:
    snapshot = _introspect(context)
    context.snapshot = snapshot
    tables = snapshot.tables
    phases = len(_phases_for(context.run.kind))
    ScanRun.objects.filter(pk=context.run.pk).update(progress_total=max(1, len(tables) * phases))
    for warning in snapshot.warnings:
        context.warn(warning)
    existing = {
        (asset.schema_name, asset.name): asset
        for asset in Asset.objects.filter(source=context.source).prefetch_related("columns")
    }
    is_baseline = not existing
    context.info(f"Found {len(tables)} tables and views in {len(snapshot.schemas)} schemas.")
    for table in tables:
        key = (table.schema, table.name)
        context.assets[key] = _asset_sync(
            context, table, existing.get(key), snapshot.database, is_baseline
        )
        context.counts["tables"] += 1
        context.counts["columns"] += len(table.columns)
        context.step("metadata")
    _assets_sweep_removed(context, existing)
    Asset.objects.filter(pk__in=[asset.pk for asset in context.assets.values()]).update(
        last_seen_at=timezone.now()
    )


def _phase_metadata_readonly(context: ScanContext) -> None:
    """For a quality-only run: know the tables without touching the catalog's metadata."""
    context.snapshot = _introspect(context)
    assets = Asset.objects.filter(source=context.source, status=AssetStatus.ACTIVE)
    by_key = {(asset.schema_name, asset.name): asset for asset in assets}
    context.assets = {
        (t.schema, t.name): by_key[(t.schema, t.name)]
        for t in context.tables
        if (t.schema, t.name) in by_key
    }
    ScanRun.objects.filter(pk=context.run.pk).update(progress_total=max(1, 2 * len(context.tables)))
    context.step("metadata", len(context.tables))


def _asset_sync(
    context: ScanContext,
    table: TableSnapshot,
    asset: Asset | None,
    database: str,
    is_baseline: bool,
) -> Asset:
    """Bring one table's asset and columns in step with the snapshot, in one transaction."""
    with transaction.atomic():
        if asset is None:
            asset = Asset(
                source=context.source,
                schema_name=table.schema,
                name=table.name,
                domain=context.source.domain,
                owner=context.source.owner,
            )
            _asset_fields_apply(asset, table, database)
            asset.last_seen_at = timezone.now()
            asset.save()
            _change(context, asset, ChangeKind.TABLE_ADDED, notify=not is_baseline)
        else:
            if asset.status == AssetStatus.REMOVED:
                asset.status = AssetStatus.ACTIVE
                asset.removed_at = None
                asset.save(update_fields=["status", "removed_at", "updated_at"])
                _change(context, asset, ChangeKind.TABLE_RESTORED)
            changed = _asset_fields_apply(asset, table, database)
            if changed:
                asset.save(update_fields=[*changed, "updated_at"])
        _columns_sync(context, asset, table, record_changes=not asset._state.adding)
    return asset


def _asset_fields_apply(asset: Asset, table: TableSnapshot, database: str) -> list[str]:
    wanted: dict[str, Any] = {
        "database_name": database,
        "kind": AssetKind.VIEW if table.kind == "view" else AssetKind.TABLE,
        "comment": table.comment or "",
        "view_sql": table.view_sql or "",
        "row_count": table.row_count,
        "row_count_is_estimate": table.row_count_is_estimate,
        "primary_key": list(table.primary_key),
        "foreign_keys": [
            {
                "name": fk.name,
                "columns": list(fk.columns),
                "referred_schema": fk.referred_schema,
                "referred_table": fk.referred_table,
                "referred_columns": list(fk.referred_columns),
            }
            for fk in table.foreign_keys
        ],
    }
    changed = [name for name, value in wanted.items() if getattr(asset, name) != value]
    for name in changed:
        setattr(asset, name, wanted[name])
    return changed


def _columns_sync(
    context: ScanContext, asset: Asset, table: TableSnapshot, *, record_changes: bool
) -> None:
    existing = {column.name: column for column in asset.columns.all()} if asset.pk else {}
    record = record_changes and bool(existing)
    primary_key = set(table.primary_key)
    for snap in table.columns:
        column = existing.get(snap.name)
        wanted: dict[str, Any] = {
            "ordinal": snap.ordinal,
            "data_type": snap.data_type[:255],
            "is_nullable": snap.is_nullable,
            "default": snap.default or "",
            "comment": snap.comment or "",
            "is_primary_key": snap.name in primary_key,
            "status": AssetStatus.ACTIVE,
            "removed_at": None,
        }
        if column is None:
            Column.objects.create(asset=asset, name=snap.name, **wanted)
            if record:
                _change(
                    context, asset, ChangeKind.COLUMN_ADDED, column=snap.name, after=snap.data_type
                )
            continue
        if record and column.status == AssetStatus.REMOVED:
            _change(context, asset, ChangeKind.COLUMN_ADDED, column=snap.name, after=snap.data_type)
        elif record and column.data_type != wanted["data_type"]:
            _change(
                context,
                asset,
                ChangeKind.COLUMN_RETYPED,
                column=snap.name,
                before=column.data_type,
                after=wanted["data_type"],
            )
        changed = [name for name, value in wanted.items() if getattr(column, name) != value]
        for name in changed:
            setattr(column, name, wanted[name])
        if changed:
            column.save(update_fields=changed)
    _columns_sweep_removed(context, asset, existing, {snap.name for snap in table.columns}, record)


def _columns_sweep_removed(
    context: ScanContext,
    asset: Asset,
    existing: dict[str, Column],
    present: set[str],
    record: bool,
) -> None:
    gone = [
        column
        for name, column in existing.items()
        if name not in present and column.status == AssetStatus.ACTIVE
    ]
    for column in gone:
        column.status = AssetStatus.REMOVED
        column.removed_at = timezone.now()
        column.save(update_fields=["status", "removed_at"])
        if record:
            _change(
                context,
                asset,
                ChangeKind.COLUMN_REMOVED,
                column=column.name,
                before=column.data_type,
            )


def _assets_sweep_removed(context: ScanContext, existing: dict[Key, Asset]) -> None:
    """After a complete pass only: what the source no longer has is marked removed, not deleted."""
    now = timezone.now()
    for key, asset in existing.items():
        if key in context.assets or asset.status == AssetStatus.REMOVED:
            continue
        with transaction.atomic():
            Asset.objects.filter(pk=asset.pk).update(
                status=AssetStatus.REMOVED, removed_at=now, updated_at=now
            )
            _change(context, asset, ChangeKind.TABLE_REMOVED)
        context.counts["removed"] += 1


def _change(
    context: ScanContext,
    asset: Asset,
    kind: ChangeKind,
    *,
    column: str = "",
    before: str = "",
    after: str = "",
    notify: bool = True,
) -> None:
    SchemaChange.objects.create(
        run=context.run,
        asset=asset,
        column_name=column,
        kind=kind,
        before=before[:255],
        after=after[:255],
        # The first scan of a source finds everything "added": recorded, but nobody is mailed.
        notified_at=None if notify else timezone.now(),
    )
    context.counts["changes"] += 1


# --- change notifications ---------------------------------------------------------------------


def _notify_changes(context: ScanContext) -> None:
    changes = list(
        SchemaChange.objects.filter(run=context.run, notified_at__isnull=True)
        .select_related("asset__owner", "asset__domain__owner")
        .prefetch_related("asset__stewards", "asset__domain__stewards")
    )
    if not changes:
        return
    by_recipient: dict[str, list[SchemaChange]] = defaultdict(list)
    for change in changes:
        for email in _stewards_emails(change.asset):
            by_recipient[email].append(change)
    for email, items in by_recipient.items():
        _mail_changes(context.source, email, items)
    SchemaChange.objects.filter(pk__in=[change.pk for change in changes]).update(
        notified_at=timezone.now()
    )
    context.info(f"Told {len(by_recipient)} stewards and owners about {len(changes)} changes.")


def _stewards_emails(asset: Asset) -> set[str]:
    people: list[User | None] = [asset.owner, *asset.stewards.all()]
    if asset.domain is not None:
        people += [asset.domain.owner, *asset.domain.stewards.all()]
    return {person.email for person in people if person and person.is_active and person.email}


def _mail_changes(source: DataSource, email: str, changes: Iterable[SchemaChange]) -> None:
    lines = [
        f"- {change.get_kind_display()}: {change.asset.qualified_name}"
        + (f".{change.column_name}" if change.column_name else "")
        + (f" ({change.before} → {change.after})" if change.before and change.after else "")
        for change in changes
    ]
    send_mail(
        subject=f"[Workbench] Schema changes in {source.name}",
        message="A scan found these changes in data you look after:\n\n" + "\n".join(lines),
        from_email=None,
        recipient_list=[email],
        fail_silently=True,
    )


# --- phase: PII classification ----------------------------------------------------------------


def _active_tables(context: ScanContext) -> list[tuple[TableSnapshot, Asset]]:
    return [
        (table, context.assets[(table.schema, table.name)])
        for table in context.tables
        if (table.schema, table.name) in context.assets
    ]


def _phase_pii(context: ScanContext) -> None:
    try:
        from catalog.scans.classify import classify_column
        from catalog.scans.introspect import sample_rows
    except ImportError:
        context.info("PII classification is not available in this installation; skipped.")
        context.step("pii", len(context.tables))
        return
    limit = settings.CATALOG_PII_SAMPLE_ROWS
    for table, asset in _active_tables(context):
        try:
            rows = sample_rows(context.engine, table, [c.name for c in table.columns], limit=limit)
            columns = {column.name: column for column in asset.columns.all()}
            for index, snap in enumerate(table.columns):
                values = [row[index] for row in rows]
                found = classify_column(
                    snap.name, snap.data_type, values, table=table.qualified_name
                )
                if snap.name in columns:
                    _suggestions_store(context, columns[snap.name], found)
        except Exception as exc:  # noqa: BLE001  one table's failure must not stop the others
            context.warn(f"PII classification of {table.qualified_name} failed: {_reason(exc)}")
        context.step("pii")


def _suggestions_store(context: ScanContext, column: Column, found: Iterable[Any]) -> None:
    """New suggestions wait for a steward; a decided one stays decided while its fingerprint
    holds; a rejected one comes back (pending) only when the data changed."""
    for suggestion in found:
        confidence = Decimal(str(round(float(suggestion.confidence), 3)))
        values = {
            "confidence": confidence,
            "method": str(suggestion.method)[:16],
            "evidence": str(suggestion.evidence),
            "fingerprint": str(suggestion.fingerprint)[:64],
            "run": context.run,
        }
        current = PiiSuggestion.objects.filter(column=column, kind=suggestion.kind).first()
        if current is None:
            PiiSuggestion.objects.create(column=column, kind=suggestion.kind, **values)
            context.counts["pii_suggestions"] += 1
            continue
        if current.fingerprint == values["fingerprint"]:
            continue  # nothing changed: leave the row (and any decision) exactly as it is
        if current.status == SuggestionStatus.REJECTED:
            values.update(status=SuggestionStatus.PENDING, decided_by=None, decided_at=None)
            context.counts["pii_suggestions"] += 1
        for name, value in values.items():
            setattr(current, name, value)
        current.save()


def _reason(exc: Exception) -> str:
    from catalog.scans.connectors import redact

    return redact(str(exc)) or type(exc).__name__


# --- phase: profiling -------------------------------------------------------------------------


def _phase_profile(context: ScanContext) -> None:
    try:
        from catalog.scans.profile import profile_table
    except ImportError:
        context.info("Profiling is not available in this installation; skipped.")
        context.step("profile", len(context.tables))
        return
    for table, asset in _active_tables(context):
        redacted = _personal_columns(asset)
        try:
            profile = profile_table(
                context.engine,
                table,
                sample_rows=settings.CATALOG_PROFILE_SAMPLE_ROWS,
                redacted_columns=redacted,
            )
            _profile_store(context, asset, profile)
        except Exception as exc:  # noqa: BLE001  one table's failure must not stop the others
            context.warn(f"Profiling {table.qualified_name} failed: {_reason(exc)}")
        context.step("profile")


def _personal_columns(asset: Asset) -> set[str]:
    """Columns a steward accepted as PII or a scan suggests: their values are never kept."""
    suggested = PiiSuggestion.objects.filter(column__asset=asset).exclude(
        status=SuggestionStatus.REJECTED
    )
    names = set(suggested.values_list("column__name", flat=True))
    names |= {
        name
        for name, kinds in Column.objects.filter(asset=asset).values_list("name", "pii_kinds")
        if kinds
    }
    return names


def _profile_store(context: ScanContext, asset: Asset, profile: Any) -> None:
    data = profile.to_dict()
    columns = {column.name: column for column in asset.columns.all()}
    with transaction.atomic():
        stored, _ = TableProfile.objects.update_or_create(
            run=context.run,
            asset=asset,
            defaults={
                "row_count": profile.row_count,
                "sample_size": profile.sample_size,
                "metrics": {key: value for key, value in data.items() if key != "columns"},
            },
        )
        ColumnProfile.objects.filter(table_profile=stored).delete()
        ColumnProfile.objects.bulk_create(
            [
                ColumnProfile(table_profile=stored, column=columns[item["name"]], metrics=item)
                for item in data.get("columns", [])
                if item.get("name") in columns
            ]
        )
    context.counts["profiles"] += 1


# --- phase: quality checks --------------------------------------------------------------------


def _phase_quality(context: ScanContext) -> None:
    checks = list(
        QualityCheck.objects.filter(
            asset__source=context.source, asset__status=AssetStatus.ACTIVE, is_active=True
        ).select_related("asset", "column")
    )
    if not checks:
        context.info("No quality checks are defined for this source.")
        context.step("quality", len(context.tables))
        return
    tables = {(table.schema, table.name): table for table in context.tables}
    for check in checks:
        table = tables.get((check.asset.schema_name, check.asset.name))
        status = _quality_check_run(context, check, table)
        context.counts[f"quality_{status}"] += 1
    context.step("quality", len(context.tables))


def _quality_check_run(
    context: ScanContext, check: QualityCheck, table: TableSnapshot | None
) -> str:
    """Run one check and keep its result (history) beside the check's latest status."""
    from catalog.scans.quality import InvalidCheckError, QualityCheckSpec, run_check

    if table is None:
        status, observed, message = "error", {}, "The table is no longer in the source."
    else:
        spec = QualityCheckSpec(
            kind=check.kind,
            table=table,
            column=check.column.name if check.column else "",
            params=dict(check.params or {}),
        )
        try:
            result = run_check(context.engine, spec)
            status, observed, message = result.status, _jsonable(result.observed), result.message
        except InvalidCheckError as exc:
            status, observed, message = "error", {}, f"The check is not valid: {exc}"
        except Exception as exc:  # noqa: BLE001  one check's failure must not stop the others
            status, observed, message = "error", {}, _reason(exc)
    now = timezone.now()
    with transaction.atomic():
        QualityResult.objects.create(
            quality_check=check, run=context.run, status=status, observed=observed, message=message
        )
        QualityCheck.objects.filter(pk=check.pk).update(last_status=status, last_run_at=now)
    if status == "error":
        context.warn(f"Quality check “{check.name}” on {check.asset.qualified_name}: {message}")
    return status
