"""A source's catalog exported as OpenMetadata entity JSON lines: queued by a person, built by a
worker (openmetadata-ingestion takes seconds to import, so never on the request path), downloaded.

`openmetadata_export_build` turns the catalog rows (active assets and columns, each asset's latest
profile, the stewards' curation) into the plain inputs of `catalog.export.openmetadata`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from catalog.export.openmetadata import ColumnCuration, OwnerInput, TableCuration, TagInput
from catalog.models import (
    ACTIVE_EXPORT_STATUSES,
    Asset,
    AssetKind,
    AssetStatus,
    CatalogExport,
    Classification,
    Column,
    ColumnProfile,
    DataSource,
    ExportStatus,
    PiiSuggestion,
    SourceKind,
    SuggestionStatus,
    TableProfile,
)
from catalog.scans import profile as profile_values
from catalog.scans.snapshot import (
    ColumnSnapshot,
    ForeignKeySnapshot,
    SourceSnapshot,
    TableSnapshot,
)
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

logger = logging.getLogger(__name__)

EXPORT_PERMISSION = "catalog.change_datasource"  # who may administer the source
EXPORTS_KEPT_PER_SOURCE = 10
# Beyond these an active export is taken for lost (its worker died, or none is running), so it
# no longer holds the source's one active slot. The task's hard time limit is 660 s.
RUNNING_STALE_AFTER = timedelta(minutes=15)
QUEUED_STALE_AFTER = timedelta(hours=1)

SERVICE_TYPES = {
    SourceKind.POSTGRESQL: "Postgres",
    SourceKind.MYSQL: "Mysql",
    SourceKind.SQLITE: "SQLite",
    SourceKind.FILES: "Datalake",
}


class ExportError(Exception):
    """The catalog cannot be exported as it stands; the message says why, in the user's words."""


def user_may_export(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(EXPORT_PERMISSION)
    )


# --- queueing ---------------------------------------------------------------------------------


def catalog_export_start(*, source: DataSource, requested_by: User) -> tuple[CatalogExport, bool]:
    """Queue an export, or return the source's queued or running one. Returns (export, created)."""
    if not user_may_export(requested_by):
        raise PermissionDenied("You may not export this source's catalog.")
    if not source.assets.filter(status=AssetStatus.ACTIVE).exists():
        raise ValidationError("This source has no catalogued tables yet; scan it first.")
    _exports_fail_stale(source)
    for _ in range(3):
        active = CatalogExport.objects.filter(
            source=source, status__in=ACTIVE_EXPORT_STATUSES
        ).first()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                export = CatalogExport.objects.create(source=source, requested_by=requested_by)
                _export_queued(export, requested_by)
        except IntegrityError:
            continue  # someone queued one between our read and our insert: return theirs
        return export, True
    raise RuntimeError("Could not queue an export: the active one kept changing.")


def _exports_fail_stale(source: DataSource) -> int:
    """Active exports nobody finished in time end as failed, each with the reason."""
    now = timezone.now()
    reasons = {
        ExportStatus.RUNNING: (
            Q(started_at__lt=now - RUNNING_STALE_AFTER),
            "The worker building this export stopped before it finished; export again.",
        ),
        ExportStatus.QUEUED: (
            Q(created_at__lt=now - QUEUED_STALE_AFTER),
            "No worker picked this export up in time; is a worker running?",
        ),
    }
    failed = 0
    for status, (too_old, reason) in reasons.items():
        failed += CatalogExport.objects.filter(too_old, source=source, status=status).update(
            status=ExportStatus.FAILED, error=reason, finished_at=now
        )
    return failed


def _export_queued(export: CatalogExport, requested_by: User) -> None:
    from catalog.tasks import catalog_export_task

    audit_record(
        actor=requested_by,
        action="catalog.export_requested",
        outcome=AuditOutcome.DONE,
        target=export.source,
        detail={"export": export.pk, "format": "openmetadata"},
    )
    export_id = export.pk
    transaction.on_commit(lambda: catalog_export_task.delay(export_id))


# --- building (on a worker) -------------------------------------------------------------------


def catalog_export_execute(*, export_id: int) -> CatalogExport | None:
    """Build a queued export once (queued → running → succeeded/failed). None: gone or taken."""
    claimed = CatalogExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    export = CatalogExport.objects.select_related("source").get(pk=export_id)
    try:
        content = openmetadata_export_build(source=export.source)
    except ExportError as exc:
        return _export_finish(export, error=str(exc))
    except Exception as exc:  # noqa: BLE001  every failure ends in a recorded state
        logger.exception("catalog export %s failed", export_id)
        return _export_finish(export, error=f"The export failed: {type(exc).__name__}: {exc}")
    return _export_finish(export, content=content)


def _export_finish(export: CatalogExport, *, content: str = "", error: str = "") -> CatalogExport:
    with transaction.atomic():
        CatalogExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED if error else ExportStatus.SUCCEEDED,
            error=error[:2000],
            content=content,
            entity_count=content.count("\n"),
            size_bytes=len(content.encode()),
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            actor_username="worker",
            action="catalog.export_built",
            outcome=AuditOutcome.FAILED if error else AuditOutcome.DONE,
            target=export.source,
            reason=error[:500],
            detail={"export": export.pk, "entities": content.count("\n")},
        )
        if not error:
            _exports_prune(export.source_id)
    return CatalogExport.objects.select_related("source").get(pk=export.pk)


def _exports_prune(source_id: int) -> None:
    finished = CatalogExport.objects.filter(source_id=source_id).exclude(
        status__in=ACTIVE_EXPORT_STATUSES
    )
    keep = finished.order_by("-created_at", "-id").values("pk")[:EXPORTS_KEPT_PER_SOURCE]
    finished.exclude(pk__in=list(keep.values_list("pk", flat=True))).delete()


def catalog_export_download(*, export: CatalogExport, actor: User) -> str:
    """The export's JSON lines for `actor` (re-checked), with the download in the audit trail."""
    if not user_may_export(actor):
        raise PermissionDenied("You may not download this source's catalog.")
    if export.status != ExportStatus.SUCCEEDED:
        raise ValidationError("This export has no file: it has not succeeded.")
    audit_record(
        actor=actor,
        action="catalog.export_downloaded",
        outcome=AuditOutcome.DONE,
        target=export.source,
        detail={"export": export.pk, "bytes": export.size_bytes},
    )
    return export.content


def catalog_export_unattended(*, source: DataSource, actor_username: str) -> str:
    """Build an export at once, in this process (the management command), and audit it."""
    content = openmetadata_export_build(source=source)
    audit_record(
        actor=None,
        actor_username=actor_username,
        action="catalog.export_built",
        outcome=AuditOutcome.DONE,
        target=source,
        detail={"entities": content.count("\n"), "format": "openmetadata"},
    )
    return content


# --- the conversion ---------------------------------------------------------------------------


def openmetadata_export_build(*, source: DataSource) -> str:
    """The source's catalog as OpenMetadata entity JSON lines (database, schemas, tables).

    Raises ExportError when there is nothing to export or a stored profile cannot be read, and
    pydantic.ValidationError when a value does not fit OpenMetadata's schema."""
    from catalog.export.openmetadata import openmetadata_jsonl

    assets = list(_export_assets(source))
    if not assets:
        raise ExportError("This source has no active tables or views to export; scan it first.")
    snapshot = SourceSnapshot(
        database=_database_name(source, assets),
        schemas=tuple(sorted({asset.schema_name for asset in assets})),
        tables=tuple(_table_snapshot(asset) for asset in assets),
    )
    return openmetadata_jsonl(
        snapshot=snapshot,
        service_name=source.name,
        service_type=SERVICE_TYPES.get(SourceKind(source.kind), "CustomDatabase"),
        profiles=_latest_profiles(assets),
        curation={asset.qualified_name: _table_curation(asset) for asset in assets},
    )


def _export_assets(source: DataSource) -> QuerySet[Asset]:
    latest_profile = TableProfile.objects.filter(asset=OuterRef("pk")).order_by(
        "-profiled_at", "-id"
    )
    columns = Column.objects.filter(status=AssetStatus.ACTIVE).prefetch_related(
        "tags",
        "terms",
        Prefetch(
            "pii_suggestions",
            queryset=PiiSuggestion.objects.filter(status=SuggestionStatus.PENDING),
            to_attr="pending_suggestions",
        ),
    )
    return (
        Asset.objects.filter(source=source, status=AssetStatus.ACTIVE)
        .select_related("owner", "domain")
        .prefetch_related(
            "tags", "terms", "stewards", Prefetch("columns", queryset=columns.order_by("ordinal"))
        )
        .annotate(latest_profile_id=Subquery(latest_profile.values("id")[:1]))
        .order_by("schema_name", "name")
    )


def _database_name(source: DataSource, assets: list[Asset]) -> str:
    named = next((asset.database_name for asset in assets if asset.database_name), "")
    return named or source.database or source.name


def _table_snapshot(asset: Asset) -> TableSnapshot:
    return TableSnapshot(
        schema=asset.schema_name,
        name=asset.name,
        kind="view" if asset.kind == AssetKind.VIEW else "table",
        columns=tuple(
            ColumnSnapshot(
                name=column.name,
                ordinal=column.ordinal,
                data_type=column.data_type,
                is_nullable=column.is_nullable,
                default=column.default or None,
                comment=column.comment,
            )
            for column in asset.columns.all()
        ),
        comment=asset.comment,
        view_sql=asset.view_sql,
        row_count=asset.row_count,
        row_count_is_estimate=asset.row_count_is_estimate,
        primary_key=tuple(asset.primary_key or ()),
        foreign_keys=tuple(_foreign_key(asset, key) for key in asset.foreign_keys or ()),
    )


def _foreign_key(asset: Asset, key: Any) -> ForeignKeySnapshot:
    try:
        return ForeignKeySnapshot(
            name=str(key.get("name", "")),
            columns=tuple(key["columns"]),
            referred_schema=str(key.get("referred_schema", "")),
            referred_table=str(key["referred_table"]),
            referred_columns=tuple(key["referred_columns"]),
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise ExportError(
            f"A foreign key stored for {asset.qualified_name} cannot be read ({exc}); "
            "scan the source again."
        ) from exc


# --- profiles ---------------------------------------------------------------------------------


def _latest_profiles(assets: list[Asset]) -> dict[str, profile_values.TableProfile]:
    by_id = {asset.latest_profile_id: asset for asset in assets if asset.latest_profile_id}  # type: ignore[attr-defined]
    stored = TableProfile.objects.filter(pk__in=list(by_id)).prefetch_related(
        Prefetch("column_profiles", queryset=ColumnProfile.objects.order_by("pk"))
    )
    profiles = {}
    for table_profile in stored:
        asset = by_id[table_profile.pk]
        try:
            profiles[asset.qualified_name] = _profile_value(asset, table_profile)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ExportError(
                f"The stored profile of {asset.qualified_name} cannot be read ({exc}); "
                "scan the source again to profile it afresh."
            ) from exc
    return profiles


def _profile_value(asset: Asset, stored: TableProfile) -> profile_values.TableProfile:
    metrics = stored.metrics
    if not isinstance(metrics, dict):
        raise TypeError("the table's metrics are not an object")
    return profile_values.TableProfile(
        schema=asset.schema_name,
        name=asset.name,
        row_count=int(stored.row_count if stored.row_count is not None else metrics["row_count"]),
        row_count_is_estimate=bool(metrics.get("row_count_is_estimate", False)),
        sample_size=int(metrics.get("sample_size", stored.sample_size)),
        sample_method=str(metrics.get("sample_method", "")),
        columns=tuple(_column_profile(item.metrics) for item in stored.column_profiles.all()),
        profiled_at=_moment(metrics.get("profiled_at"), stored.profiled_at),
        duration_ms=int(metrics.get("duration_ms", 0)),
    )


def _column_profile(metrics: Any) -> profile_values.ColumnProfile:
    if not isinstance(metrics, dict):
        raise TypeError("a column's metrics are not an object")
    return profile_values.ColumnProfile(
        name=str(metrics["name"]),
        data_type=str(metrics.get("data_type", "")),
        value_count=int(metrics.get("value_count", 0)),
        null_count=int(metrics.get("null_count", 0)),
        null_percent=float(metrics.get("null_percent", 0.0)),
        distinct_count=_optional(int, metrics.get("distinct_count")),
        min=metrics.get("min"),
        max=metrics.get("max"),
        mean=_optional(float, metrics.get("mean")),
        stddev=_optional(float, metrics.get("stddev")),
        min_length=_optional(int, metrics.get("min_length")),
        max_length=_optional(int, metrics.get("max_length")),
        mean_length=_optional(float, metrics.get("mean_length")),
        histogram=tuple(
            profile_values.HistogramBin(lower=b["lower"], upper=b["upper"], count=int(b["count"]))
            for b in metrics.get("histogram") or ()
        ),
        skipped=str(metrics.get("skipped", "")),
    )


def _optional(kind: type[Any], value: Any) -> Any:
    return None if value is None else kind(value)


def _moment(text: Any, fallback: datetime) -> datetime:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else fallback


# --- curation ---------------------------------------------------------------------------------


def _table_curation(asset: Asset) -> TableCuration:
    owners = _owners([asset.owner, *asset.stewards.all()])
    tags = (
        _classification_tag(asset.classification),
        *_free_tags(asset.tags.all()),
        *_term_tags(asset.terms.all()),
    )
    return TableCuration(
        description=asset.description,
        owners=owners,
        tags=tags,
        columns={column.name: _column_curation(column) for column in asset.columns.all()},
    )


def _column_curation(column: Column) -> ColumnCuration:
    pii = [_tag("WorkbenchPII", str(kind)) for kind in column.pii_kinds or ()]
    if pii:
        pii.insert(0, TagInput("PII.Sensitive"))
    suggested = [
        TagInput(_tag_fqn("WorkbenchPII", s.kind), is_confirmed=False, is_automated=True)
        for s in column.pending_suggestions  # type: ignore[attr-defined]
        if s.kind not in (column.pii_kinds or ())
    ]
    tags = (
        _classification_tag(column.classification),
        *pii,
        *_dedupe(suggested),
        *_free_tags(column.tags.all()),
        *_term_tags(column.terms.all()),
    )
    return ColumnCuration(description=column.description, tags=tags)


def _owners(users: Iterable[User | None]) -> tuple[OwnerInput, ...]:
    names = dict.fromkeys(user.get_username() for user in users if user is not None)
    return tuple(OwnerInput(name) for name in names)


def _classification_tag(level: int) -> TagInput:
    return _tag("WorkbenchClassification", Classification(level).label)


def _free_tags(tags: Iterable[Any]) -> list[TagInput]:
    return [_tag("WorkbenchTags", tag.name) for tag in tags]


def _term_tags(terms: Iterable[Any]) -> list[TagInput]:
    return [TagInput(_tag_fqn("WorkbenchGlossary", term.name), source="Glossary") for term in terms]


def _tag(classification: str, name: str) -> TagInput:
    return TagInput(_tag_fqn(classification, name))


def _tag_fqn(classification: str, name: str) -> str:
    from metadata.utils.fqn import quote_name

    return f"{classification}.{quote_name(name.replace(chr(34), chr(39)))}"


def _dedupe(tags: list[TagInput]) -> list[TagInput]:
    return list(dict.fromkeys(tags))
