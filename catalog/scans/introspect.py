"""Set-based metadata introspection of a source, and bounded row samples for classifiers/profilers.

`introspect` reads databases, schemas, tables, views (with their SQL), columns, keys and row counts
with a handful of catalog queries per source, whatever the number of tables; exact counts only where
they are cheap, the source's own estimates (flagged `row_count_is_estimate`) elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection, Engine

from catalog.scans.building import quoted_name
from catalog.scans.connectors import (
    ConnectionSpec,
    SourceConfigError,
    SourceKind,
    source_engine,
    translated_errors,
)
from catalog.scans.snapshot import SourceSnapshot, TableSnapshot

SAMPLE_MAX_ROWS = 10_000
TABLESAMPLE_MIN_ROWS = 100_000  # PostgreSQL tables above this are sampled from random pages
TABLESAMPLE_OVERSHOOT = 4  # ask for this many times the rows wanted, as pages vary in fill

_DIALECT_KINDS: dict[str, SourceKind] = {
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "files",
}


def introspect(
    source: Engine | ConnectionSpec, *, schemas: Sequence[str] | None = None
) -> SourceSnapshot:
    """Everything the catalog records about the source's schemas (all but system ones by default).

    With a spec, its include/exclude patterns choose the schemas unless `schemas` is given.
    """
    if isinstance(source, ConnectionSpec):
        with translated_errors(source):
            engine = source_engine(source)
            try:
                return _introspect_engine(engine, source, schemas)
            finally:
                engine.dispose()
    spec = spec_for_engine(source)
    with translated_errors(spec):
        return _introspect_engine(source, spec, schemas)


def spec_for_engine(engine: Engine) -> ConnectionSpec:
    """A spec describing an engine made elsewhere, for error messages and schema filters."""
    url, kind = engine.url, engine_kind(engine)
    if kind == "files":
        from catalog.scans.files import folder_contents

        return ConnectionSpec(kind=kind, path=str(folder_contents(engine).folder))
    if kind == "sqlite":
        return ConnectionSpec(kind=kind, path=url.database or "")
    return ConnectionSpec(
        kind=kind,
        host=url.host or "",
        port=url.port,
        database=url.database or "",
        username=url.username or "",
        password=url.password or "",
    )


def engine_kind(engine: Engine | Connection) -> SourceKind:
    try:
        return _DIALECT_KINDS[engine.dialect.name]
    except KeyError:
        raise SourceConfigError(f"Unsupported database kind {engine.dialect.name!r}.") from None


def _introspect_engine(
    engine: Engine, spec: ConnectionSpec, schemas: Sequence[str] | None
) -> SourceSnapshot:
    kind = engine_kind(engine)
    if kind == "files":
        from catalog.scans.files import files_introspect

        with engine.connect() as connection:
            return files_introspect(connection, engine)
    if kind == "postgresql":
        return _postgresql(engine, spec, schemas)
    if kind == "mysql":
        return _mysql(engine, spec, schemas)
    return _sqlite(engine, spec, schemas)


def _chosen(available: list[str], spec: ConnectionSpec, schemas: Sequence[str] | None) -> list[str]:
    if schemas is not None:
        return [schema for schema in available if schema in schemas]
    return [schema for schema in available if spec.schema_is_included(schema)]


def _postgresql(
    engine: Engine, spec: ConnectionSpec, schemas: Sequence[str] | None
) -> SourceSnapshot:
    from catalog.scans.introspect_postgresql import postgresql_introspect, postgresql_schemas

    with engine.connect() as plain:
        connection = plain.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            chosen = _chosen(postgresql_schemas(connection), spec, schemas)
            return postgresql_introspect(connection, chosen)


def _mysql(engine: Engine, spec: ConnectionSpec, schemas: Sequence[str] | None) -> SourceSnapshot:
    from catalog.scans.introspect_mysql import mysql_introspect, mysql_schemas

    with engine.connect() as connection:
        available = mysql_schemas(connection)
        if schemas is None and not spec.include_schemas and spec.database:
            schemas = [spec.database]  # a MySQL "database" is a schema: scan just that one
        chosen = _chosen(available, spec, schemas)
        return mysql_introspect(connection, chosen, spec.database)


def _sqlite(engine: Engine, spec: ConnectionSpec, schemas: Sequence[str] | None) -> SourceSnapshot:
    from catalog.scans.introspect_sqlite import SCHEMA, sqlite_introspect

    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN")  # one read snapshot for all queries
        try:
            return sqlite_introspect(connection, _chosen([SCHEMA], spec, schemas))
        finally:
            connection.exec_driver_sql("COMMIT")


# --- Samples ---


def sample_rows(
    engine: Engine,
    table: TableSnapshot,
    columns: Sequence[str] | None = None,
    *,
    limit: int,
) -> list[tuple[Any, ...]]:
    """At most `limit` rows of the given columns (all by default); never a full scan of a table.

    Large PostgreSQL tables are sampled from random pages (TABLESAMPLE SYSTEM), topped up by a
    plain LIMIT when the pages drawn held too few rows; elsewhere the first rows are read.
    """
    statement = sample_sql(engine, table, columns, limit=limit)
    spec = spec_for_engine(engine)
    with translated_errors(spec), engine.connect() as connection:
        rows = [tuple(row) for row in connection.exec_driver_sql(statement)]
        if len(rows) < limit and " TABLESAMPLE " in statement:
            plain = sample_sql(engine, table, columns, limit=limit, allow_tablesample=False)
            rows = [tuple(row) for row in connection.exec_driver_sql(plain)]
    return rows[:limit]


def sample_sql(
    engine: Engine,
    table: TableSnapshot,
    columns: Sequence[str] | None = None,
    *,
    limit: int,
    allow_tablesample: bool = True,
) -> str:
    """The SELECT sample_rows runs, with every identifier quoted; ValueError on bad arguments."""
    if not 0 < limit <= SAMPLE_MAX_ROWS:
        raise ValueError(f"The sample limit must be between 1 and {SAMPLE_MAX_ROWS}, got {limit}.")
    known = [column.name for column in table.columns]
    wanted = list(columns) if columns is not None else known
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise ValueError(
            f"Unknown column(s) {', '.join(map(repr, unknown))} in {table.qualified_name}."
            if unknown
            else f"No columns to sample in {table.qualified_name}."
        )
    quote = engine.dialect.identifier_preparer.quote_identifier
    source = quoted_name(engine, table.schema, table.name)
    selected = ", ".join(quote(name) for name in wanted)
    sampling = _tablesample(engine, table, limit, allow_tablesample)
    return f"SELECT {selected} FROM {source}{sampling} LIMIT {int(limit)}"


def _tablesample(engine: Engine, table: TableSnapshot, limit: int, allowed: bool) -> str:
    rows = table.row_count or 0
    if not allowed or engine_kind(engine) != "postgresql" or table.kind != "table":
        return ""
    if rows < TABLESAMPLE_MIN_ROWS:
        return ""
    percent = min(100.0, 100.0 * limit * TABLESAMPLE_OVERSHOOT / rows)
    return f" TABLESAMPLE SYSTEM ({percent:.6f})"
