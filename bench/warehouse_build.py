"""Benchmark the sample warehouse build at scale 1.0 on SQLite (temp file) and PostgreSQL.

Usage: .venv/bin/python bench/warehouse_build.py [--pg URL] [--scale 1.0]
"""

import argparse
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.demo.warehouse import WarehouseSummary, redact_url, warehouse_build  # noqa: E402

BENCH_SCHEMA = "warehouse_bench"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def report(label: str, summary: WarehouseSummary) -> None:
    largest = summary.largest_table
    print(
        f"{label:<11} {summary.elapsed_seconds:6.2f}s  {summary.total_rows:>9,} rows  "
        f"{summary.total_rows / summary.elapsed_seconds:>9,.0f} rows/s  "
        f"largest: {largest} ({summary.row_counts[largest]:,} rows)"
    )


def bench_sqlite(scale: float) -> WarehouseSummary:
    with tempfile.TemporaryDirectory() as directory:
        return warehouse_build(url=f"sqlite:///{directory}/warehouse.sqlite3", scale=scale)


def bench_postgres(url: str, scale: float) -> WarehouseSummary:
    try:
        return warehouse_build(url=url, scale=scale, schema=BENCH_SCHEMA)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            schema = sql.Identifier(BENCH_SCHEMA)
            connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(schema))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=DEFAULT_PG_URL, help="PostgreSQL URL to build into.")
    parser.add_argument("--scale", type=float, default=1.0)
    options = parser.parse_args()

    sqlite_summary = bench_sqlite(options.scale)
    print(f"Rows per table at scale {options.scale}:")
    for table_name, row_count in sqlite_summary.row_counts.items():
        print(f"  {table_name:<20} {row_count:>9,}")
    report("sqlite", sqlite_summary)
    print(f"(PostgreSQL: {redact_url(options.pg)}, schema {BENCH_SCHEMA})")
    report("postgresql", bench_postgres(options.pg, options.scale))


if __name__ == "__main__":
    main()
