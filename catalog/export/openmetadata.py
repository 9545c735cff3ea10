"""The catalog as OpenMetadata's own entity JSON (database, schemas, tables with columns, profiles,
tags, descriptions and owners), built and validated by openmetadata-ingestion's generated pydantic
models, so that a team can load it into an OpenMetadata server or keep one in sync.

Input is plain values: the scan's SourceSnapshot, profiles from `catalog.scans.profile` and the
stewards' curation as small dataclasses. openmetadata-ingestion is imported inside the functions.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from catalog.scans.profile import TableProfile
from catalog.scans.snapshot import SourceSnapshot, TableSnapshot

# Stable ids: exporting the same catalog twice gives the same entity ids, so a sync can upsert.
ID_NAMESPACE = uuid.UUID("9a4f3e0c-7a57-4d43-a3a4-1f2b7c9d5e10")


@dataclass(frozen=True)
class TagInput:
    """A tag or glossary term on a table or column, e.g. "PII.Sensitive" or "Glossary.Customer"."""

    fqn: str
    source: str = "Classification"  # or "Glossary"
    is_confirmed: bool = True  # False: a scan's suggestion a steward has not accepted yet
    is_automated: bool = False  # set by a scan rather than by a person


@dataclass(frozen=True)
class OwnerInput:
    name: str  # a user name or team name as the OpenMetadata server knows it
    kind: str = "user"  # or "team"


@dataclass(frozen=True)
class ColumnCuration:
    description: str = ""
    tags: tuple[TagInput, ...] = ()


@dataclass(frozen=True)
class TableCuration:
    """What stewards added to a table; `columns` is keyed by column name."""

    description: str = ""
    owners: tuple[OwnerInput, ...] = ()
    tags: tuple[TagInput, ...] = ()
    columns: Mapping[str, ColumnCuration] = field(default_factory=dict)


def openmetadata_entities(
    *,
    snapshot: SourceSnapshot,
    service_name: str,
    service_type: str = "Postgres",
    profiles: Mapping[str, TableProfile] | None = None,
    curation: Mapping[str, TableCuration] | None = None,
) -> list[dict[str, Any]]:
    """Every entity as `{"entityType": ..., "entity": {...}}`: the database, its schemas, then its
    tables. `profiles` and `curation` are keyed by the table's qualified name ("schema.table").
    Raises pydantic.ValidationError when a value does not fit OpenMetadata's schema."""
    from metadata.generated.schema.entity.data.database import Database
    from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema

    profiles, curation = profiles or {}, curation or {}
    service = _reference("databaseService", _fqn("", service_name), service_name)
    database_fqn = _fqn(_fqn("", service_name), snapshot.database)
    database = Database.model_validate(
        {
            "id": str(_id(database_fqn)),
            "name": snapshot.database,
            "fullyQualifiedName": database_fqn,
            "service": service,
            "serviceType": service_type,
        }
    )
    entities = [_entity("database", database)]
    schema_names = sorted({*snapshot.schemas, *(t.schema for t in snapshot.tables)})
    for schema_name in schema_names:
        schema_fqn = _fqn(database_fqn, schema_name or "default")
        schema = DatabaseSchema.model_validate(
            {
                "id": str(_id(schema_fqn)),
                "name": schema_name or "default",
                "fullyQualifiedName": schema_fqn,
                "service": service,
                "serviceType": service_type,
                "database": _reference("database", database_fqn, snapshot.database),
            }
        )
        entities.append(_entity("databaseSchema", schema))
    for table in snapshot.tables:
        entities.append(
            _entity(
                "table",
                _table(
                    table, (snapshot.database, database_fqn), service, service_type,
                    profiles.get(table.qualified_name), curation.get(table.qualified_name),
                ),
            )
        )  # fmt: skip
    return entities


def openmetadata_jsonl(**kwargs: Any) -> str:
    """The same entities as JSON lines, one entity per line (see openmetadata_entities)."""
    return "".join(json.dumps(entity, ensure_ascii=False) + "\n" for entity in
                   openmetadata_entities(**kwargs))  # fmt: skip


def _entity(kind: str, model: Any) -> dict[str, Any]:
    return {"entityType": kind, "entity": model.model_dump(mode="json", exclude_none=True)}


def _table(
    table: TableSnapshot,
    database: tuple[str, str],  # name and FQN
    service: Any,
    service_type: str,
    profile: TableProfile | None,
    curation: TableCuration | None,
) -> Any:
    from metadata.generated.schema.entity.data.table import Table

    curation = curation or TableCuration()
    database_name, database_fqn = database
    schema_fqn = _fqn(database_fqn, table.schema or "default")
    table_fqn = _fqn(schema_fqn, table.name)
    return Table.model_validate(
        {
            "id": str(_id(table_fqn)),
            "name": table.name,
            "fullyQualifiedName": table_fqn,
            "description": curation.description or table.comment or None,
            "tableType": "View" if table.kind == "view" else "Regular",
            "columns": [_column(table_fqn, column, profile, curation) for column in table.columns],
            "tableConstraints": _constraints(table, database_fqn) or None,
            "owners": [_owner(owner) for owner in curation.owners] or None,
            "databaseSchema": _reference("databaseSchema", schema_fqn, table.schema or "default"),
            "database": _reference("database", database_fqn, database_name),
            "service": service,
            "serviceType": service_type,
            "schemaDefinition": table.view_sql or None,
            "tags": [_tag(tag) for tag in curation.tags] or None,
            "profile": _table_profile(profile, len(table.columns)) if profile else None,
        }
    )


def _column(
    table_fqn: str, column: Any, profile: TableProfile | None, curation: TableCuration
) -> Any:
    from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser

    column_curation = curation.columns.get(column.name, ColumnCuration())
    data_type = ColumnTypeParser.get_column_type(column.data_type) or "UNKNOWN"
    column_profile = _column_profile(profile, column.name) if profile else None
    return {
        "name": column.name,
        "fullyQualifiedName": _fqn(table_fqn, column.name),
        "dataType": data_type,
        "dataTypeDisplay": column.data_type,
        "dataLength": _data_length(column.data_type, data_type),
        "ordinalPosition": column.ordinal,
        "description": column_curation.description or column.comment or None,
        "constraint": "NOT_NULL" if not column.is_nullable else "NULL",
        "tags": [_tag(tag) for tag in column_curation.tags] or None,
        "profile": column_profile,
    }


def _data_length(spelled: str, data_type: str) -> int | None:
    """OpenMetadata requires a length on character and binary types: "varchar(20)" gives 20."""
    if data_type not in ("VARCHAR", "CHAR", "BINARY", "VARBINARY"):
        return None
    match = re.search(r"\((\d+)", spelled)
    return int(match.group(1)) if match else 1


def _constraints(table: TableSnapshot, database_fqn: str) -> list[dict[str, Any]]:
    constraints: list[dict[str, Any]] = []
    if table.primary_key:
        constraints.append({"constraintType": "PRIMARY_KEY", "columns": list(table.primary_key)})
    for key in table.foreign_keys:
        referred = _fqn(_fqn(database_fqn, key.referred_schema or "default"), key.referred_table)
        constraints.append(
            {
                "constraintType": "FOREIGN_KEY",
                "columns": list(key.columns),
                "referredColumns": [_fqn(referred, name) for name in key.referred_columns],
            }
        )
    return constraints


def _table_profile(profile: TableProfile, column_count: int) -> dict[str, Any]:
    return {
        "timestamp": _millis(profile.profiled_at),
        "rowCount": profile.row_count,
        "columnCount": column_count,
        "profileSample": float(profile.sample_size),
        "profileSampleType": "ROWS",
    }


def _column_profile(profile: TableProfile, name: str) -> dict[str, Any] | None:
    column = next((c for c in profile.columns if c.name == name), None)
    if column is None or column.skipped:
        return None
    sample = profile.sample_size or None
    histogram = None
    if column.histogram:
        histogram = {
            "boundaries": [_bin_label(b.lower, b.upper) for b in column.histogram],
            "frequencies": [b.count for b in column.histogram],
        }
    distinct, values = column.distinct_count, column.value_count
    return {
        "name": name,
        "timestamp": _millis(profile.profiled_at),
        "valuesCount": values,
        "nullCount": column.null_count,
        "nullProportion": column.null_count / sample if sample else None,
        "distinctCount": distinct,
        "distinctProportion": distinct / values if distinct is not None and values else None,
        "min": column.min,
        "max": column.max,
        "minLength": column.min_length,
        "maxLength": column.max_length,
        "mean": column.mean if column.mean is not None else column.mean_length,
        "stddev": column.stddev,
        "histogram": histogram,
    }


def _bin_label(lower: Any, upper: Any) -> str:
    if lower is None:
        return f"below {upper}"
    return f"{lower} and up" if upper is None else f"{lower} to {upper}"


def _tag(tag: TagInput) -> dict[str, Any]:
    return {
        "tagFQN": tag.fqn,
        "source": tag.source,
        "labelType": "Automated" if tag.is_automated else "Manual",
        "state": "Confirmed" if tag.is_confirmed else "Suggested",
    }


def _owner(owner: OwnerInput) -> dict[str, Any]:
    if owner.kind not in ("user", "team"):
        raise ValueError(f"An owner is a user or a team, not {owner.kind!r}.")
    return _reference(owner.kind, owner.name, owner.name)


def _reference(kind: str, fqn: str, name: str) -> dict[str, Any]:
    return {"id": str(_id(f"{kind}:{fqn}")), "type": kind, "name": name, "fullyQualifiedName": fqn}


def _fqn(parent: str, name: str) -> str:
    """OpenMetadata's dotted name: a part holding a dot is double-quoted; a double quote, which an
    FQN part cannot hold, becomes a single quote (the entity's own name keeps it)."""
    from metadata.utils.fqn import quote_name

    part = quote_name(name.replace(chr(34), chr(39)))
    return f"{parent}.{part}" if parent else part


def _id(key: str) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, key)


def _millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
