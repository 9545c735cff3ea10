"""MySQL / MariaDB metadata from information_schema in four queries for all schemas asked for.

information_schema is not transactional there, so a table dropped between two queries shows up
as a table without columns, or as a failed count: either way a warning, never a crash.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from catalog.scans.building import EXACT_COUNT_MAX_BYTES, TableBuilder, TableKey, exact_counts
from catalog.scans.snapshot import ColumnSnapshot, ForeignKeySnapshot, SourceSnapshot

SCHEMAS_SQL = "SELECT schema_name FROM information_schema.schemata ORDER BY schema_name"

TABLES_SQL = """
SELECT table_schema, table_name, table_type, table_comment, table_rows, data_length, engine
FROM information_schema.tables
WHERE table_schema IN %(schemas)s
  AND table_type IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')
"""

COLUMNS_SQL = """
SELECT table_schema, table_name, column_name, ordinal_position, column_type, is_nullable,
       column_default, column_comment
FROM information_schema.columns
WHERE table_schema IN %(schemas)s
"""

KEYS_SQL = """
SELECT table_schema, table_name, constraint_name, column_name,
       referenced_table_schema, referenced_table_name, referenced_column_name
FROM information_schema.key_column_usage
WHERE table_schema IN %(schemas)s
  AND (constraint_name = 'PRIMARY' OR referenced_table_name IS NOT NULL)
ORDER BY table_schema, table_name, constraint_name, ordinal_position
"""

VIEWS_SQL = """
SELECT table_schema, table_name, view_definition
FROM information_schema.views WHERE table_schema IN %(schemas)s
"""

# Engines whose information_schema.tables.table_rows is exact rather than an estimate.
EXACT_ROW_ENGINES = frozenset({"myisam", "aria", "memory"})


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def mysql_schemas(connection: Connection) -> list[str]:
    return [_text(row[0]) for row in connection.exec_driver_sql(SCHEMAS_SQL)]


class _Scan:
    def __init__(self, connection: Connection, schemas: list[str]) -> None:
        self.connection = connection
        self.params = {"schemas": tuple(schemas)}
        self.is_mariadb = bool(getattr(connection.dialect, "_is_mariadb", False))
        self.tables: dict[TableKey, TableBuilder] = {}
        self.to_count: list[TableBuilder] = []
        self.warnings: list[str] = []

    def query(self, statement: str) -> list[Any]:
        return list(self.connection.exec_driver_sql(statement, self.params).fetchall())

    def read_tables(self) -> None:
        for schema, name, table_type, comment, rows, size, engine in self.query(TABLES_SQL):
            is_view = table_type == "VIEW"
            table = TableBuilder(
                _text(schema),
                _text(name),
                "view" if is_view else "table",
                comment="" if is_view else _text(comment),
            )
            self.tables[table.key] = table
            if is_view:
                continue
            if _text(engine).lower() in EXACT_ROW_ENGINES:
                table.row_count = int(rows or 0)
            elif (size or 0) <= EXACT_COUNT_MAX_BYTES:
                self.to_count.append(table)
            else:
                table.row_count, table.row_count_is_estimate = int(rows or 0), True

    def read_columns(self) -> None:
        for schema, table, name, number, column_type, nullable, default, comment in self.query(
            COLUMNS_SQL
        ):
            builder = self.tables.get((_text(schema), _text(table)))
            if builder is not None:
                builder.columns.append(
                    ColumnSnapshot(
                        _text(name),
                        int(number),
                        _text(column_type).lower(),
                        _text(nullable) == "YES",
                        self._default(default),
                        _text(comment),
                    )
                )

    def _default(self, value: Any) -> str | None:
        # MariaDB spells "no default" as the string NULL (and quotes literal defaults).
        if value is None or (self.is_mariadb and _text(value) == "NULL"):
            return None
        return _text(value)

    def read_keys(self) -> None:
        foreign: dict[tuple[TableKey, str], list[Any]] = {}
        primary: dict[TableKey, list[str]] = {}
        for schema, table, constraint, column, ref_schema, ref_table, ref_column in self.query(
            KEYS_SQL
        ):
            key = (_text(schema), _text(table))
            if _text(constraint) == "PRIMARY":
                primary.setdefault(key, []).append(_text(column))
            else:
                entry = foreign.setdefault(
                    (key, _text(constraint)), [_text(ref_schema), _text(ref_table), [], []]
                )
                entry[2].append(_text(column))
                entry[3].append(_text(ref_column))
        for key, columns in primary.items():
            if key in self.tables:
                self.tables[key].primary_key = tuple(columns)
        for (key, name), (ref_schema, ref_table, columns, ref_columns) in foreign.items():
            if key in self.tables:
                self.tables[key].foreign_keys.append(
                    ForeignKeySnapshot(
                        name, tuple(columns), ref_schema, ref_table, tuple(ref_columns)
                    )
                )

    def read_views(self) -> None:
        for schema, name, definition in self.query(VIEWS_SQL):
            builder = self.tables.get((_text(schema), _text(name)))
            if builder is not None:
                builder.view_sql = _text(definition).strip()

    def drop_vanished(self) -> None:
        # A MySQL table always has a column: none means it was dropped after the table list.
        for key, table in list(self.tables.items()):
            if not table.columns:
                self.warnings.append(f"{table.display_name} was dropped during the scan")
                del self.tables[key]

    def count_rows(self) -> None:
        wanted = [table for table in self.to_count if table.key in self.tables]
        gone, warnings = exact_counts(self.connection, wanted, use_savepoints=False)
        self.warnings.extend(warnings)
        for key in gone:
            self.tables.pop(key, None)


def mysql_introspect(connection: Connection, schemas: list[str], database: str) -> SourceSnapshot:
    scan = _Scan(connection, schemas)
    if schemas:
        scan.read_tables()
        scan.read_columns()
        scan.read_keys()
        scan.read_views()
        scan.drop_vanished()
        scan.count_rows()
    tables = sorted(scan.tables.values(), key=lambda table: table.key)
    return SourceSnapshot(
        database=database,
        schemas=tuple(schemas),
        tables=tuple(table.freeze() for table in tables),
        warnings=tuple(scan.warnings),
    )
