"""Set-based introspection of real sources, checked against the sample warehouse description."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from catalog.scans.connectors import ConnectionSpec, source_engine
from catalog.scans.introspect import SAMPLE_MAX_ROWS, introspect, sample_rows, sample_sql
from catalog.scans.snapshot import SourceSnapshot, TableSnapshot
from tests.catalog.scans.conftest import RunSql
from workbench.demo.warehouse import WAREHOUSE_TABLES, WAREHOUSE_VIEWS, WarehouseSummary

PG_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "TEXT": "text",
    "DATE": "date",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp without time zone",
}


def pg_type(sql_type: str) -> str:
    if sql_type.startswith("VARCHAR"):
        return sql_type.replace("VARCHAR", "character varying").lower()
    return PG_TYPES.get(sql_type, sql_type.lower())


def by_name(snapshot: SourceSnapshot) -> dict[str, TableSnapshot]:
    return {table.name: table for table in snapshot.tables}


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def assert_matches_warehouse(
    snapshot: SourceSnapshot, summary: WarehouseSummary, schema: str, type_of: Any
) -> None:
    tables = by_name(snapshot)
    assert set(tables) == {t.name for t in WAREHOUSE_TABLES} | {v.name for v in WAREHOUSE_VIEWS}
    for expected in WAREHOUSE_TABLES:
        table = tables[expected.name]
        assert (table.schema, table.kind) == (schema, "table")
        assert [c.name for c in table.columns] == list(expected.column_names)
        assert [c.ordinal for c in table.columns] == list(range(1, len(expected.columns) + 1))
        assert [c.data_type for c in table.columns] == [
            type_of(c.sql_type) for c in expected.columns
        ]
        assert [c.is_nullable for c in table.columns] == [c.nullable for c in expected.columns]
        assert table.primary_key == (expected.primary_key,)
        references = {
            (fk.columns, fk.referred_schema, fk.referred_table, fk.referred_columns)
            for fk in table.foreign_keys
        }
        assert references == {
            ((c.name,), schema, *_target(c.references)) for c in expected.columns if c.references
        }
        assert table.row_count == summary.row_counts[expected.name]
        assert table.row_count_is_estimate is False
    for view in WAREHOUSE_VIEWS:
        assert tables[view.name].kind == "view"
        assert tables[view.name].row_count is None
        assert squeezed(tables[view.name].view_sql).upper().startswith("SELECT ")


def _target(references: str) -> tuple[str, tuple[str]]:
    table, column = re.fullmatch(r"(\w+) \((\w+)\)", references).groups()  # type: ignore[union-attr]
    return table, (column,)


# --- The sample warehouse on each engine ---


def test_sqlite_warehouse_snapshot_matches_its_description(
    sqlite_warehouse: tuple[Path, WarehouseSummary],
) -> None:
    path, summary = sqlite_warehouse
    snapshot = introspect(ConnectionSpec(kind="sqlite", path=str(path)))
    assert (snapshot.database, snapshot.schemas, snapshot.warnings) == (path.name, ("main",), ())
    assert_matches_warehouse(snapshot, summary, "main", str.lower)
    view = by_name(snapshot)["v_customer_orders"]
    assert squeezed(view.view_sql) == squeezed(WAREHOUSE_VIEWS[0].sql)


def test_postgresql_warehouse_snapshot_matches_its_description(
    pg_spec: ConnectionSpec, pg_warehouse: WarehouseSummary, pg_run: RunSql
) -> None:
    pg_run("COMMENT ON TABLE warehouse.orders IS 'Web shop orders'")
    pg_run("COMMENT ON COLUMN warehouse.orders.status IS 'placed, shipped, …'")
    snapshot = introspect(pg_spec, schemas=["warehouse"])
    assert (snapshot.database, snapshot.schemas, snapshot.warnings) == (
        pg_spec.database,
        ("warehouse",),
        (),
    )
    assert_matches_warehouse(snapshot, pg_warehouse, "warehouse", pg_type)
    orders = by_name(snapshot)["orders"]
    assert orders.comment == "Web shop orders"
    assert {c.name: c.comment for c in orders.columns}["status"] == "placed, shipped, …"
    assert "to_char(o.ordered_at" in by_name(snapshot)["v_monthly_revenue"].view_sql


def test_mysql_snapshot_has_keys_defaults_comments_views_and_counts(
    mysql_spec: ConnectionSpec, mysql_run: RunSql
) -> None:
    mysql_run(
        "CREATE TABLE departments (department_id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL,"
        " budget NUMERIC(12,2) DEFAULT 10.50 COMMENT 'yearly, EUR') COMMENT 'Departments'"
    )
    mysql_run(
        "CREATE TABLE employees (employee_id INTEGER, company CHAR(2), department_id INTEGER NOT"
        " NULL, note TEXT, PRIMARY KEY (company, employee_id), CONSTRAINT fk_emp_dept FOREIGN"
        " KEY (department_id) REFERENCES departments (department_id))"
    )
    mysql_run("INSERT INTO departments VALUES (1, 'Sales', 1), (2, 'HR', 2), (3, 'IT', NULL)")
    mysql_run("CREATE VIEW v_departments AS SELECT name FROM departments WHERE budget > 1")
    tables = by_name(introspect(mysql_spec))
    departments, employees = tables["departments"], tables["employees"]
    assert departments.comment == "Departments"
    assert departments.row_count == 3
    assert not departments.row_count_is_estimate
    assert [(c.name, c.data_type, c.is_nullable) for c in departments.columns] == [
        ("department_id", "int(11)", False),
        ("name", "varchar(80)", False),
        ("budget", "decimal(12,2)", True),
    ]
    assert departments.columns[2].default == "10.50"
    assert departments.columns[2].comment == "yearly, EUR"
    assert departments.columns[1].default is None
    assert employees.primary_key == ("company", "employee_id")
    (key,) = employees.foreign_keys
    assert (key.name, key.columns, key.referred_table, key.referred_columns) == (
        "fk_emp_dept",
        ("department_id",),
        "departments",
        ("department_id",),
    )
    assert key.referred_schema == mysql_spec.database
    assert tables["v_departments"].kind == "view"
    assert "`budget` > 1" in tables["v_departments"].view_sql


def test_files_folder_snapshot(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,amount,placed_on\n1,9.50,2026-01-02\n2,3,2026-02-03\n"
    )
    pq.write_table(
        pa.table({"id": [1, 2, 3], "name": ["a", "b", None]}), tmp_path / "people.parquet"
    )
    (tmp_path / "notes.txt").write_text("not a table")
    snapshot = introspect(ConnectionSpec(kind="files", path=str(tmp_path)))
    tables = by_name(snapshot)
    assert set(tables) == {"orders", "people"}
    assert snapshot.database == tmp_path.name
    assert snapshot.warnings == ()
    assert [(c.name, c.data_type) for c in tables["orders"].columns] == [
        ("order_id", "bigint"),
        ("amount", "double"),
        ("placed_on", "date"),
    ]
    assert (tables["orders"].row_count, tables["people"].row_count) == (2, 3)
    assert [c.data_type for c in tables["people"].columns] == ["bigint", "varchar"]


# --- Identifiers that need quoting ---

ODD_TABLES = ("select", "with space", 'quo"te', "café_ñ", "MixedCase")
ODD_COLUMNS = ("order", 'a"b', "ü col", "Group")


def _create_odd_tables(run: RunSql, quote: str) -> None:
    def q(name: str) -> str:
        return quote + name.replace(quote, quote * 2) + quote

    for table in ODD_TABLES:
        columns = ", ".join(f"{q(column)} VARCHAR(20)" for column in ODD_COLUMNS)
        run(f"CREATE TABLE {q(table)} ({columns})")
        values = ", ".join(f"'{table[:3]}{n}'" for n in range(len(ODD_COLUMNS)))
        run(f"INSERT INTO {q(table)} VALUES ({values})")


def _check_odd_tables(spec: ConnectionSpec, snapshot: SourceSnapshot) -> None:
    tables = by_name(snapshot)
    engine = source_engine(spec)
    try:
        for name in ODD_TABLES:
            table = tables[name]
            assert [c.name for c in table.columns] == list(ODD_COLUMNS)
            assert table.row_count == 1
            rows = sample_rows(engine, table, ["ü col", 'a"b'], limit=5)
            assert rows == [(f"{name[:3]}2", f"{name[:3]}1")]
    finally:
        engine.dispose()


def test_odd_identifiers_in_postgresql(pg_spec: ConnectionSpec, pg_run: RunSql) -> None:
    pg_run('CREATE SCHEMA "odd schema"')
    pg_run('SET search_path TO "odd schema"')
    _create_odd_tables(lambda s, p=None: pg_run(f'SET search_path TO "odd schema"; {s}'), '"')
    snapshot = introspect(pg_spec, schemas=["odd schema"])
    assert {t.schema for t in snapshot.tables} == {"odd schema"}
    _check_odd_tables(pg_spec, snapshot)


def test_odd_identifiers_in_mysql(mysql_spec: ConnectionSpec, mysql_run: RunSql) -> None:
    _create_odd_tables(mysql_run, "`")
    _check_odd_tables(mysql_spec, introspect(mysql_spec))


def test_odd_identifiers_in_sqlite(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "odd.sqlite3"
    with sqlite3.connect(path) as connection:
        _create_odd_tables(lambda s, p=None: connection.execute(s).fetchall(), '"')
    spec = ConnectionSpec(kind="sqlite", path=str(path))
    _check_odd_tables(spec, introspect(spec))


def test_odd_identifiers_in_files(tmp_path: Path) -> None:
    header = ",".join('"' + c.replace('"', '""') + '"' for c in ODD_COLUMNS)
    for name in ODD_TABLES:
        values = ",".join(f"{name[:3]}{n}" for n in range(len(ODD_COLUMNS)))
        (tmp_path / f"{name}.csv").write_text(f"{header}\n{values}\n", encoding="utf-8")
    spec = ConnectionSpec(kind="files", path=str(tmp_path))
    _check_odd_tables(spec, introspect(spec))


# --- Set-based: the number of queries does not grow with the number of tables ---


@pytest.fixture
def statements(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(sa.engine.Engine, "before_cursor_execute", record)
    yield seen
    event.remove(sa.engine.Engine, "before_cursor_execute", record)


def _make_tables(run: RunSql, schema: str, count: int) -> None:
    script = [f"CREATE SCHEMA {schema}"]
    for n in range(count):
        script.append(
            f"CREATE TABLE {schema}.t{n} (id INTEGER PRIMARY KEY, "
            f"ref INTEGER REFERENCES {schema}.t0 (id), note TEXT)"
        )
        if n % 7 == 0:
            script.append(f"INSERT INTO {schema}.t{n} (id, note) VALUES (1, 'x'), (2, 'y')")
    run("; ".join(script))


def _queries(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_postgresql_query_count_does_not_grow_with_tables(
    pg_spec: ConnectionSpec, pg_run: RunSql, statements: list[str]
) -> None:
    _make_tables(pg_run, "few", 10)
    _make_tables(pg_run, "many", 150)
    engine = source_engine(pg_spec)
    try:
        introspect(engine, schemas=["few"])  # the first connection asks the server a few things
        statements.clear()
        few = introspect(engine, schemas=["few"])
        few_queries = _queries(statements)
        statements.clear()
        many = introspect(engine, schemas=["many"])
        many_queries = _queries(statements)
    finally:
        engine.dispose()
    assert len(few.tables) == 10
    assert len(many.tables) == 150
    assert sum(t.row_count or 0 for t in many.tables) == 2 * len(range(0, 150, 7))
    assert all(len(t.foreign_keys) == 1 for t in many.tables)
    # six catalog queries plus one UNION ALL count per 100 non-empty tables
    assert len(few_queries) == len(many_queries) <= 8, many_queries


def test_mysql_query_count_does_not_grow_with_tables(
    mysql_spec: ConnectionSpec, mysql_run: RunSql, statements: list[str]
) -> None:
    mysql_run([f"CREATE TABLE many_{n} (id INTEGER PRIMARY KEY, note TEXT)" for n in range(60)])
    engine = source_engine(mysql_spec)
    try:
        introspect(engine)  # the first connection asks the server a few things
        statements.clear()
        snapshot = introspect(engine)
    finally:
        engine.dispose()
    assert sum(t.name.startswith("many_") for t in snapshot.tables) == 60
    assert len(_queries(statements)) <= 7, statements


# --- Schema filters ---


def test_include_and_exclude_schema_patterns(pg_spec: ConnectionSpec, pg_run: RunSql) -> None:
    for schema in ("sales_eu", "sales_us", "sales_tmp", "hr"):
        pg_run(f"CREATE SCHEMA {schema}")
        pg_run(f"CREATE TABLE {schema}.facts (id INTEGER)")
    spec = ConnectionSpec(
        **{**pg_spec.__dict__, "include_schemas": ("sales_*",), "exclude_schemas": ("*_tmp",)}
    )
    snapshot = introspect(spec)
    assert snapshot.schemas == ("sales_eu", "sales_us")
    assert {t.qualified_name for t in snapshot.tables} == {"sales_eu.facts", "sales_us.facts"}
    assert introspect(pg_spec, schemas=["hr"]).schemas == ("hr",)


# --- A table that disappears mid-scan ---


def _drop_when(engine: sa.engine.Engine, marker: str, drop: Any) -> None:
    done: list[bool] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if marker in statement and not done:
            done.append(True)
            drop()

    event.listen(engine, "before_cursor_execute", before)


def test_postgresql_table_and_view_dropped_mid_scan(
    pg_spec: ConnectionSpec, pg_run: RunSql
) -> None:
    pg_run("CREATE SCHEMA vanish")
    for name in ("stays", "goes"):
        pg_run(f"CREATE TABLE vanish.{name} (id INTEGER)")
        pg_run(f"INSERT INTO vanish.{name} VALUES (1), (2)")
    pg_run("CREATE VIEW vanish.v_goes AS SELECT id FROM vanish.stays")
    engine = source_engine(pg_spec)
    # after the catalog snapshot listed them, before their definition and rows are read
    _drop_when(
        engine, "pg_get_viewdef", lambda: pg_run("DROP TABLE vanish.goes; DROP VIEW vanish.v_goes")
    )
    try:
        snapshot = introspect(engine, schemas=["vanish"])
    finally:
        engine.dispose()
    assert [t.name for t in snapshot.tables] == ["stays"]
    assert snapshot.tables[0].row_count == 2
    assert sorted(snapshot.warnings) == [
        "vanish.goes was dropped during the scan",
        "vanish.v_goes was dropped during the scan",
    ]


def test_mysql_table_dropped_mid_scan(mysql_spec: ConnectionSpec, mysql_run: RunSql) -> None:
    mysql_run("CREATE TABLE vanish_stays (id INTEGER)")
    mysql_run("CREATE TABLE vanish_goes (id INTEGER)")
    engine = source_engine(mysql_spec)
    _drop_when(engine, "information_schema.columns", lambda: mysql_run("DROP TABLE vanish_goes"))
    try:
        snapshot = introspect(engine)
    finally:
        engine.dispose()
    names = {t.name for t in snapshot.tables}
    assert "vanish_stays" in names
    assert "vanish_goes" not in names
    assert f"{mysql_spec.database}.vanish_goes was dropped during the scan" in snapshot.warnings


def test_file_removed_after_the_folder_was_checked(tmp_path: Path) -> None:
    (tmp_path / "stays.csv").write_text("a\n1\n")
    (tmp_path / "goes.csv").write_text("a\n1\n")
    engine = source_engine(ConnectionSpec(kind="files", path=str(tmp_path)))
    (tmp_path / "goes.csv").unlink()
    try:
        snapshot = introspect(engine)
    finally:
        engine.dispose()
    assert [t.name for t in snapshot.tables] == ["stays"]
    assert snapshot.warnings == ("goes.csv disappeared or changed during the scan",)


def test_malformed_and_broken_files_are_warnings_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = ["id,a,b,c,d"] + [f"{n},x,y,z,w" for n in range(1, 16)] + ["16,x,y,z,w,6,7"]
    (tmp_path / "orders.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    (tmp_path / "fine.csv").write_text("a;b\n1;2\n")
    snapshot = introspect(ConnectionSpec(kind="files", path=str(tmp_path)))
    assert [t.name for t in snapshot.tables] == ["fine"]
    assert [c.name for c in snapshot.tables[0].columns] == ["a", "b"]
    assert snapshot.warnings == (
        "broken.parquet is not a valid Parquet file",
        "orders.csv line 17: expected 5 fields, found 7",
    )


# --- A 10M-row table: estimated count, bounded samples ---


def test_ten_million_row_table_is_estimated_and_sampled_without_a_full_scan(
    pg_spec: ConnectionSpec, pg_run: RunSql
) -> None:
    pg_run("CREATE SCHEMA big")
    pg_run(
        "CREATE UNLOGGED TABLE big.events AS SELECT g AS id, g % 97 AS kind "
        "FROM generate_series(1, 10000000) AS g"
    )
    engine = source_engine(pg_spec)
    try:
        (table,) = introspect(engine, schemas=["big"]).tables  # never analysed: planner estimate
        assert table.row_count_is_estimate
        assert 5_000_000 < (table.row_count or 0) < 20_000_000
        pg_run("ANALYZE big.events")
        (table,) = introspect(engine, schemas=["big"]).tables  # analysed: pg_class.reltuples
        assert table.row_count_is_estimate
        assert 9_000_000 < (table.row_count or 0) < 11_000_000
        statement = sample_sql(engine, table, ["id"], limit=100)
        assert " TABLESAMPLE SYSTEM " in statement
        plan = str(pg_run(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")[0][0])
        assert "Sample Scan" in plan
        assert "Seq Scan" not in plan
        started = time.perf_counter()
        rows = sample_rows(engine, table, ["id", "kind"], limit=100)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    assert len(rows) == 100
    assert len({row[0] for row in rows}) == 100
    assert elapsed < 2, f"sampling 100 rows took {elapsed:.2f} s"


def test_sample_rows_refuses_bad_arguments(
    sqlite_warehouse: tuple[Path, WarehouseSummary],
) -> None:
    path, _summary = sqlite_warehouse
    spec = ConnectionSpec(kind="sqlite", path=str(path))
    customers = by_name(introspect(spec))["customers"]
    engine = source_engine(spec)
    try:
        with pytest.raises(ValueError, match="between 1 and"):
            sample_rows(engine, customers, limit=0)
        with pytest.raises(ValueError, match="between 1 and"):
            sample_rows(engine, customers, limit=SAMPLE_MAX_ROWS + 1)
        with pytest.raises(ValueError, match="Unknown column.*'password'"):
            sample_rows(engine, customers, ["email", "password"], limit=5)
        rows = sample_rows(engine, customers, ["customer_id", "email"], limit=5)
    finally:
        engine.dispose()
    assert len(rows) == 5
    assert all("@" in str(email) for _id, email in rows)


def test_csv_beyond_the_checked_rows_gets_an_estimated_count(tmp_path: Path) -> None:
    rows = 250_000
    with (tmp_path / "clicks.csv").open("w") as handle:
        handle.write("id,page\n")
        handle.writelines(f"{n},/p/{n % 1000}\n" for n in range(rows))
    (table,) = introspect(ConnectionSpec(kind="files", path=str(tmp_path))).tables
    assert table.row_count_is_estimate
    assert 0.8 * rows < (table.row_count or 0) < 1.2 * rows
    engine = source_engine(ConnectionSpec(kind="files", path=str(tmp_path)))
    try:
        assert sample_rows(engine, table, ["page"], limit=3) == [("/p/0",), ("/p/1",), ("/p/2",)]
    finally:
        engine.dispose()
