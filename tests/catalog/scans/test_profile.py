"""Profiling on real engines: figures agree with plain SQL, the sample stays bounded, odd names,
types the metrics cannot handle and tables that vanish are handled with clear outcomes."""

from __future__ import annotations

import json
import math
import sqlite3
import statistics
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.scans.connectors import ConnectionSpec, source_engine
from catalog.scans.profile import (
    ProfileError,
    TableGoneError,
    TableProfile,
    profile_table,
)
from tests.catalog.profiling_sources import mysql_source, pg_source, sqlite_source, table_of
from workbench.demo.warehouse import warehouse_build


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("profile-warehouse") / "warehouse.sqlite3"
    warehouse_build(url=f"sqlite:///{path}", scale=0.01)
    return path


@pytest.fixture(scope="module")
def warehouse(warehouse_path: Path) -> Iterator[Engine]:
    engine = sqlite_source(str(warehouse_path))
    yield engine
    engine.dispose()


def plain(path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def recorded_statements(engine: Engine) -> list[str]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    return statements


def test_profile_figures_match_plain_sql(warehouse: Engine, warehouse_path: Path) -> None:
    profile = profile_table(warehouse, table_of(warehouse, "payments"), sample_rows=100_000)

    total = plain(warehouse_path, "SELECT COUNT(*) FROM payments")[0][0]
    assert (profile.row_count, profile.row_count_is_estimate, profile.sample_size) == (
        total,
        False,
        total,
    )
    iban = profile.column("iban")
    null_ibans = plain(warehouse_path, "SELECT COUNT(*) FROM payments WHERE iban IS NULL")[0][0]
    assert 0 < null_ibans < total
    assert iban.null_count == null_ibans
    assert iban.null_percent == pytest.approx(100 * null_ibans / total, abs=1e-3)
    assert iban.value_count == total - null_ibans

    amounts = [row[0] for row in plain(warehouse_path, "SELECT amount FROM payments")]
    amount = profile.column("amount")
    assert amount.min == pytest.approx(min(amounts))
    assert amount.max == pytest.approx(max(amounts))
    assert amount.mean == pytest.approx(statistics.fmean(amounts))
    assert amount.stddev == pytest.approx(statistics.pstdev(amounts), rel=1e-6)
    assert amount.distinct_count == len(set(amounts))
    assert len(amount.histogram) == 10
    assert sum(bin_.count for bin_ in amount.histogram) == total
    assert amount.histogram[0].lower == pytest.approx(min(amounts))
    assert amount.histogram[-1].upper is None


def test_top_values_and_text_lengths(warehouse: Engine, warehouse_path: Path) -> None:
    profile = profile_table(warehouse, table_of(warehouse, "payments"), top_n=2)
    method = profile.column("method")
    expected = plain(
        warehouse_path,
        "SELECT method, COUNT(*) FROM payments GROUP BY method ORDER BY COUNT(*) DESC LIMIT 2",
    )
    assert [(v.value, v.count) for v in method.top_values] == expected
    lengths = plain(warehouse_path, "SELECT MIN(LENGTH(method)), MAX(LENGTH(method)) FROM payments")
    assert (method.min_length, method.max_length) == lengths[0]
    assert method.min is None
    assert method.histogram == ()
    payment_id = profile.column("payment_id")
    assert payment_id.top_values == ()
    assert "Every sampled value is distinct" in payment_id.notes[0]


def test_date_histogram_covers_every_value(warehouse: Engine, warehouse_path: Path) -> None:
    profile = profile_table(warehouse, table_of(warehouse, "orders"), bins=5)
    ordered_at = profile.column("ordered_at")
    low, high, count = plain(
        warehouse_path, "SELECT MIN(ordered_at), MAX(ordered_at), COUNT(ordered_at) FROM orders"
    )[0]
    assert ordered_at.min == low.replace(" ", "T")
    assert ordered_at.max == high.replace(" ", "T")
    assert len(ordered_at.histogram) == 5
    assert sum(bin_.count for bin_ in ordered_at.histogram) == count
    edges = [bin_.upper for bin_ in ordered_at.histogram[:-1]]
    assert edges == sorted(edges)


def test_profile_is_json_and_redacts_personal_columns(warehouse: Engine) -> None:
    profile = profile_table(
        warehouse, table_of(warehouse, "customers"), redacted_columns={"country"}
    )
    data = json.loads(json.dumps(profile.to_dict()))
    assert data["name"] == "customers"
    assert data["profiled_at"].endswith("+00:00")
    country = next(c for c in data["columns"] if c["name"] == "country")
    assert country["top_values"] == []
    assert country["min"] is None
    assert country["distinct_count"] > 1
    assert "personal data" in country["notes"][-1]
    city = next(c for c in data["columns"] if c["name"] == "city")
    assert city["top_values"]


def test_view_columns_without_type_get_counts(warehouse: Engine, warehouse_path: Path) -> None:
    profile = profile_table(warehouse, table_of(warehouse, "v_monthly_revenue"))
    expected = plain(warehouse_path, "SELECT COUNT(DISTINCT revenue_month) FROM v_monthly_revenue")
    month = profile.column("revenue_month")
    assert month.skipped == ""
    assert month.distinct_count == expected[0][0]


@pytest.mark.parametrize("bad", [{"sample_rows": 0}, {"top_n": 0}, {"bins": -1}])
def test_bounds_must_be_positive(warehouse: Engine, bad: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be at least 1"):
        profile_table(warehouse, table_of(warehouse, "departments"), **bad)


# --- Bounded samples on a large table ---


def reads_of(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f"FROM {table}" in s or f"FROM main.{table}" in s]


def test_sample_is_bounded_on_a_large_sqlite_table(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, grp INTEGER, note TEXT)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
            "INSERT INTO big SELECT i, i % 7, CASE WHEN i % 4 = 0 THEN NULL ELSE 'n' || i END "
            "FROM n"
        )
        connection.commit()
    engine = sqlite_source(str(path))
    table = table_of(engine, "big")
    statements = recorded_statements(engine)
    profile = profile_table(engine, table, sample_rows=1000, exact_count_limit=50_000)

    assert profile.sample_size == 1000
    assert profile.sample_method == "first 1000 rows"
    assert (profile.row_count, profile.row_count_is_estimate) == (200_000, False)
    assert profile.column("note").null_count == 250  # every 4th of the first 1000 rows
    unbounded = [s for s in reads_of(statements, "big") if "LIMIT" not in s]
    # The one read without LIMIT is SQLite's cheap COUNT(*) (a B-tree walk, no row decoding).
    assert unbounded == ['SELECT count(*) AS "rowCount" FROM main.big']
    assert all("profile_sample" in s for s in statements if "grp" in s)


def test_postgres_samples_pages_and_uses_the_row_estimate() -> None:
    with pg_source() as source:
        source.run(
            "CREATE TABLE big AS SELECT i AS id, i % 7 AS grp, "
            "CASE WHEN i % 4 = 0 THEN NULL ELSE 'n' || i END AS note "
            "FROM generate_series(1, 200000) AS i"
        )
        source.run("ANALYZE big")
        table = table_of(source.engine, "big", schema=source.schema)
        statements = recorded_statements(source.engine)
        profile = profile_table(source.engine, table, sample_rows=1000, exact_count_limit=50_000)

    assert profile.row_count_is_estimate
    assert profile.row_count == pytest.approx(200_000, rel=0.1)
    assert 0 < profile.sample_size <= 1000
    assert profile.sample_method.startswith("TABLESAMPLE SYSTEM")
    sample_reads = [s for s in statements if "profile_sample" in s]
    assert sample_reads
    assert all("TABLESAMPLE system" in s and "LIMIT" in s for s in sample_reads)
    note = profile.column("note")
    assert note.null_percent == pytest.approx(25, abs=6)
    assert profile.column("grp").distinct_count == 7


def test_postgres_figures_match_plain_sql_with_odd_names() -> None:
    with pg_source() as source:
        source.run(
            'CREATE TABLE "Order Détails" ("select" integer, "quo""te" text, "naïve col" date, '
            '"Mixed Case" numeric(10,2), geo point)'
        )
        source.run(
            """INSERT INTO "Order Détails" VALUES (1, 'a', '2024-01-01', 1.50, '(1,2)'),
            (2, NULL, '2024-03-01', 2.50, '(1,2)'), (NULL, 'a', NULL, NULL, NULL)"""
        )
        table = table_of(source.engine, "Order Détails", schema=source.schema)
        profile = profile_table(source.engine, table)
        plain_nulls = source.run('SELECT COUNT(*) - COUNT("quo""te") FROM "Order Détails"')

    assert profile.column("select").null_count == 1
    assert profile.column("select").mean == pytest.approx(1.5)
    assert profile.column('quo"te').null_count == plain_nulls[0][0] == 1
    assert profile.column('quo"te').top_values[0].value == "a"
    assert profile.column("naïve col").min == "2024-01-01"
    assert profile.column("Mixed Case").stddev == pytest.approx(0.5)
    geo = profile.column("geo")  # no equality operator for point: DISTINCT fails at the source
    assert geo.skipped.startswith("The source could not compute its metrics")


def test_mariadb_figures_with_odd_names_and_awkward_types() -> None:
    with mysql_source() as source:
        source.run(
            'CREATE TABLE `Order Détails` (`select` int, `quo"te` varchar(10), `naïve col` date, '
            "amount decimal(8,2), g point, t time)"
        )
        source.run(
            "INSERT INTO `Order Détails` VALUES (1, 'a', '2024-01-01', 1.5, POINT(1, 2), '10:00'),"
            "(2, NULL, '2024-03-01', 2.5, NULL, NULL), (NULL, 'a', NULL, NULL, NULL, NULL)"
        )
        table = table_of(source.engine, "Order Détails", schema=source.database)
        profile = profile_table(source.engine, table)
        plain_nulls = source.run('SELECT COUNT(*) - COUNT(`quo"te`) FROM `Order Détails`')

    assert profile.column('quo"te').null_count == plain_nulls[0][0] == 1
    assert profile.column("select").stddev == pytest.approx(0.5)
    assert profile.column("amount").max == pytest.approx(2.5)
    assert profile.column("naïve col").min == "2024-01-01"
    assert profile.column("t").value_count == 1  # TIME: counts, no min/max
    assert profile.column("t").min is None
    assert profile.column("g").null_count == 2


# --- Odd names, unusable types and vanishing tables on SQLite ---


@pytest.fixture
def odd_source(tmp_path: Path) -> Path:
    path = tmp_path / "odd.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(
            'CREATE TABLE "Order Détails" ("select" INTEGER, "quo""te" TEXT, "naïve col" DATE, '
            '"Mixed Case" REAL, payload BLOB, doc JSON)'
        )
        connection.executemany(
            'INSERT INTO "Order Détails" VALUES (?, ?, ?, ?, ?, ?)',
            [
                (1, "a", "2024-01-01", 1.5, b"\x00", "{}"),
                (2, None, "2024-03-01", 2.5, b"\x01", "[]"),
                (None, "a", None, None, None, None),
            ],
        )
        connection.commit()
    return path


def test_odd_identifiers_and_unusable_types(odd_source: Path) -> None:
    engine = sqlite_source(str(odd_source))
    profile = profile_table(engine, table_of(engine, "Order Détails"))
    assert profile.column("select").null_count == 1
    assert profile.column("select").max == 2
    assert profile.column('quo"te').top_values[0].value == "a"
    assert profile.column("naïve col").max == "2024-03-01"
    assert profile.column("Mixed Case").stddev == pytest.approx(0.5)
    assert "not profiled" in profile.column("payload").skipped
    assert "not profiled" in profile.column("doc").skipped
    assert profile.column("payload").value_count == 0


def test_missing_table_is_a_clear_error(odd_source: Path) -> None:
    engine = sqlite_source(str(odd_source))
    table = table_of(engine, "Order Détails")
    with closing(sqlite3.connect(odd_source)) as connection:
        connection.execute('DROP TABLE "Order Détails"')
        connection.commit()
    with pytest.raises(TableGoneError, match="no longer exists"):
        profile_table(engine, table)


def test_table_dropped_mid_profile_is_a_clear_error(odd_source: Path) -> None:
    engine = sqlite_source(str(odd_source))
    table = table_of(engine, "Order Détails")

    def drop_before_statistics(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "profile_sample" in statement:
            with closing(sqlite3.connect(odd_source)) as writer:
                writer.execute('DROP TABLE IF EXISTS "Order Détails"')
                writer.commit()

    sa.event.listen(engine, "before_cursor_execute", drop_before_statistics)
    with pytest.raises(TableGoneError, match=r"Table main\.Order Détails no longer exists"):
        profile_table(engine, table)


def test_other_source_errors_name_the_table(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE base (id INTEGER, label TEXT)")
        connection.execute("CREATE VIEW labels AS SELECT id, label FROM base")
        connection.commit()
    engine = sqlite_source(str(path))
    view = table_of(engine, "labels")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP TABLE base")  # the view stays, but can no longer be read
        connection.commit()
    with pytest.raises(ProfileError, match=r"refused a query on main\.labels.*base") as caught:
        profile_table(engine, view)
    assert not isinstance(caught.value, TableGoneError)


# --- Files through DuckDB ---


def test_csv_folder_through_duckdb(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,name,score,born\n1,Ann,3.5,2001-02-03\n2,,4.5,\n3,Bob,,1999-12-31\n4,Ann,5.5,2000-06-01\n"
    )
    engine = source_engine(ConnectionSpec(kind="files", path=str(folder)))
    profile: TableProfile = profile_table(engine, table_of(engine, "people"))
    assert profile.row_count == 4
    assert profile.sample_size == 4
    with engine.connect() as connection:
        nulls = connection.exec_driver_sql(
            "SELECT COUNT(*) - COUNT(name), COUNT(*) - COUNT(score) FROM people"
        ).fetchone()
    assert (profile.column("name").null_count, profile.column("score").null_count) == tuple(nulls)
    score = profile.column("score")
    assert score.mean == pytest.approx(4.5)
    assert score.stddev == pytest.approx(math.sqrt(2 / 3))
    assert profile.column("name").top_values[0].value == "Ann"
    assert profile.column("born").min == "1999-12-31"
