"""A folder of CSV and Parquet files as a source: DuckDB with one view per file, named after it.

Each CSV is checked once, when the engine is made, with Python's csv module (so that a malformed
file is reported by name and line); DuckDB then reads the files in place, so that profiling and
quality checks can push their SQL down to it like to any other database.
"""

from __future__ import annotations

import csv
import functools
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from catalog.scans.connectors import (
    SourceConfigError,
    SourceFileError,
    SourceNotFound,
    SourceUnreachable,
)
from catalog.scans.snapshot import ColumnSnapshot, SourceSnapshot, TableSnapshot

FileFormat = Literal["csv", "parquet"]
FILE_FORMATS: dict[str, FileFormat] = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet"}
CSV_CHECK_MAX_ROWS = 200_000  # beyond this the rest of a CSV is left to DuckDB, count estimated
SNIFF_BYTES = 64 * 1024
DUCKDB_MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class SourceFile:
    """One readable file of the folder and the view that exposes it."""

    table: str
    path: Path
    format: FileFormat
    reader_sql: str  # read_csv(...) or read_parquet(...)
    row_count: int
    row_count_is_estimate: bool


@dataclass(frozen=True)
class FolderContents:
    folder: Path
    files: tuple[SourceFile, ...]
    problems: tuple[str, ...]  # files that cannot be read, one sentence each


_FOLDERS: weakref.WeakKeyDictionary[Engine, FolderContents] = weakref.WeakKeyDictionary()


def folder_read(path: str) -> FolderContents:
    """Check every CSV/Parquet file in the folder (not its sub-folders)."""
    folder = Path(path)
    if not folder.exists():
        raise SourceNotFound(f"Folder {path} does not exist.")
    if not folder.is_dir():
        raise SourceConfigError(f"{path} is not a folder.")
    try:
        entries = sorted(p for p in folder.iterdir() if p.suffix.lower() in FILE_FORMATS)
    except PermissionError:
        raise SourceUnreachable(f"Folder {path} cannot be read (permission denied).") from None
    files: list[SourceFile] = []
    problems: list[str] = []
    for entry, table in zip(entries, _table_names(entries), strict=True):
        try:
            stat = entry.stat()
            files.append(_checked_file(entry, table, stat.st_size, stat.st_mtime_ns))
        except SourceFileError as error:
            problems.append(str(error))
        except OSError as error:
            problems.append(f"{entry.name} cannot be read ({error.strerror or 'I/O error'})")
    return FolderContents(folder, tuple(files), tuple(problems))


def _table_names(entries: list[Path]) -> list[str]:
    """The file's stem, or its whole name when two files share one (orders.csv, orders.parquet)."""
    stems = [entry.stem for entry in entries]
    return [entry.stem if stems.count(entry.stem) == 1 else entry.name for entry in entries]


@functools.lru_cache(maxsize=1024)
def _checked_file(path: Path, table: str, size: int, mtime_ns: int) -> SourceFile:
    """Each file is read through once per version (size and modification time), not per engine."""
    return _source_file(path, table)


def _source_file(path: Path, table: str) -> SourceFile:
    if not path.is_file():
        raise SourceFileError(f"{path.name} is not a regular file")
    literal = sql_string(str(path.resolve()))
    if FILE_FORMATS[path.suffix.lower()] == "parquet":
        rows = parquet_row_count(path)
        return SourceFile(table, path, "parquet", f"read_parquet({literal})", rows, False)
    delimiter, rows, is_estimate = csv_check(path)
    reader = f"read_csv({literal}, delim={sql_string(delimiter)}, header=true, quote='\"')"
    return SourceFile(table, path, "csv", reader, rows, is_estimate)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def parquet_row_count(path: Path) -> int:
    import pyarrow
    import pyarrow.parquet

    try:
        return int(pyarrow.parquet.read_metadata(path).num_rows)
    except (pyarrow.ArrowException, OSError):
        raise SourceFileError(f"{path.name} is not a valid Parquet file") from None


def csv_check(path: Path) -> tuple[str, int, bool]:
    """(delimiter, row count, whether the count is an estimate); SourceFileError names the line."""
    size = path.stat().st_size
    if size == 0:
        raise SourceFileError(f"{path.name} is empty")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            head = handle.read(SNIFF_BYTES)
        except UnicodeDecodeError:
            raise SourceFileError(f"{path.name} is not UTF-8 text") from None
        delimiter = _sniff_delimiter(head, path.suffix.lower())
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            rows = _count_records(path, reader)
        except csv.Error as error:
            raise SourceFileError(f"{path.name} line {reader.line_num}: {error}") from None
        except UnicodeDecodeError:
            raise SourceFileError(
                f"{path.name} is not UTF-8 text (after line {reader.line_num})"
            ) from None
    if rows is None:
        return delimiter, _estimated_rows(size, head), True
    return delimiter, rows, False


def _count_records(path: Path, reader: Any) -> int | None:
    header = next(reader, None)
    if not header:
        raise SourceFileError(f"{path.name} line 1: no header row")
    rows = 0
    for record in reader:
        if not record:
            continue  # a blank line
        if len(record) != len(header):
            raise SourceFileError(
                f"{path.name} line {reader.line_num}: expected {len(header)} fields, "
                f"found {len(record)}"
            )
        rows += 1
        if rows >= CSV_CHECK_MAX_ROWS:
            return None
    return rows


def _sniff_delimiter(head: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    sample = head[: head.rfind("\n") + 1] or head
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _estimated_rows(size: int, head: str) -> int:
    head_bytes = len(head.encode())
    head_rows = max(head.count("\n") - 1, 1)
    return int(size * head_rows / head_bytes)


# --- Engine ---


def files_engine(path: str) -> Engine:
    """An in-memory DuckDB engine whose connections see one view per readable file."""
    contents = folder_read(path)
    engine = sa.create_engine("duckdb:///:memory:")
    event.listen(engine, "connect", _views_creator(contents))
    _FOLDERS[engine] = contents
    return engine


def _views_creator(contents: FolderContents) -> Any:
    folder = str(contents.folder.resolve()).rstrip("/") + "/"

    def create_views(dbapi_connection: Any, record: Any) -> None:
        vanished: list[str] = []
        for source_file in contents.files:
            name = quote_identifier(source_file.table)
            statement = f"CREATE VIEW {name} AS SELECT * FROM {source_file.reader_sql}"
            try:
                dbapi_connection.execute(statement)
            except Exception:  # noqa: BLE001  (duckdb raises many error classes)
                vanished.append(f"{source_file.path.name} disappeared or changed during the scan")
        # The connection may read only this folder from now on, and cannot change that.
        dbapi_connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        dbapi_connection.execute(f"SET allowed_directories = [{sql_string(folder)}]")
        dbapi_connection.execute("SET enable_external_access = false")
        dbapi_connection.execute("SET lock_configuration = true")
        record.info["vanished_files"] = vanished

    return create_views


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def folder_contents(engine: Engine) -> FolderContents:
    try:
        return _FOLDERS[engine]
    except KeyError:
        raise SourceConfigError("This engine was not made by files_engine().") from None


def folder_summary(engine: Engine) -> tuple[str, str]:
    """(version, message) for the test-connection action; SourceFileError if a file is broken."""
    import duckdb

    contents = folder_contents(engine)
    if contents.problems:
        raise SourceFileError("; ".join(contents.problems))
    with engine.connect():
        pass  # creating the views reads every file's header once more
    version = f"DuckDB {duckdb.__version__}"
    if not contents.files:
        return version, f"Folder {contents.folder} has no CSV or Parquet files."
    count = len(contents.files)
    return version, f"Folder {contents.folder}: {count} file{'s' * (count != 1)} readable."


# --- Introspection ---

COLUMNS_SQL = """
SELECT table_name, column_name, ordinal_position, lower(data_type)
FROM information_schema.columns
WHERE table_schema = 'main'
ORDER BY table_name, ordinal_position
"""


def files_introspect(connection: sa.engine.Connection, engine: Engine) -> SourceSnapshot:
    """One view per readable file; the folder's broken files become warnings."""
    contents = folder_contents(engine)
    columns: dict[str, list[ColumnSnapshot]] = {}
    for table, name, position, data_type in connection.exec_driver_sql(COLUMNS_SQL):
        columns.setdefault(table, []).append(ColumnSnapshot(name, int(position), data_type, True))
    vanished = connection.connection.info.get("vanished_files", [])
    tables = tuple(
        TableSnapshot(
            schema="",
            name=source_file.table,
            kind="table",
            columns=tuple(columns[source_file.table]),
            row_count=source_file.row_count,
            row_count_is_estimate=source_file.row_count_is_estimate,
        )
        for source_file in contents.files
        if source_file.table in columns
    )
    return SourceSnapshot(
        database=contents.folder.name,
        schemas=(),
        tables=tables,
        warnings=(*contents.problems, *vanished),
    )
