"""Benchmark the PII classifier against the sample warehouse's ground-truth PII tags.

Builds the warehouse into a temporary SQLite file, samples every table's rows with plain SQL (an
evenly spaced, deterministic sample), classifies every column and scores the top suggestion per
column against `Column.pii`: column-level precision and recall, and columns per second. A second
pass renames every column to col1..colN so that only the values can speak.

Usage: .venv/bin/python bench/classify.py [--scale 1.0] [--sample-rows 1000] [--verbose]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.scans.classify import PiiSuggestion, classify_column  # noqa: E402
from workbench.demo.warehouse import WAREHOUSE_TABLES, Table, warehouse_build  # noqa: E402


@dataclass(frozen=True)
class ColumnSample:
    table: str
    name: str
    data_type: str
    truth: str | None
    values: list[object]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    columns: int = 0
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def columns_per_second(self) -> float:
        return self.columns / self.seconds if self.seconds else 0.0


def sample_table(connection: sqlite3.Connection, table: Table, rows: int) -> list[ColumnSample]:
    (count,) = connection.execute(f"SELECT COUNT(*) FROM {table.name}").fetchone()
    step = max(1, count // rows)
    sampled = connection.execute(
        f"SELECT * FROM {table.name} WHERE rowid % ? = 0 LIMIT ?", (step, rows)
    ).fetchall()
    return [
        ColumnSample(table.name, column.name, column.sql_type, column.pii, [r[i] for r in sampled])
        for i, column in enumerate(table.columns)
    ]


def warehouse_samples(scale: float, rows: int) -> list[ColumnSample]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "warehouse.sqlite3"
        warehouse_build(url=f"sqlite:///{path}", scale=scale)
        with closing(sqlite3.connect(path)) as connection:
            return [c for table in WAREHOUSE_TABLES for c in sample_table(connection, table, rows)]


Namer = Callable[[ColumnSample, int], str]


def score(samples: list[ColumnSample], namer: Namer, verbose: bool) -> tuple[Score, list[str]]:
    result, mistakes = Score(), []
    for index, (column, top) in enumerate(classified(samples, namer, result)):
        predicted = top.kind if top else None
        if predicted == column.truth and predicted is not None:
            result.true_positives += 1
        else:
            result.false_positives += predicted is not None
            result.false_negatives += column.truth is not None
        if predicted != column.truth or verbose:
            mark = "ok " if predicted == column.truth else "BAD"
            detail = f"{top.confidence:.2f} {top.method}: {top.evidence}" if top else ""
            mistakes.append(
                f"  {mark} {column.table}.{column.name} [{namer(column, index)}] "
                f"truth={column.truth} predicted={predicted} {detail}"
            )
    return result, mistakes


def classified(
    samples: list[ColumnSample], namer: Namer, result: Score
) -> Iterator[tuple[ColumnSample, PiiSuggestion | None]]:
    for index, column in enumerate(samples):
        started = time.perf_counter()
        suggestions = classify_column(
            namer(column, index), column.data_type, column.values, table=column.table
        )
        result.seconds += time.perf_counter() - started
        result.columns += 1
        yield column, suggestions[0] if suggestions else None


def real_name(column: ColumnSample, index: int) -> str:
    return column.name


def meaningless_name(column: ColumnSample, index: int) -> str:
    return f"col{index + 1}"


def report(label: str, result: Score, mistakes: list[str]) -> None:
    print(
        f"{label}: {result.columns} columns, TP={result.true_positives} "
        f"FP={result.false_positives} FN={result.false_negatives}, "
        f"precision={result.precision:.3f} recall={result.recall:.3f}, "
        f"{result.columns_per_second:,.0f} columns/s"
    )
    for line in mistakes:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--sample-rows", type=int, default=1000)
    parser.add_argument(
        "--verbose", action="store_true", help="List every column, not only misses."
    )
    options = parser.parse_args()

    started = time.perf_counter()
    samples = warehouse_samples(options.scale, options.sample_rows)
    pii_columns = sum(column.truth is not None for column in samples)
    print(
        f"Warehouse at scale {options.scale}: {len(samples)} columns ({pii_columns} with PII), "
        f"up to {options.sample_rows} sampled rows per table, built and sampled in "
        f"{time.perf_counter() - started:.1f}s"
    )
    classify_column("warm_up", "text", ["Ann Smith"])  # loads the name lexicons once
    named, named_mistakes = score(samples, real_name, options.verbose)
    report("names and values", named, named_mistakes)
    unnamed, unnamed_mistakes = score(samples, meaningless_name, options.verbose)
    report("values only (columns renamed col1..colN)", unnamed, unnamed_mistakes)
    print(
        f"columns={named.columns} pii_columns={pii_columns} sample_rows={options.sample_rows} "
        f"precision={named.precision:.3f} recall={named.recall:.3f} "
        f"columns_per_second={named.columns_per_second:.0f} "
        f"values_only_precision={unnamed.precision:.3f} values_only_recall={unnamed.recall:.3f}"
    )


if __name__ == "__main__":
    main()
