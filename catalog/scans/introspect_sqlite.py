"""SQLite metadata in two queries (sqlite_master joined to the pragma table-valued functions),
inside one read transaction, so no table can be dropped half-way through."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Connection

from catalog.scans.building import TableBuilder, TableKey, exact_counts
from catalog.scans.snapshot import ColumnSnapshot, ForeignKeySnapshot, SourceSnapshot

SCHEMA = "main"

COLUMNS_SQL = """
SELECT m.type, m.name, m.sql, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk
FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
ORDER BY m.name, p.cid
"""

FOREIGN_KEYS_SQL = """
SELECT m.name, f.id, f."table", f."from", f."to"
FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f
WHERE m.type = 'table'
ORDER BY m.name, f.id, f.seq
"""

_IDENTIFIER = r'(?:"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s(."`\[]+)'
VIEW_HEAD = re.compile(
    rf"^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"{_IDENTIFIER}(?:\s*\.\s*{_IDENTIFIER})?\s*(?:\([^)]*\)\s*)?AS\s+",
    re.IGNORECASE,
)


def view_select(create_sql: str) -> str:
    """The SELECT of a CREATE VIEW statement as SQLite stored it."""
    match = VIEW_HEAD.match(create_sql)
    return (create_sql[match.end() :] if match else create_sql).strip()


def sqlite_introspect(connection: Connection, schemas: list[str]) -> SourceSnapshot:
    tables: dict[TableKey, TableBuilder] = {}
    if SCHEMA in schemas:
        _read_columns(connection, tables)
        _read_foreign_keys(connection, tables)
    to_count = [table for table in tables.values() if table.kind == "table"]
    gone, warnings = exact_counts(connection, to_count, use_savepoints=False)
    for key in gone:
        tables.pop(key, None)
    return SourceSnapshot(
        database=_database_name(connection),
        schemas=tuple(schema for schema in schemas if schema == SCHEMA),
        tables=tuple(table.freeze() for table in sorted(tables.values(), key=lambda t: t.key)),
        warnings=tuple(warnings),
    )


def _database_name(connection: Connection) -> str:
    for _seq, name, file in connection.exec_driver_sql("PRAGMA database_list"):
        if name == SCHEMA:
            return str(file or SCHEMA).rsplit("/", 1)[-1]
    return SCHEMA


def _read_columns(connection: Connection, tables: dict[TableKey, TableBuilder]) -> None:
    primary: dict[TableKey, list[tuple[int, str]]] = {}
    row: Any
    for row in connection.exec_driver_sql(COLUMNS_SQL):
        object_type, table_name, create_sql, cid, name, data_type, notnull, default, pk = row
        key = (SCHEMA, table_name)
        if key not in tables:
            is_view = object_type == "view"
            view_sql = view_select(create_sql or "") if is_view else ""
            tables[key] = TableBuilder(
                SCHEMA, table_name, "view" if is_view else "table", view_sql=view_sql
            )
        column = ColumnSnapshot(
            name, cid + 1, (data_type or "").lower(), not notnull and not pk, default
        )
        tables[key].columns.append(column)
        if pk:
            primary.setdefault(key, []).append((pk, name))
    for key, columns in primary.items():
        tables[key].primary_key = tuple(name for _position, name in sorted(columns))


def _read_foreign_keys(connection: Connection, tables: dict[TableKey, TableBuilder]) -> None:
    grouped: dict[tuple[str, int], list[Any]] = {}
    for table_name, key_id, referred, source_column, target_column in connection.exec_driver_sql(
        FOREIGN_KEYS_SQL
    ):
        grouped.setdefault((table_name, key_id), []).append(
            (referred, source_column, target_column)
        )
    for (table_name, key_id), parts in grouped.items():
        referred = parts[0][0]
        targets = tuple(target for _r, _s, target in parts)
        if any(target is None for target in targets):  # REFERENCES t: the referred primary key
            referred_table = tables.get((SCHEMA, referred))
            targets = referred_table.primary_key if referred_table else targets
        tables[(SCHEMA, table_name)].foreign_keys.append(
            ForeignKeySnapshot(
                f"{table_name}_fk{key_id}",
                tuple(source for _r, source, _t in parts),
                SCHEMA,
                referred,
                tuple(str(target) for target in targets),
            )
        )
