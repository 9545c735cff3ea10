"""The sampling phases of a scan: PII classification, profiling and quality checks. Each table or
check that fails is a warning in the run log; the others go on."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Asset,
    AssetStatus,
    Column,
    ColumnProfile,
    PiiSuggestion,
    QualityCheck,
    QualityResult,
    SuggestionStatus,
    TableProfile,
)

if TYPE_CHECKING:
    from catalog.scans.snapshot import TableSnapshot

from catalog.services.scan_context import ScanContext, error_text, jsonable

# --- phase: PII classification ----------------------------------------------------------------


def _active_tables(context: ScanContext) -> list[tuple[TableSnapshot, Asset]]:
    return [
        (table, context.assets[(table.schema, table.name)])
        for table in context.tables
        if (table.schema, table.name) in context.assets
    ]


def phase_pii(context: ScanContext) -> None:
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
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001  one table's failure must not stop the others
            context.warn(f"PII classification of {table.qualified_name} failed: {error_text(exc)}")
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


# --- phase: profiling -------------------------------------------------------------------------


def phase_profile(context: ScanContext) -> None:
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
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001  one table's failure must not stop the others
            context.warn(f"Profiling {table.qualified_name} failed: {error_text(exc)}")
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


def phase_quality(context: ScanContext) -> None:
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
            status, observed, message = result.status, jsonable(result.observed), result.message
        except InvalidCheckError as exc:
            status, observed, message = "error", {}, f"The check is not valid: {exc}"
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001  one check's failure must not stop the others
            status, observed, message = "error", {}, error_text(exc)
    now = timezone.now()
    with transaction.atomic():
        QualityResult.objects.create(
            quality_check=check, run=context.run, status=status, observed=observed, message=message
        )
        QualityCheck.objects.filter(pk=check.pk).update(last_status=status, last_run_at=now)
    if status == "error":
        context.warn(f"Quality check “{check.name}” on {check.asset.qualified_name}: {message}")
    return status
