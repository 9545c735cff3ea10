"""Metadata scan of a large PostgreSQL database: set-based introspection against per-table
SQLAlchemy Inspector reflection of the same database, measured in the same run.

Builds its own database on the server in BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres; it creates and drops `bench_scan_<pid>`): 2,000
tables of 25 columns (primary keys, a foreign key each, comments, some rows), 50 views and one
1,000,000-row table for profiling. Each side runs in a child process, so that its peak memory is
its own. The last line holds the figures as key=value pairs.

    .venv/bin/python bench/scan.py [--tables 2000] [--columns 25] [--big-rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

TYPES = (
    "integer",
    "bigint",
    "text",
    "varchar(80)",
    "numeric(12,2)",
    "timestamp",
    "date",
    "boolean",
    "jsonb",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=2_000)
    parser.add_argument("--columns", type=int, default=25)
    parser.add_argument("--views", type=int, default=50)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["scan", "inspector"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.url)))
        return
    server_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    run(server_url, args)


def run(server_url: str, args: argparse.Namespace) -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"bench_scan_{os.getpid()}"
    database = sql.Identifier(name)
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        started = time.perf_counter()
        build(url, args)
        print(
            f"built {args.tables} tables x {args.columns} columns, {args.views} views and a "
            f"{args.big_rows:,}-row table in {time.perf_counter() - started:.1f} s"
        )
        scan = child("scan", url)
        print(
            f"set-based scan: {scan['seconds']:.2f} s, {scan['queries']} queries, "
            f"{scan['tables']} tables, {scan['columns']} columns, peak RSS {scan['rss_mb']:.0f} MB"
        )
        baseline = child("inspector", url)
        print(
            f"per-table Inspector: {baseline['seconds']:.2f} s, {baseline['queries']} queries, "
            f"{baseline['tables']} tables, {baseline['columns']} columns, "
            f"peak RSS {baseline['rss_mb']:.0f} MB"
        )
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            connection.execute(drop.format(database))
    speedup = baseline["seconds"] / scan["seconds"]
    print(
        f"tables={scan['tables']} columns={scan['columns']} scan_s={scan['seconds']:.2f} "
        f"scan_queries={scan['queries']} inspector_s={baseline['seconds']:.2f} "
        f"inspector_queries={baseline['queries']} speedup={speedup:.1f} "
        f"peak_rss_mb={scan['rss_mb']:.0f} inspector_peak_rss_mb={baseline['rss_mb']:.0f}"
    )


def build(url: str, args: argparse.Namespace) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA bench")
        for start in range(0, args.tables, 100):  # a transaction each: the lock table is finite
            batch = range(start, min(start + 100, args.tables))
            connection.execute("; ".join(table_ddl(n, args.columns) for n in batch))
        connection.execute("; ".join(view_ddl(n, args.tables) for n in range(args.views)))
        connection.execute(
            "CREATE TABLE bench.events AS SELECT g AS id, g %% 1000 AS customer_id, "
            "md5(g::text) AS token, now() - g * interval '1 second' AS happened_at, "
            "(g %% 97) * 1.5 AS amount FROM generate_series(1, %s) AS g",
            (args.big_rows,),
        )
        connection.execute("ALTER TABLE bench.events ADD PRIMARY KEY (id)")
        connection.execute("VACUUM ANALYZE bench.events")


def table_ddl(n: int, columns: int) -> str:
    parts = ["id integer PRIMARY KEY"]
    parts += [
        f"c{k} {TYPES[k % len(TYPES)]}{' NOT NULL DEFAULT 0' if k == 1 else ''}"
        for k in range(1, columns)
    ]
    if n:
        parts.append(f"parent_id integer REFERENCES bench.t{n // 2} (id)")
    ddl = f"CREATE TABLE bench.t{n} ({', '.join(parts)})"
    if n % 10 == 0:
        ddl += f"; COMMENT ON TABLE bench.t{n} IS 'Table number {n}'"
        ddl += f"; COMMENT ON COLUMN bench.t{n}.c2 IS 'Free text of table {n}'"
    if n % 4 == 0:
        ddl += f"; INSERT INTO bench.t{n} (id, c1) SELECT g, g FROM generate_series(1, 20) AS g"
    return ddl


def view_ddl(n: int, tables: int) -> str:
    left, right = n % tables, (n * 7 + 1) % tables
    return (
        f"CREATE VIEW bench.v{n} AS SELECT a.id, a.c1, b.c2 FROM bench.t{left} a "
        f"JOIN bench.t{right} b ON b.id = a.id WHERE a.c1 > {n}"
    )


def child(kind: str, url: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--url", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def counting(engine: object) -> list[int]:
    from sqlalchemy import event

    count = [0]

    def before(*_args: object) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    return count


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scan_child(url: str) -> dict[str, float]:
    from catalog.scans.connectors import ConnectionSpec, source_engine
    from catalog.scans.introspect import introspect

    engine = source_engine(ConnectionSpec.from_url(url))
    queries = counting(engine)
    started = time.perf_counter()
    snapshot = introspect(engine)
    seconds = time.perf_counter() - started
    assert not snapshot.warnings, snapshot.warnings
    return {
        "seconds": seconds,
        "queries": queries[0],
        "tables": len(snapshot.tables),
        "columns": sum(len(table.columns) for table in snapshot.tables),
        "rss_mb": peak_rss_mb(),
    }


def inspector_child(url: str) -> dict[str, float]:
    """What a scan looks like table by table through SQLAlchemy's Inspector (no row counts)."""
    import sqlalchemy as sa

    import catalog.scans.pg_psycopg  # noqa: F401  (postgresql+psycopg for SQLAlchemy 1.4)

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    queries = counting(engine)
    started = time.perf_counter()
    inspector = sa.inspect(engine)
    tables = columns = 0
    for schema in inspector.get_schema_names():
        if schema in ("information_schema", "pg_catalog") or schema.startswith("pg_"):
            continue
        views = inspector.get_view_names(schema=schema)
        for name in inspector.get_table_names(schema=schema) + views:
            columns += len(inspector.get_columns(name, schema=schema))
            inspector.get_pk_constraint(name, schema=schema)
            inspector.get_foreign_keys(name, schema=schema)
            inspector.get_table_comment(name, schema=schema)
            tables += 1
        for name in views:
            inspector.get_view_definition(name, schema=schema)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "queries": queries[0],
        "tables": tables,
        "columns": columns,
        "rss_mb": peak_rss_mb(),
    }


CHILDREN = {"scan": scan_child, "inspector": inspector_child}


if __name__ == "__main__":
    main()
