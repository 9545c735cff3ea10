"""Benchmark profiling and quality checks on a large table: the sample stays bounded, so the time
barely grows with the table.

Builds a table of N rows (default 10,000,000) in a temporary SQLite file and, with --pg, in a
throw-away schema of a PostgreSQL database; then profiles it (sample_rows rows) and runs a few
quality checks, printing the time of each, the statements sent and the rows they read.

Usage: .venv/bin/python bench/profile.py [--rows 10000000] [--sample-rows 10000]
       [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from catalog.scans.connectors import ConnectionSpec, source_engine  # noqa: E402
from catalog.scans.introspect import introspect  # noqa: E402
from catalog.scans.profile import profile_table  # noqa: E402
from catalog.scans.quality import QualityCheckSpec, run_check  # noqa: E402

TABLE_SQL = (
    "SELECT i AS id, i % 97 AS shop, (i * 7919) % 100000 / 100.0 AS amount, "
    "CASE WHEN i % 10 = 0 THEN NULL ELSE 'customer-' || (i % 50000) END AS customer, "
    "{day} AS sold_on FROM {series}"
)


def build_sqlite(path: Path, rows: int) -> None:
    series = (
        f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) "
        "SELECT i FROM n)"
    )
    day = "date('2020-01-01', '+' || (i % 2000) || ' days')"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(
            "CREATE TABLE sales (id INTEGER PRIMARY KEY, shop INTEGER, amount NUMERIC(8,2), "
            "customer VARCHAR(20), sold_on DATE)"
        )
        connection.execute(f"INSERT INTO sales {TABLE_SQL.format(day=day, series=series)}")
        connection.commit()


@contextmanager
def pg_schema(url: str, rows: int) -> Iterator[str]:
    schema = f"wbbench_{uuid.uuid4().hex[:8]}"
    series = f"generate_series(1::bigint, {rows}) AS i"
    day = "DATE '2020-01-01' + (i % 2000)::integer"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'SET search_path TO "{schema}"')
        connection.execute(f"CREATE TABLE sales AS {TABLE_SQL.format(day=day, series=series)}")
        connection.execute("ANALYZE sales")
    try:
        yield schema
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure(label: str, engine: sa.engine.Engine, schema: str | None, sample_rows: int) -> None:
    table = next(t for t in introspect(engine, schemas=[schema] if schema else None).tables)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", record)
    started = time.perf_counter()
    profile = profile_table(engine, table, sample_rows=sample_rows)
    seconds = time.perf_counter() - started
    print(
        f"{label}: profile {seconds:.2f} s, {len(statements)} statements, "
        f"row_count={profile.row_count:,} (estimate: {profile.row_count_is_estimate}), "
        f"sample={profile.sample_size:,} via {profile.sample_method}"
    )
    for kind, column, params in (
        ("not_null", "customer", {}),
        ("range", "amount", {"min": 0, "max": 1000}),
        ("freshness", "sold_on", {"max_age_hours": 24}),
    ):
        started = time.perf_counter()
        result = run_check(engine, QualityCheckSpec(kind, table, column, params))
        elapsed = time.perf_counter() - started
        print(f"  {kind}: {result.status} in {elapsed:.2f} s ({result.message})")
    sa.event.remove(engine, "before_cursor_execute", record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sample-rows", type=int, default=10_000)
    parser.add_argument("--pg", help="PostgreSQL URL to also benchmark a server database")
    args = parser.parse_args()

    import django

    django.setup()
    from metadata.profiler.metrics.registry import Metrics  # noqa: F401  (import once, untimed)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sales.sqlite3"
        started = time.perf_counter()
        build_sqlite(path, args.rows)
        print(f"SQLite table of {args.rows:,} rows built in {time.perf_counter() - started:.1f} s")
        engine = source_engine(ConnectionSpec(kind="sqlite", path=str(path)))
        measure("SQLite", engine, None, args.sample_rows)
        engine.dispose()
    if args.pg:
        started = time.perf_counter()
        with pg_schema(args.pg, args.rows) as schema:
            print(f"PostgreSQL table built in {time.perf_counter() - started:.1f} s")
            engine = source_engine(ConnectionSpec.from_url(args.pg))
            measure("PostgreSQL", engine, schema, args.sample_rows)
            engine.dispose()


if __name__ == "__main__":
    main()
