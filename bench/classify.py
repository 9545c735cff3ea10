"""Benchmark the PII classifier against the sample warehouse's ground-truth PII tags.

Builds the warehouse into a temporary SQLite file, samples every table's rows with plain SQL (an
evenly spaced, deterministic sample) and every view's first rows, classifies every column and
scores the top suggestion per column against the ground truth (`Column.pii` for tables, VIEW_PII
below for views): column-level precision and recall, and columns per second. A second pass renames
every column to col1..colN so that only the values can speak.

A column counts as a true positive when its top suggestion is its true kind; a suggestion on a
column without PII, or of the wrong kind, is a false positive; a PII column without the right top
suggestion is a false negative.

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
from workbench.demo.warehouse import (  # noqa: E402
    WAREHOUSE_TABLES,
    WAREHOUSE_VIEWS,
    warehouse_build,
)

# Ground truth for the views' columns, read off their SQL: a view column carries the PII of the
# table column it selects (name concatenations are person names); aggregates carry none.
VIEW_PII: dict[str, dict[str, str]] = {
    "v_customer_orders": {
        "first_name": "person_name",
        "last_name": "person_name",
        "email": "email",
    },
    "v_monthly_revenue": {},
    "v_open_tickets": {
        "customer_name": "person_name",
        "customer_email": "email",
        "assigned_to": "person_name",
    },
}


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


def relation_columns(connection: sqlite3.Connection, relation: str) -> list[tuple[str, str]]:
    """(name, declared type) as SQLite reports them; expression columns of views have no type."""
    return [(row[1], row[2]) for row in connection.execute(f"PRAGMA table_info({relation})")]


def sample_relation(
    connection: sqlite3.Connection, relation: str, truth: dict[str, str | None], rows: int
) -> list[ColumnSample]:
    """Evenly spaced rows of a table (by rowid), the first rows of a view."""
    if relation in VIEW_PII:
        statement, parameters = f"SELECT * FROM {relation} LIMIT ?", (rows,)
    else:
        (count,) = connection.execute(f"SELECT COUNT(*) FROM {relation}").fetchone()
        statement = f"SELECT * FROM {relation} WHERE rowid % ? = 0 LIMIT ?"
        parameters = (max(1, count // rows), rows)
    sampled = connection.execute(statement, parameters).fetchall()
    return [
        ColumnSample(relation, name, data_type, truth.get(name), [row[i] for row in sampled])
        for i, (name, data_type) in enumerate(relation_columns(connection, relation))
    ]


def ground_truth() -> dict[str, dict[str, str | None]]:
    truth: dict[str, dict[str, str | None]] = {
        table.name: {column.name: column.pii for column in table.columns}
        for table in WAREHOUSE_TABLES
    }
    truth.update({view.name: dict(VIEW_PII[view.name]) for view in WAREHOUSE_VIEWS})
    return truth


def warehouse_samples(scale: float, rows: int) -> list[ColumnSample]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "warehouse.sqlite3"
        warehouse_build(url=f"sqlite:///{path}", scale=scale)
        with closing(sqlite3.connect(path)) as connection:
            return [
                column
                for relation, truth in ground_truth().items()
                for column in sample_relation(connection, relation, truth, rows)
            ]


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


def best_columns_per_second(samples: list[ColumnSample], repeats: int) -> float:
    """Classification throughput, best of several passes (the machine may be busy)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for column in samples:
            classify_column(column.name, column.data_type, column.values, table=column.table)
        best = min(best, time.perf_counter() - started)
    return len(samples) / best


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
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best counts")
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
    throughput = best_columns_per_second(samples, options.repeat)
    values = sum(len(column.values) for column in samples)
    print(
        f"columns={named.columns} pii_columns={pii_columns} sample_rows={options.sample_rows} "
        f"precision={named.precision:.3f} recall={named.recall:.3f} "
        f"columns_per_second={throughput:.0f} "
        f"values_per_second={throughput * values / len(samples):.0f} "
        f"values_only_precision={unnamed.precision:.3f} values_only_recall={unnamed.recall:.3f}"
    )


if __name__ == "__main__":
    main()
