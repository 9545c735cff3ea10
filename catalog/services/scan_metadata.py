"""The metadata phase: bring assets and columns in step with the source, one table per
transaction; record what changed (new, dropped, retyped) and tell the stewards by mail.

The removal sweep runs only after a complete pass, so a scan that stops half-way never marks
tables removed that it simply did not reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Asset,
    AssetKind,
    AssetStatus,
    ChangeKind,
    Column,
    DataSource,
    ScanRun,
    SchemaChange,
)
from workbench.accounts.models import User
from workbench.governance.policy.filters import asset_access_refresh

if TYPE_CHECKING:
    from catalog.scans.snapshot import SourceSnapshot, TableSnapshot

from catalog.search import asset_search_refresh
from catalog.services.scan_context import Key, ScanContext

# --- metadata --------------------------------------------------------------------------


def _introspect(context: ScanContext) -> SourceSnapshot:
    from catalog.scans.connectors import translated_errors
    from catalog.scans.introspect import introspect

    assert context.engine is not None
    # With the spec, its include patterns (fnmatch) and the system schemas choose what is read.
    with translated_errors(context.spec):
        return introspect(context.spec)


def phase_metadata(context: ScanContext) -> None:
    snapshot = _introspect(context)
    context.snapshot = snapshot
    tables = snapshot.tables
    ScanRun.objects.filter(pk=context.run.pk).update(
        progress_total=max(1, len(tables) * context.phase_count)
    )
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
    scanned_ids = [asset.pk for asset in context.assets.values()]
    Asset.objects.filter(pk__in=scanned_ids).update(last_seen_at=timezone.now())
    # Search reads a stored document per asset (no signals): new and changed names, comments and
    # columns become findable as soon as the metadata phase ends.
    asset_search_refresh(asset_ids=scanned_ids)


def phase_metadata_readonly(context: ScanContext) -> None:
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
    context.counts["tables"] = len(context.tables)
    context.counts["columns"] = sum(len(table.columns) for table in context.tables)
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
        asset_access_refresh(asset)  # the policies' attribute class of a new or changed table
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


def changes_notify(context: ScanContext) -> None:
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
