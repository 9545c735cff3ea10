"""Real sources for the profiling, quality and export tests, opened through the connectors the
scans use: SQLite files, CSV folders on DuckDB, a throw-away PostgreSQL schema (when the suite runs
on PostgreSQL, as CI does) and a throw-away MariaDB/MySQL database (when a server answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pymysql
import pytest
from psycopg import sql
from sqlalchemy.engine import Engine

from catalog.scans.connectors import ConnectionSpec, source_engine
from catalog.scans.introspect import introspect
from catalog.scans.snapshot import TableSnapshot

RunSql = Callable[..., list[tuple[object, ...]]]


def table_of(engine: Engine, name: str, *, schema: str | None = None) -> TableSnapshot:
    """The table as the metadata scan reports it: what profile_table and run_check receive."""
    snapshot = introspect(engine, schemas=[schema] if schema else None)
    return next(table for table in snapshot.tables if table.name == name)


def sqlite_source(path: str) -> Engine:
    return source_engine(ConnectionSpec(kind="sqlite", path=path))


def pg_server_url() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    url = os.environ.get("WORKBENCH_TEST_WAREHOUSE_PG_URL") or os.environ.get("DATABASE_URL")
    return url.replace("postgres://", "postgresql://", 1) if url else None


@dataclass(frozen=True)
class PgSource:
    engine: Engine  # read-only, as scans open it
    schema: str
    run: RunSql  # writes through psycopg in the same schema


@contextmanager
def pg_source() -> Iterator[PgSource]:
    """A fresh schema on the test server, dropped afterwards; skips without a server database."""
    url = pg_server_url()
    if url is None:
        pytest.skip("PostgreSQL profiling tests need a server database (CI runs them on PG)")
    schema = f"wbprofile_{uuid.uuid4().hex[:10]}"

    def run(statement: str, params: object = None) -> list[tuple[object, ...]]:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            cursor = connection.execute(statement, params)  # type: ignore[call-overload]
            return cursor.fetchall() if cursor.description else []

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    engine = source_engine(ConnectionSpec.from_url(url))
    try:
        yield PgSource(engine, schema, run)
    finally:
        engine.dispose()
        with psycopg.connect(url, autocommit=True) as connection:
            drop = sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema))
            connection.execute(drop)


@dataclass(frozen=True)
class MysqlSource:
    engine: Engine  # read-only, as scans open it
    database: str
    run: RunSql


@contextmanager
def mysql_source() -> Iterator[MysqlSource]:
    """A fresh MariaDB/MySQL database; skips without a server unless CI requires the services."""
    host = os.environ.get("WORKBENCH_TEST_MYSQL_HOST", "127.0.0.1")
    port = int(os.environ.get("WORKBENCH_TEST_MYSQL_PORT", "3306"))
    user = os.environ.get("WORKBENCH_TEST_MYSQL_USER", "root")
    password = os.environ.get("WORKBENCH_TEST_MYSQL_PASSWORD", "")

    def connect(database: str | None = None) -> pymysql.connections.Connection:
        return pymysql.connect(
            host=host, port=port, user=user, password=password, database=database,
            connect_timeout=3, autocommit=True, charset="utf8mb4",
        )  # fmt: skip

    try:
        admin = connect()
    except pymysql.err.OperationalError as error:
        if os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(f"No MariaDB/MySQL server at {host}:{port} ({error.args[0]})")
    database = f"wbprofile_{uuid.uuid4().hex[:10]}"
    with admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")

    def run(statement: str, params: object = None) -> list[tuple[object, ...]]:
        with connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(statement, params)
            return list(cursor.fetchall())

    spec = ConnectionSpec(
        kind="mysql", host=host, port=port, database=database, username=user, password=password
    )
    engine = source_engine(spec)
    try:
        yield MysqlSource(engine, database, run)
    finally:
        engine.dispose()
        with connect() as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
