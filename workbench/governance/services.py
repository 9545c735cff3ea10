"""The governed data path: the only code that reads source content on behalf of a user.

Every read — catalog preview, governed query rows for the sandbox and model training, CSV exports —
asks the policy engine first, then reads a bounded SELECT with the asset's row filters in its WHERE
clause (bound parameters), masks each column by its masking rule unless a live unmasked grant with a
declared purpose lifts it, and records the decision (never a value) in the audit trail: allowed,
denied (with the rules and reasons) or failed (the source could not be read).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from catalog.models import Asset, AssetStatus, Classification, Column, SuggestionStatus
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.actions import Action
from workbench.governance.masking import (
    REDACTED,
    ColumnMask,
    RuleSpec,
    column_mask_choose,
    mask_values,
)
from workbench.governance.models import MaskingOperator, MaskingRule
from workbench.governance.rowfilters import (
    AppliedRowFilter,
    RowFilterRefused,
    governed_select,
    row_filters_for,
    row_filters_resolve,
)
from workbench.governance.vault import masking_key, purpose_clean, vault_tokenizer

logger = logging.getLogger(__name__)

PREVIEW_MAX_ROWS = 100
ROWS_MAX = 50_000  # governed rows for the sandbox and model training, per call
EXPORT_BATCH_ROWS = 1_000
ROW_ACTIONS = frozenset({Action.PREVIEW, Action.QUERY, Action.USE_IN_SANDBOX, Action.TRAIN_MODEL})

__all__ = [
    "PREVIEW_MAX_ROWS",
    "REDACTED",
    "ROWS_MAX",
    "CsvExport",
    "DataRequestInvalid",
    "MaskingPlan",
    "PreviewResult",
    "RowsResult",
    "data_export_csv",
    "data_masking_plan",
    "data_preview",
    "data_rows",
]


class DataRequestInvalid(ValueError):
    """The request itself is wrong (limit out of range, unknown action, purpose missing)."""

    def __init__(self, message: str, *, field_name: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field_name = field_name


@dataclass(frozen=True)
class PreviewResult:
    """What a user may see of an asset's rows: column names, rows with masked values, and why."""

    columns: list[str]
    rows: list[list[Any]]
    masked_columns: list[str]
    reason: str
    is_allowed: bool = True
    column_notes: dict[str, str] = field(default_factory=dict)  # masked column → why
    action: str = Action.PREVIEW
    outcome: str = AuditOutcome.ALLOWED  # allowed, denied or failed
    needs_request: bool = False  # denied, but an access request could open it
    is_masked: bool = True
    column_operators: dict[str, str] = field(default_factory=dict)  # masked column → operator
    row_filters: list[str] = field(default_factory=list)  # descriptions of enforced filters
    rules: tuple[str, ...] = ()
    policy_version: str = ""
    grant_id: int | None = None


RowsResult = PreviewResult  # governed rows for query / use_in_sandbox / train_model


class CsvExport:
    """An allowed export, its first rows already read: iterate `lines()` once to stream the CSV.

    A refused or failed export carries `result` (is_allowed False) and no lines.
    """

    def __init__(
        self,
        result: PreviewResult,
        *,
        filename: str = "",
        batches: Generator[list[tuple[Any, ...]], None, None] | None = None,
        finish: Callable[..., None] | None = None,
    ) -> None:
        self.result = result
        self.filename = filename
        self._batches = batches
        self._finish = finish

    def lines(self) -> Iterator[str]:
        """The CSV, once: a second call yields nothing (the source was read and closed)."""
        batches, self._batches = self._batches, None
        if batches is None:
            return iter(())
        return self._lines(batches)

    def _lines(self, batches: Generator[list[tuple[Any, ...]], None, None]) -> Iterator[str]:
        yield _csv_line(self.result.columns)
        rows, complete, error = 0, False, ""
        try:
            for batch in batches:
                for row in batch:
                    yield _csv_line(row)
                rows += len(batch)
            complete = True
        except Exception as failure:  # noqa: BLE001  the client sees a cut file, the trail why
            error = _source_failure_message(failure)
        finally:
            batches.close()  # closes the source connection, also when the client went away
            if self._finish is not None:
                self._finish(rows=rows, complete=complete, error=error)


# --- Entry points ---


def data_preview(*, user: User, asset: Asset, purpose: str = "", limit: int = 20) -> PreviewResult:
    """A masked sample of at most `limit` rows of the asset, or a refusal that says why."""
    if not 1 <= limit <= PREVIEW_MAX_ROWS:
        raise ValueError(f"The preview limit must be between 1 and {PREVIEW_MAX_ROWS}.")
    return _governed_rows(
        user=user, asset=asset, action=Action.PREVIEW, purpose=purpose, limit=limit
    )


def data_rows(
    *,
    user: User,
    asset: Asset,
    action: str,
    purpose: str,
    purpose_category: str = "",
    limit: int,
    context: dict[str, Any] | None = None,
) -> RowsResult:
    """Governed rows for query, use_in_sandbox or train_model (masked and filtered like preview)."""
    if action not in ROW_ACTIONS:
        names = ", ".join(sorted(ROW_ACTIONS))
        raise DataRequestInvalid(f"The action must be one of {names}.", field_name="action")
    if not 1 <= limit <= ROWS_MAX:
        raise DataRequestInvalid(f"The limit must be between 1 and {ROWS_MAX}.", field_name="limit")
    return _governed_rows(
        user=user,
        asset=asset,
        action=action,
        purpose=purpose,
        purpose_category=purpose_category,
        limit=limit,
        context=context,
    )


def data_export_csv(
    *,
    user: User,
    asset: Asset,
    purpose: str,
    purpose_category: str = "",
    max_rows: int | None = None,
) -> CsvExport:
    """A CSV of the asset's rows through the same path (action export), streamed in batches, at
    most WORKBENCH_EXPORT_MAX_ROWS rows. The decision is audited before the first row leaves; the
    end of the stream (rows sent, complete or not) is audited as governance.export.finished."""
    cap = min(max_rows or settings.EXPORT_MAX_ROWS, settings.EXPORT_MAX_ROWS)
    if not purpose_clean(purpose).strip():
        raise DataRequestInvalid(
            "Say what the export is for; the purpose is recorded in the audit trail.",
            field_name="purpose",
        )
    purpose = purpose_clean(purpose).strip()
    read = _ReadRequest(user, asset, Action.EXPORT, purpose, purpose_category, cap, None)
    plan = _plan_or_refusal(read)
    if isinstance(plan, PreviewResult):
        return CsvExport(plan)
    return _export_start(read, plan)


@dataclass(frozen=True)
class MaskingPlan:
    """How a read of the asset would be masked and filtered for a user (no data is read)."""

    masks: list[ColumnMask]
    row_filters: list[str]
    problem: str = ""  # a row filter that cannot be enforced: the read would be refused


def data_masking_plan(*, user: User, asset: Asset) -> MaskingPlan:
    """What a masked read of the asset would do, for pages that explain it before a download."""
    columns = list(asset.columns.filter(status=AssetStatus.ACTIVE).order_by("ordinal"))
    masks = list(_column_masks(asset, columns).values())
    try:
        filters = row_filters_resolve(
            user=user,
            filters=row_filters_for(asset),
            column_names=[column.name for column in columns],
        )
    except RowFilterRefused as refused:
        return MaskingPlan(masks, [], refused.message)
    return MaskingPlan(masks, [applied.describe() for applied in filters])


# --- The path ---


@dataclass(frozen=True)
class _ReadRequest:
    user: User
    asset: Asset
    action: str
    purpose: str
    purpose_category: str
    limit: int
    context: dict[str, Any] | None


@dataclass(frozen=True)
class _Plan:
    """What an allowed read does: which columns, how each is masked, which filters, and why."""

    columns: list[Column]
    masks: dict[str, ColumnMask]
    filters: list[AppliedRowFilter]
    decision: Any
    reason: str


def _governed_rows(
    *,
    user: User,
    asset: Asset,
    action: str,
    purpose: str,
    purpose_category: str = "",
    limit: int,
    context: dict[str, Any] | None = None,
) -> PreviewResult:
    purpose = purpose_clean(purpose).strip()
    read = _ReadRequest(user, asset, action, purpose, purpose_category, limit, context)
    plan = _plan_or_refusal(read)
    if isinstance(plan, PreviewResult):
        return plan
    try:
        raw_rows = _read_unmasked(read, plan)
        rows = _masked_rows(plan, raw_rows)
    except Exception as error:  # the source is down, moved or refused us: say so, keep nothing
        return _failed(read, plan, error)
    detail = _allowed_detail(read, plan, rows=len(rows))
    _audit(read, AuditOutcome.ALLOWED, plan.reason, detail)
    return _allowed_result(read, plan, rows)


def _plan_or_refusal(read: _ReadRequest) -> _Plan | PreviewResult:
    """Decide, then work out masks and row filters; a refusal is audited and returned."""
    refusal = _precondition_refusal(read)
    if refusal is not None:
        return _denied(read, refusal, decision=None)
    try:
        decision = _decide(read)
    except Exception as error:  # noqa: BLE001  no decision is a refusal (fail closed)
        logger.error("the policies could not decide: %s", type(error).__name__)
        reason = "The access policies could not decide right now, so the read is refused."
        return _denied(read, reason, decision=None)
    if not decision.allowed:
        return _denied(read, _decision_reason(decision), decision=decision)
    is_masked = bool(decision.masked)
    if not is_masked and not read.purpose:
        reason = "Unmasked data needs a declared purpose: say what you need it for."
        return _denied(read, reason, decision=decision)
    columns = list(read.asset.columns.filter(status=AssetStatus.ACTIVE).order_by("ordinal"))
    try:
        filters = row_filters_resolve(
            user=read.user,
            filters=row_filters_for(read.asset),
            column_names=[column.name for column in columns],
        )
    except RowFilterRefused as refused:
        return _denied(read, refused.message, decision=decision, row_filter=refused.filter_name)
    masks = _column_masks(read.asset, columns) if is_masked else {}
    return _Plan(columns, masks, filters, decision, _allowed_reason(masks, filters, is_masked))


def _precondition_refusal(read: _ReadRequest) -> str | None:
    if not (read.user.is_authenticated and read.user.is_active):
        return "Sign in to read data."
    if read.asset.status != AssetStatus.ACTIVE:
        return "This asset was removed from its source; there is nothing to read."
    return None


def _decide(read: _ReadRequest) -> Any:
    from workbench.governance.policy import decide

    return decide(
        user=read.user,
        action=read.action,
        asset=read.asset,
        purpose=read.purpose,
        purpose_category=read.purpose_category,
        context=read.context,
    )


def _decision_reason(decision: Any) -> str:
    reasons = [str(reason) for reason in decision.reasons if reason]
    return " ".join(reasons) or "No policy allows this."


# --- Masks ---


PENDING = SuggestionStatus.PENDING
NOT_SCANNED_REASON = "Not scanned for personal data yet"
NOT_SCANNED_RULE = "Assets not yet scanned for personal data are redacted"


def _column_masks(asset: Asset, columns: list[Column]) -> dict[str, ColumnMask]:
    """How each sensitive column is masked: by its PII kinds (accepted or still suspected) or its
    classification; columns no rule covers are returned as they are. An asset nobody has looked
    at for personal data yet (no scan profiled it, no steward classified it, no PII is known) has
    every column but its primary key redacted: unknown is treated as sensitive."""
    suggestions = _suggestions(columns)
    if not _pii_reviewed(asset, columns, suggestions):
        return {
            column.name: ColumnMask(column.name, "redact", {}, NOT_SCANNED_REASON, NOT_SCANNED_RULE)
            for column in columns
            if not column.is_primary_key and column.name not in (asset.primary_key or [])
        }
    rules = _rule_specs()
    masks: dict[str, ColumnMask] = {}
    for column in columns:
        pending = {kind for kind, status in suggestions.get(column.pk, ()) if status == PENDING}
        mask = column_mask_choose(
            column=column.name,
            pii_kinds=[*column.pii_kinds, *pending],
            classification=column.classification,
            classification_label=Classification(column.classification).label,
            rules=rules,
        )
        if mask is not None:
            masks[column.name] = mask
    return masks


def _pii_reviewed(
    asset: Asset, columns: list[Column], suggestions: dict[int, set[tuple[str, str]]]
) -> bool:
    """Has anyone (a scan's PII phase or a steward) looked at this asset for personal data?"""
    from catalog.models import TableProfile

    if asset.is_classified or suggestions or any(column.pii_kinds for column in columns):
        return True
    return TableProfile.objects.filter(asset_id=asset.pk).exists()


def _rule_specs() -> list[RuleSpec]:
    return [
        RuleSpec(
            name=rule.name,
            operator=rule.operator,
            params=dict(rule.params or {}),
            pii_kind=rule.pii_kind,
            classification=rule.classification,
            priority=rule.priority,
        )
        for rule in MaskingRule.objects.filter(is_active=True)
    ]


def _suggestions(columns: list[Column]) -> dict[int, set[tuple[str, str]]]:
    """PII suggestions per column, as (kind, status). Pending ones are masked too: unreviewed
    PII is still PII."""
    from catalog.models import PiiSuggestion

    found: dict[int, set[tuple[str, str]]] = {}
    rows = PiiSuggestion.objects.filter(column__in=columns).values_list(
        "column_id", "kind", "status"
    )
    for column_id, kind, status in rows:
        found.setdefault(column_id, set()).add((kind, status))
    return found


def _masked_rows(plan: _Plan, raw_rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Mask column by column (each distinct value once), then make every value displayable."""
    if not raw_rows:
        return []
    key = masking_key()
    by_column = [list(values) for values in zip(*raw_rows, strict=True)]
    for index, column in enumerate(plan.columns):
        mask = plan.masks.get(column.name)
        if mask is None:
            by_column[index] = [
                value if value.__class__ in _PLAIN_TYPES else _displayable(value)
                for value in by_column[index]
            ]
        else:
            by_column[index] = mask_values(
                mask, by_column[index], key=key, tokenize=vault_tokenizer
            )
    return [list(row) for row in zip(*by_column, strict=True)]


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def _displayable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


# --- Reading the source ---


def _read_unmasked(read: _ReadRequest, plan: _Plan) -> list[Sequence[Any]]:
    """Raw rows from the source: private to this module, never returned to a caller unmasked."""
    from catalog.scans.connectors import source_engine, translated_errors

    if not plan.columns:
        return []
    spec = _connection_spec(read.asset)
    with translated_errors(spec):
        engine = source_engine(spec)
        try:
            with engine.connect() as connection:
                return list(connection.execute(_statement(read, plan, read.limit)).fetchall())
        finally:
            engine.dispose()


def _statement(read: _ReadRequest, plan: _Plan, limit: int | None) -> Any:
    return governed_select(
        schema=read.asset.schema_name,
        table=read.asset.name,
        columns=[column.name for column in plan.columns],
        filters=plan.filters,
        limit=limit,
    )


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


def _source_failure_message(error: Exception) -> str:
    from catalog.crypto import CredentialError
    from catalog.scans.connectors import SourceError

    if isinstance(error, SourceError | CredentialError):
        return f"The source could not be read: {error}"
    logger.warning("governed read of an asset failed: %s", type(error).__name__)
    return "The source could not be read; a steward can check the connection."


# --- Export streaming ---


def _export_start(read: _ReadRequest, plan: _Plan) -> CsvExport:
    """Open the source and read the first batch now, so that a failing source is a recorded
    failure with a message rather than a broken download."""
    from catalog.scans.connectors import source_engine, translated_errors

    engine = connection = None
    first: list[tuple[Any, ...]] = []
    cursor: Any = None
    try:
        if plan.columns:
            spec = _connection_spec(read.asset)
            with translated_errors(spec):
                engine = source_engine(spec)
                connection = engine.connect()
                statement = _statement(read, plan, read.limit)
                cursor = connection.execute(statement.execution_options(stream_results=True))
                first = [tuple(row) for row in cursor.fetchmany(EXPORT_BATCH_ROWS)]
    except Exception as error:  # noqa: BLE001
        _close(connection, engine)
        return CsvExport(_failed(read, plan, error))
    _audit(read, AuditOutcome.ALLOWED, plan.reason, _allowed_detail(read, plan, rows=None))

    def masked_batches() -> Generator[list[tuple[Any, ...]], None, None]:
        try:
            for batch in _batches(read.asset, cursor, first):
                yield [tuple(row) for row in _masked_rows(plan, batch)]
        finally:
            _close(connection, engine)

    def finish(*, rows: int, complete: bool, error: str) -> None:
        _export_finished(read, plan, rows=rows, complete=complete, error=error)

    return CsvExport(
        _allowed_result(read, plan, []),
        filename=_export_filename(read.asset),
        batches=masked_batches(),
        finish=finish,
    )


def _batches(
    asset: Asset, cursor: Any, first: list[tuple[Any, ...]]
) -> Iterator[list[tuple[Any, ...]]]:
    from catalog.scans.connectors import translated_errors

    batch = first
    while batch:
        yield batch
        with translated_errors(_connection_spec(asset)):
            batch = [tuple(row) for row in cursor.fetchmany(EXPORT_BATCH_ROWS)]


def _close(connection: Any, engine: Any) -> None:
    try:
        if connection is not None:
            connection.close()
    finally:
        if engine is not None:
            engine.dispose()


def _export_finished(
    read: _ReadRequest, plan: _Plan, *, rows: int, complete: bool, error: str
) -> None:
    if complete:
        outcome, reason = AuditOutcome.DONE, f"Export of {rows} row(s) finished."
    elif error:
        outcome, reason = AuditOutcome.FAILED, f"Export stopped after {rows} row(s): {error}"
    else:
        outcome, reason = AuditOutcome.FAILED, f"The download was interrupted after {rows} row(s)."
    detail = {"rows": rows, "complete": complete, "row_limit": read.limit}
    audit_record(
        actor=read.user,
        action="governance.export.finished",
        outcome=outcome,
        target=read.asset,
        reason=reason,
        purpose=read.purpose[:200],
        detail=detail,
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet must not run a cell as a formula
    return value


def _csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_csv_cell(value) for value in values])
    return buffer.getvalue()


def _export_filename(asset: Asset) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{asset.schema_name}.{asset.name}".strip("."))
    return f"{name or 'asset'}-{timezone.now():%Y%m%d-%H%M}.csv"


# --- Results and the audit trail ---


def _allowed_reason(
    masks: dict[str, ColumnMask], filters: list[AppliedRowFilter], is_masked: bool
) -> str:
    if not is_masked:
        parts = ["Allowed unmasked under your access grant, for the declared purpose."]
    elif masks:
        parts = [f"Allowed with {len(masks)} masked column(s): personal or classified data."]
    else:
        parts = ["Allowed: none of the columns is personal or classified."]
    if filters:
        parts.append("Rows are filtered: " + "; ".join(f.describe() for f in filters) + ".")
    return " ".join(parts)


def _allowed_result(read: _ReadRequest, plan: _Plan, rows: list[list[Any]]) -> PreviewResult:
    decision = plan.decision
    names = [column.name for column in plan.columns]
    return PreviewResult(
        columns=names,
        rows=rows,
        masked_columns=[name for name in names if name in plan.masks],
        reason=plan.reason,
        column_notes={name: mask.reason for name, mask in plan.masks.items()},
        action=read.action,
        is_masked=bool(decision.masked),
        column_operators={name: mask.operator for name, mask in plan.masks.items()},
        row_filters=[applied.describe() for applied in plan.filters],
        rules=tuple(decision.rules),
        policy_version=str(decision.policy_version),
        grant_id=decision.grant_id,
    )


def _allowed_detail(read: _ReadRequest, plan: _Plan, *, rows: int | None) -> dict[str, Any]:
    decision = plan.decision
    return {
        "rules": list(decision.rules),
        "policy_version": str(decision.policy_version),
        "grant_id": decision.grant_id,
        "masked": bool(decision.masked),
        "masked_columns": sorted(plan.masks),
        "operators": {name: mask.operator for name, mask in sorted(plan.masks.items())},
        "row_filters": [
            {"name": f.name, "column": f.column, "attribute": f.attribute} for f in plan.filters
        ],
        "rows": rows,
        "limit": read.limit,
        "purpose_category": read.purpose_category,
    }


def _denied(
    read: _ReadRequest, reason: str, *, decision: Any, row_filter: str = ""
) -> PreviewResult:
    detail: dict[str, Any] = {"purpose_category": read.purpose_category}
    if decision is not None:
        detail.update(rules=list(decision.rules), policy_version=str(decision.policy_version))
    if row_filter:
        detail["row_filter"] = row_filter
    _audit(read, AuditOutcome.DENIED, reason, detail)
    return PreviewResult(
        columns=[],
        rows=[],
        masked_columns=[],
        reason=reason,
        is_allowed=False,
        action=read.action,
        outcome=AuditOutcome.DENIED,
        needs_request=bool(decision is not None and decision.needs_request),
        rules=tuple(decision.rules) if decision is not None else (),
        policy_version=str(decision.policy_version) if decision is not None else "",
    )


def _failed(read: _ReadRequest, plan: _Plan, error: Exception) -> PreviewResult:
    message = _source_failure_message(error)
    detail = {
        "rules": list(plan.decision.rules),
        "policy_version": str(plan.decision.policy_version),
        "limit": read.limit,
    }
    _audit(read, AuditOutcome.FAILED, message, detail)
    return PreviewResult(
        columns=[column.name for column in plan.columns],
        rows=[],
        masked_columns=[],
        reason=message,
        is_allowed=False,
        action=read.action,
        outcome=AuditOutcome.FAILED,
    )


def _audit(read: _ReadRequest, outcome: AuditOutcome, reason: str, detail: dict[str, Any]) -> None:
    audit_record(
        actor=read.user if read.user.is_authenticated else None,
        action=f"governance.{read.action}",
        outcome=outcome,
        target=read.asset,
        reason=reason,
        purpose=read.purpose[:200],
        detail=detail,
    )


# The operator vocabulary, re-exported for pages that explain masking.
OPERATOR_LABELS = dict(MaskingOperator.choices)
