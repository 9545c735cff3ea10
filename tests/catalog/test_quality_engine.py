"""Quality checks on real engines: every kind passing and failing on SQLite, DuckDB over CSV and
PostgreSQL; bad definitions refused with clear messages; custom SQL that could write is refused."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from catalog.scans import quality
from catalog.scans.connectors import ConnectionSpec, source_engine
from catalog.scans.quality import InvalidCheckError, QualityCheckSpec, run_check
from catalog.scans.snapshot import TableSnapshot
from tests.catalog.profiling_sources import mysql_source, pg_source, sqlite_source, table_of

ROW_COUNT = 5


def rows_as_of_now() -> list[tuple[Any, ...]]:
    """The table's rows, updated 1 to 5 hours ago (naive UTC, as many warehouses keep time)."""
    now = datetime.now(tz=UTC).replace(microsecond=0, tzinfo=None)
    return [
        (1, "A", "new", 10.5, "a@x.org", now - timedelta(hours=1)),
        (2, "B", "paid", 20.0, "b@x.org", now - timedelta(hours=2)),
        (3, "A", "new", 30.0, "c@x.org", now - timedelta(hours=3)),
        (4, "C", "paid", 40.0, "bad-email", now - timedelta(hours=4)),
        (5, None, "paid", 50.0, "e@x.org", now - timedelta(hours=5)),
    ]


@dataclass(frozen=True)
class Source:
    engine: Engine
    table: TableSnapshot
    sql_name: str  # how custom SQL names the table


def _sqlite(tmp: Path) -> Iterator[Source]:
    path = tmp / "checks.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(
            "CREATE TABLE shipments (id INTEGER PRIMARY KEY, code VARCHAR(4), status VARCHAR(8), "
            "amount NUMERIC(8,2), email VARCHAR(80), updated_at TIMESTAMP)"
        )
        connection.executemany(
            "INSERT INTO shipments VALUES (?, ?, ?, ?, ?, ?)",
            [(*row[:5], row[5].strftime("%Y-%m-%d %H:%M:%S")) for row in rows_as_of_now()],
        )
        connection.commit()
    engine = sqlite_source(str(path))
    yield Source(engine, table_of(engine, "shipments"), "shipments")
    engine.dispose()


def _duckdb(tmp: Path) -> Iterator[Source]:
    folder = tmp / "files"
    folder.mkdir()
    lines = ["id,code,status,amount,email,updated_at"]
    for id_, code, status, amount, email, moment in rows_as_of_now():
        lines.append(f"{id_},{code or ''},{status},{amount},{email},{moment:%Y-%m-%d %H:%M:%S}")
    (folder / "shipments.csv").write_text("\n".join(lines) + "\n")
    engine = source_engine(ConnectionSpec(kind="files", path=str(folder)))
    yield Source(engine, table_of(engine, "shipments"), "shipments")
    engine.dispose()


def _postgresql(_tmp: Path) -> Iterator[Source]:
    with pg_source() as source:
        source.run(
            "CREATE TABLE shipments (id integer PRIMARY KEY, code varchar(4), status varchar(8), "
            "amount numeric(8,2), email varchar(80), updated_at timestamp)"
        )
        for row in rows_as_of_now():
            source.run("INSERT INTO shipments VALUES (%s, %s, %s, %s, %s, %s)", row)
        table = table_of(source.engine, "shipments", schema=source.schema)
        yield Source(source.engine, table, f'"{source.schema}".shipments')


def _mysql(_tmp: Path) -> Iterator[Source]:
    with mysql_source() as source:
        source.run(
            "CREATE TABLE shipments (id integer PRIMARY KEY, code varchar(4), status varchar(8), "
            "amount decimal(8,2), email varchar(80), updated_at datetime)"
        )
        for row in rows_as_of_now():
            source.run("INSERT INTO shipments VALUES (%s, %s, %s, %s, %s, %s)", row)
        table = table_of(source.engine, "shipments", schema=source.database)
        yield Source(source.engine, table, f"`{source.database}`.shipments")


@pytest.fixture(scope="module", params=["sqlite", "duckdb", "postgresql", "mariadb"])
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Source]:
    makers = {"sqlite": _sqlite, "duckdb": _duckdb, "postgresql": _postgresql, "mariadb": _mysql}
    maker = makers[request.param]
    yield from maker(tmp_path_factory.mktemp(f"quality-{request.param}"))


CASES: list[tuple[str, str, str, dict[str, Any], str, Any]] = [
    # id, kind, column, params, expected status, a failing value (or observed figure) expected
    ("not_null passes", "not_null", "id", {}, "passed", None),
    ("not_null fails", "not_null", "code", {}, "failed", {"code": None}),
    ("unique passes", "unique", "id", {}, "passed", None),
    ("unique fails", "unique", "code", {}, "failed", {"code": "A"}),
    ("in set passes", "accepted_values", "status", {"values": ["new", "paid"]}, "passed", None),
    (
        "in set fails",
        "accepted_values",
        "status",
        {"values": ["new"]},
        "failed",
        {"status": "paid"},
    ),
    ("range passes", "range", "amount", {"min": 0, "max": 100}, "passed", None),
    ("range fails", "range", "amount", {"min": 15}, "failed", {"amount": 10.5}),
    ("date range passes", "range", "updated_at", {"min": "2000-01-01"}, "passed", None),
    (
        "date range fails",
        "range",
        "updated_at",
        {"max": "2001-01-01"},
        "failed",
        ("failing_count", 5),
    ),
    ("regex passes", "regex", "email", {"pattern": "^[a-z@.-]+$"}, "passed", None),
    ("regex fails", "regex", "email", {"pattern": "@"}, "failed", {"email": "bad-email"}),
    ("fresh", "freshness", "updated_at", {"max_age_hours": 24}, "passed", None),
    ("stale", "freshness", "updated_at", {"max_age_hours": 0.5}, "failed", ("age_hours", 1.0)),
    ("row count passes", "row_count", "", {"min": 1, "max": 10}, "passed", None),
    ("row count fails", "row_count", "", {"min": 6}, "failed", ("rowCount", 5)),
    (
        "sql rows pass",
        "custom_sql",
        "",
        {"sql": "SELECT id FROM {t} WHERE amount < 0"},
        "passed",
        None,
    ),
    (
        "sql rows fail",
        "custom_sql",
        "",
        {"sql": "SELECT id, amount FROM {t} WHERE amount > 45;"},
        "failed",
        {"id": 5, "amount": 50},
    ),
    (
        "sql count passes",
        "custom_sql",
        "",
        {"sql": "SELECT COUNT(*) FROM {t} WHERE status = 'x'", "returns": "count"},
        "passed",
        None,
    ),
    (
        "sql count fails",
        "custom_sql",
        "",
        {"sql": "SELECT COUNT(*) FROM {t} WHERE status = 'new'", "returns": "count"},
        "failed",
        ("failing_count", 2),
    ),
]


@pytest.mark.parametrize(
    ("kind", "column", "params", "status", "evidence"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_check_kind_passes_and_fails(
    source: Source, kind: str, column: str, params: dict[str, Any], status: str, evidence: Any
) -> None:
    if "sql" in params:
        params = {**params, "sql": params["sql"].format(t=source.sql_name)}
    result = run_check(source.engine, QualityCheckSpec(kind, source.table, column, params))
    assert result.status == status, result.message
    assert result.passed is (status == "passed")
    assert result.message
    if isinstance(evidence, dict):
        assert evidence in result.failing_rows_sample
    elif isinstance(evidence, tuple):
        key, value = evidence
        assert result.observed[key] == pytest.approx(value, abs=0.1)
    else:
        assert result.failing_rows_sample == ()


# --- Bad definitions (SQLite is enough: they are refused before any query) ---


@pytest.fixture(scope="module")
def sqlite_checks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    yield from _sqlite(tmp_path_factory.mktemp("quality-bad"))


BAD_SPECS = [
    ("unknown kind", "spelling", "id", {}, "Unknown check kind"),
    ("column missing", "not_null", "", {}, "needs a column"),
    ("column unknown", "unique", "nope", {}, "has no column 'nope'"),
    ("empty set", "accepted_values", "status", {"values": []}, "non-empty list"),
    ("set of dicts", "accepted_values", "status", {"values": [{"a": 1}]}, "strings or numbers"),
    ("no bounds", "range", "amount", {}, "minimum, a maximum or both"),
    ("word bound", "range", "amount", {"min": "ten"}, "must be a number"),
    ("min above max", "range", "amount", {"min": 5, "max": 1}, "above the maximum"),
    ("bad date", "range", "updated_at", {"min": "2024-13-45"}, "not a valid ISO date"),
    ("bad regex", "regex", "email", {"pattern": "(["}, "not a valid regex"),
    ("no age", "freshness", "updated_at", {}, "positive number"),
    ("negative age", "freshness", "updated_at", {"max_age_hours": -1}, "positive number"),
    ("fresh text", "freshness", "email", {"max_age_hours": 1}, "date or timestamp column"),
    ("returns what", "custom_sql", "", {"sql": "SELECT 1", "returns": "all"}, "returns must be"),
]


@pytest.mark.parametrize(
    ("kind", "column", "params", "message"),
    [case[1:] for case in BAD_SPECS],
    ids=[case[0] for case in BAD_SPECS],
)
def test_bad_definitions_are_refused_clearly(
    sqlite_checks: Source, kind: str, column: str, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidCheckError, match=message):
        run_check(sqlite_checks.engine, QualityCheckSpec(kind, sqlite_checks.table, column, params))


UNSAFE_SQL = [
    ("delete", "DELETE FROM shipments", "Only a SELECT"),
    ("two statements", "SELECT 1; DELETE FROM shipments", "exactly one statement"),
    ("drop", "DROP TABLE shipments", "Only a SELECT"),
    ("update", "UPDATE shipments SET amount = 0", "Only a SELECT"),
    ("insert select", "INSERT INTO shipments SELECT * FROM shipments", "Only a SELECT"),
    (
        "cte delete",
        "WITH d AS (DELETE FROM shipments RETURNING *) SELECT * FROM d",
        "Only a SELECT",
    ),
    ("select into", "SELECT * INTO copy FROM shipments", "INTO"),
    ("pragma", "PRAGMA writable_schema = 1", "Only a SELECT"),
    ("attach", "ATTACH DATABASE 'x.db' AS x", "Only a SELECT"),
    ("empty", "   ", "needs a SELECT"),
    ("garbage", "SELECT FROM WHERE (", "does not parse"),
]


@pytest.mark.parametrize(
    ("sql", "message"), [c[1:] for c in UNSAFE_SQL], ids=[c[0] for c in UNSAFE_SQL]
)
def test_custom_sql_must_be_one_select(sqlite_checks: Source, sql: str, message: str) -> None:
    spec = QualityCheckSpec("custom_sql", sqlite_checks.table, params={"sql": sql})
    with pytest.raises(InvalidCheckError, match=message):
        run_check(sqlite_checks.engine, spec)
    with sqlite_checks.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM shipments").scalar() == ROW_COUNT


def test_a_vanished_table_gives_an_error_result(tmp_path: Path) -> None:
    source = next(_sqlite(tmp_path))
    with closing(sqlite3.connect(tmp_path / "checks.sqlite3")) as connection:
        connection.execute("DROP TABLE shipments")
        connection.commit()
    result = run_check(source.engine, QualityCheckSpec("not_null", source.table, "id"))
    assert result.status == "error"
    assert not result.passed
    assert "main.shipments no longer exists" in result.message


def test_regex_falls_back_to_python_on_a_bounded_sample(
    sqlite_checks: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quality, "REGEX_DIALECTS", frozenset())
    spec = QualityCheckSpec("regex", sqlite_checks.table, "email", {"pattern": "@"})
    result = run_check(sqlite_checks.engine, spec)
    assert result.status == "failed"
    assert result.observed == {"checked": 5, "failing_count": 1}
    assert result.failing_rows_sample == ({"email": "bad-email"},)
    assert "checked in Python" in result.message


def test_postgres_custom_sql_runs_read_only() -> None:
    with pg_source() as source:
        source.run("CREATE SEQUENCE counter")
        source.run("CREATE TABLE t (id integer)")
        table = table_of(source.engine, "t", schema=source.schema)
        # One SELECT that parses fine but would write: the read-only transaction stops it.
        sql = f"SELECT nextval('\"{source.schema}\".counter') AS n"
        result = run_check(
            source.engine, QualityCheckSpec("custom_sql", table, params={"sql": sql})
        )
        assert result.status == "error"
        assert "read-only" in result.message
        assert source.run("SELECT last_value, is_called FROM counter") == [(1, False)]


def test_validating_a_check_does_not_load_openmetadata() -> None:
    """Forms validate checks on the request path: that must not pay OpenMetadata's import."""
    code = (
        "import sys\n"
        "from catalog.scans.quality import QualityCheckSpec, check_spec_validate\n"
        "from catalog.export import openmetadata\n"
        "from catalog.scans.snapshot import ColumnSnapshot, TableSnapshot\n"
        "table = TableSnapshot('main', 't', 'table', (ColumnSnapshot('id', 1, 'integer', True),))\n"
        "check_spec_validate(QualityCheckSpec('custom_sql', table, params={'sql': 'SELECT 1'}))\n"
        "check_spec_validate(QualityCheckSpec('range', table, 'id', {'min': 1}))\n"
        "print(sorted(m for m in sys.modules if m == 'metadata' or m.startswith('metadata.')))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert finished.stdout.strip() == "[]"
