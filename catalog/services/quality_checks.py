"""Definitions of quality checks that stewards set on a table or column (scans run them).

Parameters are validated by the same rules the check engine applies (`catalog.scans.quality`), so a
check that is saved can run. Every create, change and delete is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from catalog.models import Asset, AssetStatus, Column, QualityCheck, QualityCheckKind
from catalog.services.curation import CurationError, asset_check_may_curate
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

NAME_MAX_LENGTH = 160
SQL_DIALECTS = {"postgresql": "postgresql", "mysql": "mysql", "sqlite": "sqlite", "files": "duckdb"}


def quality_check_validate(
    *, asset: Asset, kind: str, column: Column | None, params: Any, name: str
) -> dict[str, Any]:
    """The params, cleaned; CurationError naming the field when the check could not run."""
    from catalog.scans.quality import InvalidCheckError, QualityCheckSpec, check_spec_validate
    from catalog.scans.snapshot import ColumnSnapshot, TableSnapshot

    errors: dict[str, str] = {}
    if not name.strip() or len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Give the check a name of up to {NAME_MAX_LENGTH} characters."
    if kind not in QualityCheckKind.values:
        errors["kind"] = "Unknown kind of check."
    if column is not None and column.asset_id != asset.pk:
        errors["column"] = "The column belongs to another table."
    if not isinstance(params, dict):
        errors["params"] = "Parameters are a JSON object."
    if errors:
        raise CurationError("The check is invalid.", errors)
    columns = asset.columns.filter(status=AssetStatus.ACTIVE).order_by("ordinal")
    table = TableSnapshot(
        schema=asset.schema_name,
        name=asset.name,
        kind=asset.kind,  # type: ignore[arg-type]
        columns=tuple(
            ColumnSnapshot(c.name, c.ordinal, c.data_type, c.is_nullable) for c in columns
        ),
    )
    spec = QualityCheckSpec(
        kind=kind, table=table, column=column.name if column else "", params=params
    )
    try:
        check_spec_validate(spec, dialect=SQL_DIALECTS.get(asset.source.kind, ""))
    except InvalidCheckError as error:
        field = "column" if "column" in str(error) and kind != "custom_sql" else "params"
        raise CurationError(str(error), {field: str(error)}) from None
    return dict(params)


def quality_check_create(
    *,
    asset: Asset,
    actor: User,
    name: str,
    kind: str,
    column: Column | None = None,
    params: Any = None,
) -> QualityCheck:
    asset_check_may_curate(
        user=actor,
        asset=asset,
        action="catalog.quality.create",
        permission="catalog.add_qualitycheck",
    )
    with transaction.atomic():
        cleaned = quality_check_validate(
            asset=asset, kind=kind, column=column, params=params or {}, name=name
        )
        check = QualityCheck.objects.create(
            asset=asset,
            column=column,
            name=name.strip(),
            kind=kind,
            params=cleaned,
            created_by=actor,
        )
        _audit(actor, "catalog.quality.create", check)
    return check


def quality_check_update(
    *,
    check: QualityCheck,
    actor: User,
    name: str,
    kind: str,
    column: Column | None,
    params: Any,
    is_active: bool = True,
) -> QualityCheck:
    asset_check_may_curate(
        user=actor,
        asset=check.asset,
        action="catalog.quality.update",
        permission="catalog.change_qualitycheck",
    )
    with transaction.atomic():
        cleaned = quality_check_validate(
            asset=check.asset, kind=kind, column=column, params=params, name=name
        )
        check.name, check.kind, check.column, check.params = name.strip(), kind, column, cleaned
        check.is_active = is_active
        check.save(update_fields=["name", "kind", "column", "params", "is_active"])
        _audit(actor, "catalog.quality.update", check)
    return check


def quality_check_delete(*, check: QualityCheck, actor: User) -> None:
    asset_check_may_curate(
        user=actor,
        asset=check.asset,
        action="catalog.quality.delete",
        permission="catalog.delete_qualitycheck",
    )
    with transaction.atomic():
        _audit(actor, "catalog.quality.delete", check)
        check.delete()


def _audit(actor: User, action: str, check: QualityCheck) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.DONE,
        target=check,
        detail={
            "asset": check.asset_id,
            "column": check.column.name if check.column else None,
            "kind": check.kind,
            "params": check.params,
            "is_active": check.is_active,
        },
    )
