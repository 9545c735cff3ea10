"""Real sources for the scan tests: throw-away PostgreSQL and MariaDB databases, sample warehouses.

PostgreSQL sources run when the suite runs on PostgreSQL (CI); MariaDB ones whenever a server
answers, and always under WORKBENCH_REQUIRE_SERVICES=1 (CI), where a missing server is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import psycopg.conninfo
import pymysql
import pytest
from psycopg import sql

from catalog.scans.connectors import ConnectionSpec
from workbench.demo.warehouse import WarehouseSummary, warehouse_build

WAREHOUSE_SCALE = 0.01
MYSQL_HOST = os.environ.get("WORKBENCH_TEST_MYSQL_HOST", "127.0.0.1")
MYSQL_PORT = int(os.environ.get("WORKBENCH_TEST_MYSQL_PORT", "3306"))
MYSQL_USER = os.environ.get("WORKBENCH_TEST_MYSQL_USER", "root")
MYSQL_PASSWORD = os.environ.get("WORKBENCH_TEST_MYSQL_PASSWORD", "")

RunSql = Callable[..., list[tuple[object, ...]]]


def services_required() -> bool:
    return os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1"


def _pg_server_url() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    return os.environ.get("WORKBENCH_TEST_WAREHOUSE_PG_URL") or os.environ.get("DATABASE_URL")


def throwaway_name() -> str:
    return f"wbscan_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def pg_spec() -> Iterator[ConnectionSpec]:
    """A fresh PostgreSQL database on the test server, dropped after the session."""
    url = _pg_server_url()
    if url is None:
        pytest.skip("PostgreSQL source tests need a server database (CI runs them on PG)")
    server = ConnectionSpec.from_url(url)
    name = throwaway_name()
    # CREATE/DROP DATABASE from the maintenance database, which every server has.
    maintenance = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    spec = ConnectionSpec(
        kind="postgresql",
        host=server.host,
        port=server.port,
        database=name,
        username=server.username,
        password=server.password,
    )
    yield spec
    with psycopg.connect(maintenance, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(drop.format(sql.Identifier(name)))


def pg_conninfo(spec: ConnectionSpec) -> dict[str, object]:
    return {
        "host": spec.host,
        "port": spec.effective_port,
        "dbname": spec.database,
        "user": spec.username,
        "password": spec.password or None,
        "autocommit": True,
    }


@pytest.fixture(scope="session")
def pg_run(pg_spec: ConnectionSpec) -> RunSql:
    """Runs SQL (autocommit) in the throw-away PostgreSQL database, as its owner."""

    def run(statement: str, params: object = None) -> list[tuple[object, ...]]:
        with psycopg.connect(**pg_conninfo(pg_spec)) as connection:  # type: ignore[arg-type]
            cursor = connection.execute(statement, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    return run


def _mysql_connect(database: str | None = None) -> pymysql.connections.Connection:
    return pymysql.connect(
        host=MYSQL_HOST,
        port=MYSQL_PORT,
        user=MYSQL_USER,
        password=MYSQL_PASSWORD,
        database=database,
        connect_timeout=3,
        autocommit=True,
        charset="utf8mb4",
    )


@pytest.fixture(scope="session")
def mysql_spec() -> Iterator[ConnectionSpec]:
    """A fresh MariaDB/MySQL database, dropped after the session."""
    try:
        admin = _mysql_connect()
    except pymysql.err.OperationalError as error:
        if services_required():
            raise
        pytest.skip(f"No MariaDB/MySQL server at {MYSQL_HOST}:{MYSQL_PORT} ({error.args[0]})")
    name = throwaway_name()
    with admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    yield ConnectionSpec(
        kind="mysql",
        host=MYSQL_HOST,
        port=MYSQL_PORT,
        database=name,
        username=MYSQL_USER,
        password=MYSQL_PASSWORD,
    )
    with _mysql_connect() as admin, admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.fixture(scope="session")
def mysql_run(mysql_spec: ConnectionSpec) -> RunSql:
    def run(statement: str | list[str], params: object = None) -> list[tuple[object, ...]]:
        """One statement (with params), or a list of statements run on one connection."""
        with _mysql_connect(mysql_spec.database) as connection, connection.cursor() as cursor:
            for each in [statement] if isinstance(statement, str) else statement:
                cursor.execute(each, params)
            return list(cursor.fetchall())

    return run


@pytest.fixture(scope="session")
def mysql_admin_run(mysql_spec: ConnectionSpec) -> RunSql:
    """Runs SQL on the MariaDB server outside any database (users, grants)."""

    def run(statement: str, params: object = None) -> list[tuple[object, ...]]:
        with _mysql_connect() as connection, connection.cursor() as cursor:
            cursor.execute(statement, params)
            return list(cursor.fetchall())

    return run


@pytest.fixture(scope="session")
def sqlite_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WarehouseSummary]:
    path = tmp_path_factory.mktemp("scan-warehouse") / "warehouse.sqlite3"
    summary = warehouse_build(url=f"sqlite:///{path}", scale=WAREHOUSE_SCALE)
    return path, summary


@pytest.fixture(scope="session")
def pg_warehouse(pg_spec: ConnectionSpec) -> WarehouseSummary:
    """The sample warehouse in schema `warehouse` of the throw-away PostgreSQL database."""
    return warehouse_build(url=pg_url(pg_spec), scale=WAREHOUSE_SCALE)


def pg_url(spec: ConnectionSpec) -> str:
    user = quote(spec.username, safe="")
    if spec.password:
        user += ":" + quote(spec.password, safe="")
    return f"postgresql://{user}@{spec.host}:{spec.effective_port}/{spec.database}"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections but never says a word (a hung server)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
