"""The synthetic sample warehouse, built for real into SQLite files and PostgreSQL schemas."""

import hashlib
import io
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from workbench.demo.warehouse import (
    COUNTRY_REGIONS,
    DEFAULT_SCHEMA,
    DEFAULT_SEED,
    WAREHOUSE_TABLES,
    WAREHOUSE_VIEWS,
    Column,
    ProgressCallback,
    redact_url,
    warehouse_build,
)

PG_URL = os.environ.get(
    "WORKBENCH_TEST_WAREHOUSE_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCALE = 0.01
REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE_NAMES = {table.name for table in WAREHOUSE_TABLES}
VIEW_NAMES = {view.name for view in WAREHOUSE_VIEWS}


@dataclass(frozen=True)
class Warehouse:
    """A built warehouse that tests can query the same way on both engines."""

    engine: str
    url: str
    schema: str = ""

    def query(self, statement: str) -> list[tuple[object, ...]]:
        if self.engine == "sqlite":
            with closing(sqlite3.connect(self.url.removeprefix("sqlite:///"))) as connection:
                return connection.execute(statement).fetchall()
        with psycopg.connect(PG_URL) as connection:
            connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            return connection.execute(statement).fetchall()

    def build(self, seed: int = DEFAULT_SEED, progress: ProgressCallback | None = None) -> None:
        schema = self.schema or DEFAULT_SCHEMA  # only used by PostgreSQL
        warehouse_build(url=self.url, scale=SCALE, seed=seed, progress=progress, schema=schema)

    def relation_names(self, kind: str) -> set[str]:
        if self.engine == "sqlite":
            rows = self.query(f"SELECT name FROM sqlite_master WHERE type = '{kind}'")
        else:
            table_type = "BASE TABLE" if kind == "table" else "VIEW"
            rows = self.query(
                "SELECT table_name FROM information_schema.tables "
                f"WHERE table_schema = '{self.schema}' AND table_type = '{table_type}'"
            )
        return {str(name) for (name,) in rows}


def new_pg_schema_name() -> str:
    return f"warehouse_test_{uuid.uuid4().hex[:10]}"


def drop_pg_schema(schema: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


@pytest.fixture
def sqlite_warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse("sqlite", f"sqlite:///{tmp_path / 'warehouse.sqlite3'}")


@pytest.fixture
def pg_warehouse() -> Iterator[Warehouse]:
    warehouse = Warehouse("postgresql", PG_URL, new_pg_schema_name())
    yield warehouse
    drop_pg_schema(warehouse.schema)


@pytest.fixture(scope="module")
def built_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.sqlite3"
    warehouse = Warehouse("sqlite", f"sqlite:///{path}")
    warehouse.build()
    return warehouse


@pytest.fixture(scope="module")
def built_pg() -> Iterator[Warehouse]:
    warehouse = Warehouse("postgresql", PG_URL, new_pg_schema_name())
    warehouse.build()
    yield warehouse
    drop_pg_schema(warehouse.schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def built(request: pytest.FixtureRequest) -> Warehouse:
    fixture_name = "built_sqlite" if request.param == "sqlite" else "built_pg"
    warehouse: Warehouse = request.getfixturevalue(fixture_name)
    return warehouse


def normalised(value: object, column: Column) -> str:
    """One text form per value, whatever Python type each engine returns."""
    if value is None:
        return "\\N"
    if column.sql_type.startswith("NUMERIC"):
        return f"{Decimal(str(value)):.2f}"
    if column.sql_type == "BOOLEAN":
        return str(int(bool(value)))
    return str(value)


def content_digest(warehouse: Warehouse, *, across_engines: bool = False) -> str:
    digest = hashlib.sha256()
    for table in WAREHOUSE_TABLES:
        columns = ", ".join(table.column_names)
        rows = warehouse.query(f"SELECT {columns} FROM {table.name} ORDER BY {table.primary_key}")
        digest.update(f"{table.name}:{len(rows)}\n".encode())
        for row in rows:
            if across_engines:
                values = [normalised(v, c) for v, c in zip(row, table.columns, strict=True)]
            else:
                values = [repr(value) for value in row]
            digest.update(("\x1f".join(values) + "\x1e").encode())
    return digest.hexdigest()


def row_count(warehouse: Warehouse, table_name: str) -> int:
    [(count,)] = warehouse.query(f"SELECT COUNT(*) FROM {table_name}")
    return int(str(count))


def cents(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def fail_at(table_name: str) -> ProgressCallback:
    def progress(name: str, rows: int) -> None:
        if name == table_name:
            raise RuntimeError(f"simulated crash after loading {name}")

    return progress


def test_all_tables_and_views_exist(built: Warehouse) -> None:
    assert len(TABLE_NAMES) >= 12
    assert built.relation_names("table") == TABLE_NAMES
    assert built.relation_names("view") == {
        "v_customer_orders",
        "v_monthly_revenue",
        "v_open_tickets",
    }
    for view_name in VIEW_NAMES:
        assert row_count(built, view_name) > 0


def test_every_table_has_rows_and_order_lines_is_the_largest(built: Warehouse) -> None:
    counts = {name: row_count(built, name) for name in TABLE_NAMES}

    assert min(counts.values()) >= 1
    assert max(counts, key=lambda name: counts[name]) == "order_lines"
    assert counts["order_lines"] >= counts["orders"]


def test_sqlite_and_postgres_builds_have_identical_contents(
    built_sqlite: Warehouse, built_pg: Warehouse
) -> None:
    assert content_digest(built_sqlite, across_engines=True) == content_digest(
        built_pg, across_engines=True
    )


def test_sqlite_same_seed_gives_identical_contents_and_other_seed_differs(tmp_path: Path) -> None:
    first = Warehouse("sqlite", f"sqlite:///{tmp_path / 'first.sqlite3'}")
    second = Warehouse("sqlite", f"sqlite:///{tmp_path / 'second.sqlite3'}")
    other = Warehouse("sqlite", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    first.build()
    second.build()
    other.build(seed=DEFAULT_SEED + 1)

    assert content_digest(first) == content_digest(second)
    assert content_digest(first) != content_digest(other)


def build_in_new_process(path: Path, hash_seed: str) -> None:
    code = "import sys; from workbench.demo.warehouse import warehouse_build as build; "
    code += "build(url=sys.argv[1], scale=float(sys.argv[2]))"
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-c", code, f"sqlite:///{path}", str(SCALE)]
    subprocess.run(command, env=environment, cwd=REPO_ROOT, check=True)


def test_contents_do_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    build_in_new_process(tmp_path / "one.sqlite3", hash_seed="1")
    build_in_new_process(tmp_path / "two.sqlite3", hash_seed="2")

    one = Warehouse("sqlite", f"sqlite:///{tmp_path / 'one.sqlite3'}")
    two = Warehouse("sqlite", f"sqlite:///{tmp_path / 'two.sqlite3'}")
    assert content_digest(one) == content_digest(two)


def test_postgres_rebuild_is_idempotent_and_seed_dependent(pg_warehouse: Warehouse) -> None:
    pg_warehouse.build()
    first = content_digest(pg_warehouse)
    pg_warehouse.build()
    rebuilt = content_digest(pg_warehouse)
    pg_warehouse.build(seed=DEFAULT_SEED + 1)

    assert rebuilt == first
    assert content_digest(pg_warehouse) != first


def test_sqlite_rebuild_in_place_is_idempotent(sqlite_warehouse: Warehouse) -> None:
    sqlite_warehouse.build()
    first = content_digest(sqlite_warehouse)
    sqlite_warehouse.build()

    assert content_digest(sqlite_warehouse) == first


def test_order_totals_add_up_from_lines(built: Warehouse) -> None:
    [(line_sum,)] = built.query("SELECT SUM(line_total) FROM order_lines")
    [(view_sum,)] = built.query("SELECT SUM(order_total) FROM v_customer_orders")
    [(revenue,)] = built.query("SELECT SUM(revenue) FROM v_monthly_revenue")
    [(not_cancelled_sum,)] = built.query(
        "SELECT SUM(l.line_total) FROM order_lines l "
        "JOIN orders o ON o.order_id = l.order_id WHERE o.status <> 'cancelled'"
    )
    mismatched_orders = built.query(
        "SELECT o.order_id FROM orders o JOIN order_lines l ON l.order_id = o.order_id "
        "GROUP BY o.order_id, o.total_amount "
        "HAVING ABS(o.total_amount - SUM(l.line_total)) > 0.001"
    )

    assert mismatched_orders == []
    assert cents(view_sum) == cents(line_sum)
    assert cents(revenue) == cents(not_cancelled_sum)
    assert cents(not_cancelled_sum) < cents(line_sum)


def test_support_tickets_embed_customer_pii_in_a_realistic_fraction(built: Warehouse) -> None:
    tickets = built.query(
        "SELECT t.body, c.email, c.phone, c.iban, c.credit_card_number, c.street_address "
        "FROM support_tickets t JOIN customers c ON c.customer_id = t.customer_id"
    )
    found: dict[str, int] = {"email": 0, "phone": 0, "iban": 0, "card": 0, "address": 0}
    tickets_with_pii = 0
    for body, email, phone, iban, card, street in tickets:
        compact_body = str(body).replace(" ", "")
        kinds = {
            "email": str(email) in str(body),
            "phone": str(phone) in str(body),
            "iban": iban is not None and str(iban) in compact_body,
            "card": str(card) in compact_body,
            "address": str(street) in str(body),
        }
        for kind, hit in kinds.items():
            found[kind] += hit
        tickets_with_pii += any(kinds.values())

    assert 0.25 <= tickets_with_pii / len(tickets) <= 0.55
    assert all(count > 0 for count in found.values()), found
    email_pattern = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    assert any(email_pattern.search(str(body)) for body, *_ in tickets)


def test_customer_region_is_consistent_with_country(built: Warehouse) -> None:
    pairs = built.query("SELECT DISTINCT country, region FROM customers")

    assert pairs
    assert all(COUNTRY_REGIONS[str(country)] == region for country, region in pairs)
    assert {region for _, region in pairs} == {"EU", "US", "APAC"}


def test_sqlite_foreign_keys_are_consistent(built_sqlite: Warehouse) -> None:
    assert built_sqlite.query("PRAGMA foreign_key_check") == []


def test_failed_sqlite_build_keeps_previous_file(sqlite_warehouse: Warehouse) -> None:
    sqlite_warehouse.build()
    before = content_digest(sqlite_warehouse)
    target = Path(sqlite_warehouse.url.removeprefix("sqlite:///"))

    with pytest.raises(RuntimeError, match="simulated crash"):
        sqlite_warehouse.build(seed=DEFAULT_SEED + 7, progress=fail_at("orders"))

    assert content_digest(sqlite_warehouse) == before
    assert [path.name for path in target.parent.iterdir()] == [target.name]


def test_failed_sqlite_first_build_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="simulated crash"):
        warehouse_build(
            url=f"sqlite:///{tmp_path / 'new.sqlite3'}", scale=SCALE, progress=fail_at("products")
        )

    assert list(tmp_path.iterdir()) == []


def test_failed_postgres_build_keeps_previous_schema(pg_warehouse: Warehouse) -> None:
    pg_warehouse.build()
    before = content_digest(pg_warehouse)

    with pytest.raises(RuntimeError, match="simulated crash"):
        pg_warehouse.build(seed=DEFAULT_SEED + 7, progress=fail_at("page_views"))

    assert content_digest(pg_warehouse) == before


def test_tiny_scale_still_fills_every_table(tmp_path: Path) -> None:
    summary = warehouse_build(url=f"sqlite:///{tmp_path / 'tiny.sqlite3'}", scale=0.00001)

    assert min(summary.row_counts.values()) >= 1
    assert summary.row_counts["order_lines"] >= summary.row_counts["orders"]
    assert summary.table_count == len(TABLE_NAMES)


def test_summary_reports_counts_and_timing(tmp_path: Path) -> None:
    loaded: list[tuple[str, int]] = []
    summary = warehouse_build(
        url=f"sqlite:///{tmp_path / 'w.sqlite3'}",
        scale=SCALE,
        progress=lambda name, rows: loaded.append((name, rows)),
    )

    assert loaded == list(summary.row_counts.items())
    assert [name for name, _ in loaded] == [table.name for table in WAREHOUSE_TABLES]
    assert summary.engine == "sqlite"
    assert summary.largest_table == "order_lines"
    assert summary.elapsed_seconds > 0


@pytest.mark.parametrize(
    "url",
    [
        "mysql://bob:secret@db.example/warehouse",
        "sqlite:/relative.sqlite3",
        "sqlite:///",
        "/tmp/warehouse.sqlite3",
    ],
)
def test_unsupported_url_raises_a_clear_error_without_the_password(url: str) -> None:
    with pytest.raises(ValueError, match="Unsupported warehouse URL") as error:
        warehouse_build(url=url)

    assert "secret" not in str(error.value)
    assert "sqlite:///" in str(error.value)


def test_schema_name_must_be_a_warehouse_schema() -> None:
    with pytest.raises(ValueError, match="schema"):
        warehouse_build(url=PG_URL, schema="public")


def test_redact_url_masks_passwords() -> None:
    assert redact_url("postgresql://app:s3cret@db:5432/wb") == "postgresql://app:***@db:5432/wb"
    assert redact_url("postgres://app@db/wb?password=s3cret&sslmode=require") == (
        "postgres://app@db/wb?password=***&sslmode=require"
    )
    assert (
        redact_url("sqlite:////srv/var/warehouse.sqlite3") == "sqlite:////srv/var/warehouse.sqlite3"
    )


def test_load_warehouse_command_builds_and_reports(tmp_path: Path) -> None:
    from django.core.management import call_command

    output_path = tmp_path / "cmd.sqlite3"
    out = io.StringIO()
    call_command("load_warehouse", url=f"sqlite:///{output_path}", scale=SCALE, stdout=out)

    output = out.getvalue()
    assert "order_lines" in output
    assert f"Built {len(TABLE_NAMES)} tables" in output
    assert output_path.exists()


def test_load_warehouse_command_rejects_bad_url_without_leaking_password() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    with pytest.raises(CommandError, match="Unsupported warehouse URL") as error:
        call_command("load_warehouse", url="mysql://bob:secret@db/warehouse", stdout=out)

    assert "secret" not in str(error.value)
    assert "secret" not in out.getvalue()
