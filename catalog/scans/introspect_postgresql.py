"""PostgreSQL metadata from pg_catalog in five queries for all schemas asked for, inside one
repeatable-read transaction, so that tables, columns and keys come from one consistent snapshot."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from catalog.scans.building import (
    EXACT_COUNT_MAX_BYTES,
    TableBuilder,
    exact_counts,
    first_line,
    quoted_name,
)
from catalog.scans.snapshot import ColumnSnapshot, ForeignKeySnapshot, SourceSnapshot, TableKind

SCHEMAS_SQL = """
SELECT nspname FROM pg_catalog.pg_namespace
WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema'
ORDER BY nspname
"""

RELATIONS_SQL = """
SELECT c.oid, n.nspname, c.relname, c.relkind, COALESCE(d.description, ''),
       c.reltuples::float8,
       CASE WHEN c.relkind = 'p' THEN (
                SELECT COALESCE(SUM(pg_catalog.pg_relation_size(i.inhrelid)), 0)
                FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid)
            WHEN c.relkind = 'r' THEN pg_catalog.pg_relation_size(c.oid)
       END
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
"""

COLUMNS_SQL = """
SELECT a.attrelid, a.attname, a.attnum,
       pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), COALESCE(d.description, '')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass
      AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname = ANY(%(schemas)s)
"""

KEY_COLUMNS = """ARRAY(
    SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum
    ORDER BY k.position)"""

CONSTRAINTS_SQL = f"""
SELECT con.conrelid, con.conname, con.contype,
       {KEY_COLUMNS.format(keys="con.conkey", rel="con.conrelid")},
       COALESCE(fn.nspname, ''), COALESCE(fc.relname, ''),
       {KEY_COLUMNS.format(keys="con.confkey", rel="con.confrelid")}
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND n.nspname = ANY(%(schemas)s)
ORDER BY con.conrelid, con.conname
"""

VIEWS_SQL = """
SELECT c.oid, pg_catalog.pg_get_viewdef(c.oid)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY(%(schemas)s)
"""


class _Scan:
    """One PostgreSQL introspection: the tables by oid, their sizes, and what went wrong."""

    def __init__(self, connection: Connection, schemas: list[str]) -> None:
        self.connection = connection
        self.params: dict[str, Any] = {"schemas": schemas}
        self.tables: dict[int, TableBuilder] = {}
        self.sizes: dict[int, tuple[int | None, float]] = {}
        self.warnings: list[str] = []

    def query(self, statement: str) -> list[Any]:
        return list(self.connection.exec_driver_sql(statement, self.params).fetchall())

    def read_relations(self) -> None:
        for oid, schema, name, relkind, comment, reltuples, size in self.query(RELATIONS_SQL):
            kind: TableKind = "view" if relkind in ("v", "m") else "table"
            self.tables[oid] = TableBuilder(schema, name, kind, comment=comment)
            if kind == "table":
                self.sizes[oid] = (size, reltuples)

    def read_columns(self) -> None:
        for oid, name, number, data_type, nullable, default, comment in self.query(COLUMNS_SQL):
            if oid in self.tables:
                column = ColumnSnapshot(name, number, data_type, nullable, default, comment)
                self.tables[oid].columns.append(column)

    def read_constraints(self) -> None:
        for oid, name, kind, columns, ref_schema, ref_table, ref_columns in self.query(
            CONSTRAINTS_SQL
        ):
            table = self.tables.get(oid)
            if table is None:
                continue
            if kind == "p":
                table.primary_key = tuple(columns)
            else:
                table.foreign_keys.append(
                    ForeignKeySnapshot(
                        name, tuple(columns), ref_schema, ref_table, tuple(ref_columns)
                    )
                )

    def read_view_definitions(self) -> None:
        try:
            with self.connection.begin_nested():
                definitions = self.query(VIEWS_SQL)
        except sa.exc.DBAPIError:
            definitions = self._view_definitions_one_by_one()
        for oid, definition in definitions:
            if oid in self.tables:
                self.tables[oid].view_sql = (definition or "").strip()

    def _view_definitions_one_by_one(self) -> list[tuple[int, str]]:
        found = []
        for oid, table in list(self.tables.items()):
            if table.kind != "view":
                continue
            try:
                with self.connection.begin_nested():
                    statement = "SELECT pg_catalog.pg_get_viewdef(%(oid)s::oid)"
                    found.append(
                        (oid, self.connection.exec_driver_sql(statement, {"oid": oid}).scalar())
                    )
            except sa.exc.DBAPIError:
                self.warnings.append(f"{table.display_name} was dropped during the scan")
                del self.tables[oid]
        return found

    def count_rows(self) -> None:
        small = []
        for oid, (size, reltuples) in self.sizes.items():
            table = self.tables[oid]
            if size is None:  # pg_relation_size() of a relation dropped since the snapshot
                continue
            if size == 0:
                table.row_count = 0
            elif size <= EXACT_COUNT_MAX_BYTES:
                small.append(table)
            else:
                table.row_count_is_estimate = True
                table.row_count = (
                    int(reltuples) if reltuples >= 0 else self._planner_estimate(table)
                )
        gone, warnings = exact_counts(self.connection, small, use_savepoints=True)
        self.warnings.extend(warnings)
        self._forget(lambda table: table.key in gone)

    def _planner_estimate(self, table: TableBuilder) -> int | None:
        # Never analysed: the planner still estimates from the relation's size in pages.
        name = quoted_name(self.connection, table.schema, table.name)
        statement = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {name}"
        try:
            with self.connection.begin_nested():
                plan = self.connection.exec_driver_sql(statement).scalar()
        except sa.exc.DBAPIError as error:
            self.warnings.append(f"Rows of {table.display_name} not estimated: {first_line(error)}")
            return None
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def _forget(self, gone: Callable[[TableBuilder], bool]) -> None:
        for oid in [oid for oid, table in self.tables.items() if gone(table)]:
            del self.tables[oid]


def postgresql_schemas(connection: Connection) -> list[str]:
    return [row[0] for row in connection.exec_driver_sql(SCHEMAS_SQL)]


def postgresql_introspect(connection: Connection, schemas: list[str]) -> SourceSnapshot:
    """Expects a connection inside a (repeatable-read) transaction."""
    database = str(connection.exec_driver_sql("SELECT current_database()").scalar())
    scan = _Scan(connection, schemas)
    if schemas:
        scan.read_relations()
        scan.read_columns()
        scan.read_constraints()
        scan.read_view_definitions()
        scan.count_rows()
    tables = sorted(scan.tables.values(), key=lambda table: table.key)
    return SourceSnapshot(
        database=database,
        schemas=tuple(schemas),
        tables=tuple(table.freeze() for table in tables),
        warnings=tuple(scan.warnings),
    )
