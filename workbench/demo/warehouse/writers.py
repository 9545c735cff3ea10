"""Writers that load the generated rows into SQLite (a file swapped in atomically) or
PostgreSQL (a schema replaced in one transaction)."""

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

from workbench.demo.warehouse.ddl import (
    create_table_sql,
    create_view_sql,
    foreign_key_sql,
    index_sql,
)
from workbench.demo.warehouse.schema import WAREHOUSE_TABLES, WAREHOUSE_VIEWS, Row, Table


class SqliteWriter:
    engine = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def write_table(self, table: Table, rows: Sequence[Row]) -> None:
        self.connection.execute(create_table_sql(table, inline_foreign_keys=True))
        columns = ", ".join(table.column_names)
        placeholders = ", ".join("?" for _ in table.columns)
        insert = f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})"
        self.connection.executemany(insert, rows)

    def finish(self) -> None:
        for table in WAREHOUSE_TABLES:
            for statement in index_sql(table):
                self.connection.execute(statement)
        for view in WAREHOUSE_VIEWS:
            self.connection.execute(create_view_sql(view, self.engine))


class PostgresWriter:
    engine = "postgresql"

    def __init__(self, connection: psycopg.Connection[TupleRow]) -> None:
        self.connection = connection

    def write_table(self, table: Table, rows: Sequence[Row]) -> None:
        # Foreign keys are added after loading: one bulk check per key instead of one per row.
        self.connection.execute(create_table_sql(table, inline_foreign_keys=False))
        columns = sql.SQL(", ").join(sql.Identifier(name) for name in table.column_names)
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name), columns)
        with self.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        for table in WAREHOUSE_TABLES:
            for statement in foreign_key_sql(table) + index_sql(table):
                self.connection.execute(statement)
        for view in WAREHOUSE_VIEWS:
            self.connection.execute(create_view_sql(view, self.engine))


Writer = SqliteWriter | PostgresWriter


@contextmanager
def sqlite_writer(path: Path) -> Iterator[SqliteWriter]:
    """Build into a temporary file next to the target and swap it in only when complete."""
    # sqlite3 has no Decimal support built in; Django registers this same adapter.
    sqlite3.register_adapter(Decimal, str)
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with closing(sqlite3.connect(building, isolation_level=None)) as connection:
            # No journal needed: a failed build is thrown away rather than rolled back.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN")
            yield SqliteWriter(connection)
            connection.execute("COMMIT")
        flush_to_disk(building)
        os.replace(building, path)
    finally:
        building.unlink(missing_ok=True)


def flush_to_disk(path: Path) -> None:
    # synchronous=OFF skipped every fsync; one here makes the renamed file durable.
    with path.open("rb") as file:
        os.fsync(file.fileno())


@contextmanager
def postgres_writer(url: str, schema: str) -> Iterator[PostgresWriter]:
    """Replace the schema inside one transaction, so readers see the old or the new warehouse."""
    schema_name = sql.Identifier(schema)
    with psycopg.connect(url, autocommit=True) as connection, connection.transaction():
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema_name))
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(schema_name))
        connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(schema_name))
        yield PostgresWriter(connection)
