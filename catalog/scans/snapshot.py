"""What a metadata scan finds in a source, as plain values: the contract between the introspection
of a source (`catalog.scans.introspect`) and the catalog that stores it (`catalog.services`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TableKind = Literal["table", "view"]


@dataclass(frozen=True)
class ColumnSnapshot:
    name: str
    ordinal: int  # 1-based position in the table
    data_type: str  # as the source spells it, lower-case: "integer", "character varying(120)"
    is_nullable: bool
    default: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class ForeignKeySnapshot:
    name: str
    columns: tuple[str, ...]
    referred_schema: str
    referred_table: str
    referred_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableSnapshot:
    schema: str  # "" where the source has no schemas (SQLite's "main" is reported as "main")
    name: str
    kind: TableKind
    columns: tuple[ColumnSnapshot, ...]
    comment: str = ""
    view_sql: str = ""  # the view's defining SELECT, when kind == "view"
    row_count: int | None = None  # exact or estimated (see row_count_is_estimate)
    row_count_is_estimate: bool = False
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKeySnapshot, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@dataclass(frozen=True)
class SourceSnapshot:
    """Everything one metadata scan found, for the schemas it was asked to read."""

    database: str  # the database (or folder) name the source reports
    schemas: tuple[str, ...]
    tables: tuple[TableSnapshot, ...]
    warnings: tuple[str, ...] = field(default=())  # e.g. a table dropped while it was read
