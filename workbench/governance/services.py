"""The governed data path: the only code that reads source content on behalf of a user.

`data_preview` checks the user may preview the asset, reads a bounded sample through the catalog's
source connectors, masks sensitive columns and records the decision (never the values) in the audit
trail. The governance issue puts its policy engine in front of `_preview_decision` and its masking
operators behind `_masked_columns`; callers keep calling this one function.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from catalog.models import Asset, AssetStatus, Classification, Column, SuggestionStatus
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

logger = logging.getLogger(__name__)

PREVIEW_MAX_ROWS = 100
REDACTED = "••••••"  # keeps no character, length or type of the value
MASKED_CLASSIFICATION = Classification.CONFIDENTIAL


@dataclass(frozen=True)
class PreviewResult:
    """What a user may see of a sample: column names, rows with masked values, and why."""

    columns: list[str]
    rows: list[list[Any]]
    masked_columns: list[str]
    reason: str
    is_allowed: bool = True
    column_notes: dict[str, str] = field(default_factory=dict)


def data_preview(*, user: User, asset: Asset, purpose: str = "", limit: int = 20) -> PreviewResult:
    """A masked sample of at most `limit` rows of the asset, or a refusal that says why."""
    if not 1 <= limit <= PREVIEW_MAX_ROWS:
        raise ValueError(f"The preview limit must be between 1 and {PREVIEW_MAX_ROWS}.")
    allowed, reason = _preview_decision(user=user, asset=asset)
    if not allowed:
        _preview_audit(user, asset, purpose, AuditOutcome.DENIED, reason, {})
        return PreviewResult(
            columns=[], rows=[], masked_columns=[], reason=reason, is_allowed=False
        )
    columns = list(asset.columns.filter(status=AssetStatus.ACTIVE).order_by("ordinal"))
    masked = _masked_columns(columns)
    try:
        raw_rows = _sample_unmasked(asset, columns, limit)
    except Exception as error:  # the source is down, moved or refused us: say so, keep nothing
        message = _source_failure_message(error)
        _preview_audit(user, asset, purpose, AuditOutcome.FAILED, message, {"limit": limit})
        return PreviewResult(
            columns=[c.name for c in columns],
            rows=[],
            masked_columns=[],
            reason=message,
            is_allowed=False,
        )
    rows = [_mask_row(row, columns, masked) for row in raw_rows]
    reason = _allowed_reason(masked)
    detail = {"limit": limit, "rows": len(rows), "masked_columns": sorted(masked)}
    _preview_audit(user, asset, purpose, AuditOutcome.ALLOWED, reason, detail)
    return PreviewResult(
        columns=[column.name for column in columns],
        rows=rows,
        masked_columns=[column.name for column in columns if column.name in masked],
        reason=reason,
        column_notes=masked,
    )


def _preview_decision(*, user: User, asset: Asset) -> tuple[bool, str]:
    """Interim rule (the policy engine replaces it): whoever may discover the asset may preview."""
    if not (user.is_authenticated and user.is_active):
        return False, "Sign in to preview data."
    if asset.status != AssetStatus.ACTIVE:
        return False, "This asset was removed from its source; there is nothing to preview."
    if not Asset.objects.visible_to(user, "preview").filter(pk=asset.pk).exists():
        return False, (
            f"The asset is classified {asset.get_classification_display()}, above your clearance, "
            "and you are not one of its stewards. Request access from its owner."
        )
    return True, ""


def _masked_columns(columns: list[Column]) -> dict[str, str]:
    """Columns to redact, with the reason: accepted or suspected PII, or a high classification."""
    suspected = _suspected_pii(columns)
    masked: dict[str, str] = {}
    for column in columns:
        kinds = sorted({*column.pii_kinds, *suspected.get(column.pk, ())})
        if kinds:
            masked[column.name] = "Personal data: " + ", ".join(kinds)
        elif column.classification >= MASKED_CLASSIFICATION:
            masked[column.name] = f"Classified {column.get_classification_display()}"
    return masked


def _suspected_pii(columns: list[Column]) -> dict[int, set[str]]:
    # Pending suggestions are masked too: unreviewed PII is still PII.
    from catalog.models import PiiSuggestion

    suspected: dict[int, set[str]] = {}
    pending = PiiSuggestion.objects.filter(
        column__in=columns, status=SuggestionStatus.PENDING
    ).values_list("column_id", "kind")
    for column_id, kind in pending:
        suspected.setdefault(column_id, set()).add(kind)
    return suspected


def _mask_row(row: tuple[Any, ...], columns: list[Column], masked: dict[str, str]) -> list[Any]:
    return [
        REDACTED if column.name in masked else _displayable(value)
        for column, value in zip(columns, row, strict=False)
    ]


def _displayable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


def _sample_unmasked(asset: Asset, columns: list[Column], limit: int) -> list[tuple[Any, ...]]:
    """Raw rows from the source: private to this module, never returned to a caller unmasked."""
    from catalog.scans.connectors import source_engine
    from catalog.scans.introspect import sample_rows

    if not columns:
        return []
    engine = source_engine(_connection_spec(asset))
    try:
        return sample_rows(
            engine, _table_snapshot(asset, columns), [c.name for c in columns], limit=limit
        )
    finally:
        engine.dispose()


def _connection_spec(asset: Asset) -> Any:
    from catalog.crypto import credential_decrypt
    from catalog.scans.connectors import ConnectionSpec

    source = asset.source
    return ConnectionSpec(
        kind=source.kind,  # type: ignore[arg-type]
        host=source.host,
        port=source.port,
        database=source.database,
        username=source.username,
        password=credential_decrypt(source.password_encrypted),
        path=source.path,
        options=dict(source.options or {}),
    )


def _table_snapshot(asset: Asset, columns: list[Column]) -> Any:
    from catalog.scans.snapshot import ColumnSnapshot, TableSnapshot

    return TableSnapshot(
        schema=asset.schema_name,
        name=asset.name,
        kind=asset.kind,  # type: ignore[arg-type]
        columns=tuple(
            ColumnSnapshot(
                name=c.name, ordinal=c.ordinal, data_type=c.data_type, is_nullable=c.is_nullable
            )
            for c in columns
        ),
        row_count=asset.row_count,
    )


def _source_failure_message(error: Exception) -> str:
    from catalog.scans.connectors import SourceError

    if isinstance(error, SourceError):
        return f"The source could not be read: {error}"
    logger.warning("preview of an asset failed: %s", type(error).__name__)
    return "The source could not be read; a steward can check the connection."


def _allowed_reason(masked: dict[str, str]) -> str:
    if not masked:
        return "Allowed: you may discover this asset and none of its columns is sensitive."
    return f"Allowed with {len(masked)} masked column(s): personal or classified data is redacted."


def _preview_audit(
    user: User,
    asset: Asset,
    purpose: str,
    outcome: AuditOutcome,
    reason: str,
    detail: dict[str, Any],
) -> None:
    audit_record(
        actor=user,
        action="governance.preview",
        outcome=outcome,
        target=asset,
        reason=reason,
        purpose=purpose,
        detail=detail,
    )
