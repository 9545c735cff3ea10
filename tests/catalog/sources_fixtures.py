"""Fixtures for the source and scan tests: a real SQLite sample warehouse (small scale) per test,
sources registered through the service, and a synchronous scan helper."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from catalog.models import DataSource, Domain, ScanKind, ScanRun
from catalog.services.scans import scan_run_execute, scan_run_start
from catalog.services.sources import source_create
from tests.factories import UserFactory
from workbench.accounts.models import User
from workbench.demo.warehouse import warehouse_build

WAREHOUSE_SCALE = 0.01

RunScan = Callable[..., ScanRun]


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.sqlite3"
    warehouse_build(url=f"sqlite:///{path}", scale=WAREHOUSE_SCALE)
    return path


@pytest.fixture
def warehouse_path(warehouse_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample warehouse that a test may change."""
    path = tmp_path / "warehouse.sqlite3"
    shutil.copyfile(warehouse_template, path)
    return path


def sqlite_execute(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture
def retail_steward(roles: None) -> User:
    return UserFactory(username="retail-steward", email="retail-steward@acme.example")


@pytest.fixture
def retail(retail_steward: User) -> Domain:
    domain = Domain.objects.create(name="Retail", code="retail")
    domain.stewards.add(retail_steward)
    return domain


@pytest.fixture
def sqlite_source(admin: User, warehouse_path: Path, retail: Domain) -> DataSource:
    return source_create(
        actor=admin,
        name="Warehouse",
        kind="sqlite",
        path=str(warehouse_path),
        domain=retail,
        schedule="daily",
    )


@pytest.fixture
def run_scan(admin: User) -> RunScan:
    """Queue and execute a scan in this process (the worker tests use a real worker)."""

    def run(source: DataSource, kind: str = ScanKind.METADATA, user: User | None = None) -> ScanRun:
        queued, created = scan_run_start(source=source, requested_by=user or admin, kind=kind)
        assert created
        finished = scan_run_execute(run_id=queued.pk)
        assert finished is not None
        return finished

    return run


@pytest.fixture
def pg_warehouse_url() -> Iterator[tuple[str, str]]:
    """The sample warehouse in a throw-away schema of the test PostgreSQL (CI sets the URL)."""
    url = os.environ.get("WORKBENCH_TEST_WAREHOUSE_PG_URL")
    if not url:
        if os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1":
            pytest.fail("WORKBENCH_TEST_WAREHOUSE_PG_URL must be set on CI")
        pytest.skip("set WORKBENCH_TEST_WAREHOUSE_PG_URL to scan a PostgreSQL warehouse")
    schema = f"warehouse_scan_{uuid.uuid4().hex[:10]}"
    warehouse_build(url=url, scale=WAREHOUSE_SCALE, schema=schema)
    yield url, schema
    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
