"""Build the synthetic sample warehouse that Workbench scans (see workbench.demo.warehouse)."""

import sqlite3
from argparse import ArgumentParser
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from workbench.demo.warehouse import DEFAULT_SEED, redact_url, warehouse_build


class Command(BaseCommand):
    help = "(Re)build the deterministic synthetic sample warehouse in SQLite or PostgreSQL."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", help="Warehouse URL; defaults to settings.WAREHOUSE_URL.")
        parser.add_argument("--scale", type=float, default=1.0, help="Row count multiplier.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or getattr(settings, "WAREHOUSE_URL", "")
        if not url:
            raise CommandError("No warehouse URL: pass --url or set WAREHOUSE_URL.")
        scale, seed = options["scale"], options["seed"]
        self.stdout.write(f"Building warehouse at {redact_url(url)} (scale {scale}, seed {seed})")
        try:
            summary = warehouse_build(url=url, scale=scale, seed=seed, progress=self.table_loaded)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except (psycopg.Error, sqlite3.Error, OSError) as error:
            raise CommandError(
                f"Building the warehouse at {redact_url(url)} failed: {error}"
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {summary.table_count} tables with {summary.total_rows:,} rows "
                f"in {summary.elapsed_seconds:.1f}s"
            )
        )

    def table_loaded(self, table_name: str, row_count: int) -> None:
        self.stdout.write(f"  {table_name:<20} {row_count:>9,} rows")
