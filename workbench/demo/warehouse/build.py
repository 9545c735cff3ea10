"""Build entry point: generate every table and write it to the target in load order."""

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from workbench.demo.warehouse.generators import ROW_GENERATORS
from workbench.demo.warehouse.sample import Sample
from workbench.demo.warehouse.schema import WAREHOUSE_TABLES
from workbench.demo.warehouse.targets import (
    WarehouseTarget,
    check_schema_name,
    parse_warehouse_url,
    redact_url,
)
from workbench.demo.warehouse.writers import Writer, postgres_writer, sqlite_writer

DEFAULT_SEED = 20261122
DEFAULT_SCHEMA = "warehouse"

ProgressCallback = Callable[[str, int], None]


@dataclass(frozen=True)
class WarehouseSummary:
    engine: str
    location: str  # with any password masked
    row_counts: Mapping[str, int]
    elapsed_seconds: float

    @property
    def table_count(self) -> int:
        return len(self.row_counts)

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())

    @property
    def largest_table(self) -> str:
        return max(self.row_counts, key=lambda name: self.row_counts[name])


def warehouse_build(
    *,
    url: str,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    progress: ProgressCallback | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> WarehouseSummary:
    """(Re)build the sample warehouse at url; schema only applies to PostgreSQL."""
    target = parse_warehouse_url(url)
    check_schema_name(schema)
    if not scale > 0:
        raise ValueError(f"Scale must be a positive number, got {scale!r}.")
    started = time.perf_counter()
    with open_writer(target, schema) as writer:
        row_counts = write_tables(writer, Sample(seed, scale), progress)
        writer.finish()
    elapsed = time.perf_counter() - started
    return WarehouseSummary(target.engine, redact_url(url), row_counts, elapsed)


@contextmanager
def open_writer(target: WarehouseTarget, schema: str) -> Iterator[Writer]:
    if target.engine == "sqlite":
        with sqlite_writer(Path(target.location)) as sqlite:
            yield sqlite
    else:
        with postgres_writer(target.location, schema) as postgres:
            yield postgres


def write_tables(
    writer: Writer, sample: Sample, progress: ProgressCallback | None
) -> dict[str, int]:
    row_counts: dict[str, int] = {}
    for table in WAREHOUSE_TABLES:
        rows = ROW_GENERATORS[table.name](sample)
        writer.write_table(table, rows)
        row_counts[table.name] = len(rows)
        if progress is not None:
            progress(table.name, len(rows))
    return row_counts
