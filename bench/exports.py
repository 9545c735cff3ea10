"""OpenMetadata export at scale: a source of N tables with C columns each, every table profiled
and curated, exported by `openmetadata_export_build` (what the worker and the command run).

It works in a throw-away SQLite database (a temporary WORKBENCH_VAR_DIR), loads the catalog with
bulk inserts, builds the export and reports the time, the queries and the size. Not a test: run it
by hand.

    .venv/bin/python bench/exports.py [--tables 2000] [--columns 20]

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--columns", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-exports-") as var_dir:
        os.environ["WORKBENCH_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args.tables, args.columns)


def run(tables: int, columns: int) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from catalog.services.exports import openmetadata_export_build

    source = load(tables, columns)
    started = time.perf_counter()
    openmetadata_export_build(source=source)  # first run imports openmetadata-ingestion
    first = time.perf_counter() - started
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        content = openmetadata_export_build(source=source)
        seconds = time.perf_counter() - started
    print(
        f"tables={tables} columns_per_table={columns} entities={content.count(chr(10))} "
        f"bytes={len(content.encode())} first_run_s={first:.2f} seconds={seconds:.2f} "
        f"queries={len(queries)}"
    )


def load(tables: int, columns: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from catalog.models import Asset, Column, ColumnProfile, DataSource, ScanRun, TableProfile

    source = DataSource.objects.create(name="Bench", kind="sqlite", path="/tmp/bench.sqlite3")
    run = ScanRun.objects.create(source=source, status="succeeded", finished_at=timezone.now())
    assets = Asset.objects.bulk_create(
        Asset(
            source=source,
            database_name="bench",
            schema_name=f"schema_{i % 10}",
            name=f"table_{i}",
            description=f"Table {i}, curated.",
            row_count=1000 + i,
            primary_key=["id"],
        )
        for i in range(tables)
    )
    Column.objects.bulk_create(
        Column(
            asset=asset,
            name="id" if c == 0 else f"column_{c}",
            ordinal=c + 1,
            data_type="integer" if c % 2 == 0 else "varchar(40)",
            is_nullable=c != 0,
            pii_kinds=["email"] if c == 3 else [],
        )
        for asset in assets
        for c in range(columns)
    )
    profiles = TableProfile.objects.bulk_create(
        TableProfile(
            run=run,
            asset=asset,
            row_count=asset.row_count,
            sample_size=1000,
            metrics={"row_count": asset.row_count, "sample_size": 1000, "duration_ms": 5},
        )
        for asset in assets
    )
    by_asset = {profile.asset_id: profile for profile in profiles}
    ColumnProfile.objects.bulk_create(
        ColumnProfile(
            table_profile=by_asset[column.asset_id],
            column=column,
            metrics={
                "name": column.name,
                "value_count": 990,
                "null_count": 10,
                "null_percent": 1.0,
                "distinct_count": 500,
                "min": 1,
                "max": 999,
                "mean": 500.0,
                "stddev": 288.0,
                "histogram": [{"lower": 1, "upper": 500, "count": 495}],
            },
        )
        for column in Column.objects.filter(asset__source=source).only("pk", "asset_id", "name")
    )
    return source


if __name__ == "__main__":
    main()
