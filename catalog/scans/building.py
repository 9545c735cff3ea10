"""Helpers shared by the per-dialect introspections: a mutable table being assembled from several
set-based catalog queries, and batched exact row counts that survive a table dropped mid-scan."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from catalog.scans.snapshot import ColumnSnapshot, ForeignKeySnapshot, TableKind, TableSnapshot

EXACT_COUNT_MAX_BYTES = 8 * 1024 * 1024  # larger tables get the source's row estimate
COUNT_BATCH = 100  # tables counted by one UNION ALL query

TableKey = tuple[str, str]  # (schema, name)


@dataclass
class TableBuilder:
    """A table while its columns, keys and counts arrive from separate catalog queries."""

    schema: str
    name: str
    kind: TableKind
    comment: str = ""
    view_sql: str = ""
    row_count: int | None = None
    row_count_is_estimate: bool = False
    columns: list[ColumnSnapshot] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKeySnapshot] = field(default_factory=list)

    @property
    def key(self) -> TableKey:
        return (self.schema, self.name)

    @property
    def display_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def freeze(self) -> TableSnapshot:
        return TableSnapshot(
            schema=self.schema,
            name=self.name,
            kind=self.kind,
            columns=tuple(sorted(self.columns, key=lambda column: column.ordinal)),
            comment=self.comment,
            view_sql=self.view_sql,
            row_count=self.row_count,
            row_count_is_estimate=self.row_count_is_estimate,
            primary_key=self.primary_key,
            foreign_keys=tuple(self.foreign_keys),
        )


def quoted_name(connection: Connection | Engine, schema: str, name: str) -> str:
    quote = connection.dialect.identifier_preparer.quote_identifier
    return f"{quote(schema)}.{quote(name)}" if schema else quote(name)


def exact_counts(
    connection: Connection,
    tables: list[TableBuilder],
    *,
    use_savepoints: bool,
) -> tuple[set[TableKey], list[str]]:
    """Count rows of the tables, COUNT_BATCH per query; returns (tables gone, warnings)."""
    gone: set[TableKey] = set()
    warnings: list[str] = []
    for start in range(0, len(tables), COUNT_BATCH):
        batch = tables[start : start + COUNT_BATCH]
        statement = " UNION ALL ".join(
            f"SELECT {index}, COUNT(*) FROM {quoted_name(connection, t.schema, t.name)}"
            for index, t in enumerate(batch)
        )
        try:
            rows = _run(connection, statement, use_savepoints)
        except sa.exc.DBAPIError:
            _count_one_by_one(connection, batch, use_savepoints, gone, warnings)
            continue
        for index, count in rows:
            batch[index].row_count = int(count)
    return gone, warnings


def _count_one_by_one(
    connection: Connection,
    batch: Iterable[TableBuilder],
    use_savepoints: bool,
    gone: set[TableKey],
    warnings: list[str],
) -> None:
    for table in batch:
        statement = f"SELECT COUNT(*) FROM {quoted_name(connection, table.schema, table.name)}"
        try:
            table.row_count = int(_run(connection, statement, use_savepoints)[0][0])
        except sa.exc.DBAPIError as error:
            if is_missing_table(error):
                gone.add(table.key)
                warnings.append(f"{table.display_name} was dropped during the scan")
            else:
                warnings.append(f"Rows of {table.display_name} not counted: {first_line(error)}")


def _run(connection: Connection, statement: str, use_savepoints: bool) -> list[sa.engine.Row]:
    if not use_savepoints:
        return list(connection.exec_driver_sql(statement).fetchall())
    with connection.begin_nested():
        return list(connection.exec_driver_sql(statement).fetchall())


MISSING_TABLE_MARKERS = ("does not exist", "doesn't exist", "no such table", "(1146", "42p01")


def is_missing_table(error: BaseException) -> bool:
    original = getattr(error, "orig", None) or error
    text = f"{getattr(original, 'sqlstate', '')} {original}".lower()
    return any(marker in text for marker in MISSING_TABLE_MARKERS)


def first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


def frozen_tables(
    tables: Iterable[TableBuilder], keep: Callable[[TableBuilder], bool]
) -> tuple[TableSnapshot, ...]:
    return tuple(table.freeze() for table in tables if keep(table))
