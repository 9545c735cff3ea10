"""Connecting to real sources: clear, credential-free answers, timeouts, read-only engines."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from catalog.scans.connectors import (
    ConnectionSpec,
    SourceAuthError,
    SourceConfigError,
    SourceError,
    SourceFileError,
    SourceNotFound,
    SourceUnreachable,
    connection_test,
    redact,
    source_engine,
    source_error,
)
from catalog.scans.introspect import introspect
from tests.catalog.scans.conftest import RunSql

SECRET = "S3cr3t p@ss:/word&x=1"


# --- Redaction ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://ann:hunter2@db:5432/x", "postgresql://ann:***@db:5432/x"),
        ("mysql+pymysql://root:p%40ss@h/db failed", "mysql+pymysql://root:***@h/db failed"),
        ("host=db password=hunter2 user=ann", "host=db password=*** user=ann"),
        ("PASSWORD: 'two words'", "PASSWORD: ***"),
        ("nothing secret here", "nothing secret here"),
    ],
    ids=["url", "url-with-driver", "key-value", "quoted-value", "untouched"],
)
def test_redact_hides_passwords_in_urls_and_pairs(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_redact_hides_given_secrets_also_url_encoded() -> None:
    encoded = "S3cr3t%20p%40ss%3A%2Fword%26x%3D1"
    text = redact(f"failed with {SECRET} or {encoded}", SECRET)
    assert SECRET not in text
    assert encoded not in text
    assert text == "failed with *** or ***"


def test_spec_repr_and_description_leave_the_password_out() -> None:
    spec = ConnectionSpec(kind="postgresql", host="db", username="ann", password=SECRET)
    assert SECRET not in repr(spec)
    assert SECRET not in spec.describe()
    assert spec.describe() == "postgresql://ann@db:5432/"
    assert ConnectionSpec.from_url("postgres://ann:pw@db:6543/sales?sslmode=require") == (
        ConnectionSpec(
            kind="postgresql",
            host="db",
            port=6543,
            database="sales",
            username="ann",
            password="pw",
            options={"sslmode": "require"},
        )
    )


def test_driver_text_with_a_password_is_redacted_in_the_error() -> None:
    spec = ConnectionSpec(kind="mysql", host="db", username="ann", password=SECRET)
    error = source_error(spec, OSError(f"weird failure near '{SECRET}'"))
    assert SECRET not in str(error)
    assert str(error) == "Could not read mysql://ann@db:3306/: weird failure near '***'"


# --- Bad specs ---


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ConnectionSpec(kind="postgresql", username="ann"), "A host name is required."),
        (ConnectionSpec(kind="mysql", host="db", username="a", port=70000), "not a valid TCP"),
        (ConnectionSpec(kind="postgresql", host="db"), "A user name is required."),
        (
            ConnectionSpec(kind="postgresql", host="db", username="a", options={"sslmod": "x"}),
            "Unknown option 'sslmod' for postgresql (allowed: ",
        ),
        (ConnectionSpec(kind="files"), "The path of the folder is required."),
        (ConnectionSpec(kind="oracle"), "Unknown source kind 'oracle'"),  # type: ignore[arg-type]
    ],
    ids=["no-host", "bad-port", "no-user", "unknown-option", "no-folder", "unknown-kind"],
)
def test_bad_specs_are_refused_with_a_clear_message(spec: ConnectionSpec, message: str) -> None:
    with pytest.raises(SourceConfigError) as raised:
        source_engine(spec)
    assert message in str(raised.value)
    result = connection_test(spec)
    assert not result.ok
    assert message in result.message


# --- Unreachable, refused, missing ---


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_closed_port_is_reported_as_connection_refused(kind: str, closed_port: int) -> None:
    spec = ConnectionSpec(kind=kind, host="127.0.0.1", port=closed_port, username="ann")  # type: ignore[arg-type]
    result = connection_test(spec)
    assert (result.ok, result.message) == (
        False,
        f"Could not reach 127.0.0.1:{closed_port} (connection refused)",
    )


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_silent_server_times_out(kind: str, silent_port: int) -> None:
    spec = ConnectionSpec(
        kind=kind,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=silent_port,
        username="ann",
        password=SECRET,
        connect_timeout=2,
    )
    result = connection_test(spec)
    assert result.message == f"Could not reach 127.0.0.1:{silent_port} (no answer in time)"
    assert 1_000 <= result.elapsed_ms < 8_000


def test_unknown_host_name() -> None:
    spec = ConnectionSpec(kind="postgresql", host="no-such-host.invalid", username="ann")
    result = connection_test(spec)
    assert result.message == "Could not reach no-such-host.invalid:5432 (unknown host name)"
    with pytest.raises(SourceUnreachable):
        introspect(spec)


def test_postgresql_connects_and_reports_its_version(pg_spec: ConnectionSpec) -> None:
    result = connection_test(pg_spec)
    assert result.ok, result.message
    assert result.server_version.startswith("PostgreSQL 1")
    assert result.message == f"Connected to {pg_spec.describe()} ({result.server_version})."


def test_postgresql_unknown_user_and_database(pg_spec: ConnectionSpec) -> None:
    nobody = ConnectionSpec(**{**pg_spec.__dict__, "username": "nobody_here", "password": SECRET})
    result = connection_test(nobody)
    assert result.message == "The server refused user 'nobody_here': wrong password or no access"
    with pytest.raises(SourceAuthError):
        introspect(nobody)
    missing = ConnectionSpec(**{**pg_spec.__dict__, "database": "no_such_db_here"})
    result = connection_test(missing)
    assert result.message == (
        f"Database 'no_such_db_here' does not exist on {pg_spec.host}:{pg_spec.effective_port}"
    )


def test_mysql_connects_and_reports_its_version(mysql_spec: ConnectionSpec) -> None:
    result = connection_test(mysql_spec)
    assert result.ok, result.message
    assert result.server_version.split()[0] in ("MariaDB", "MySQL")


@pytest.fixture
def mysql_user(mysql_spec: ConnectionSpec, mysql_admin_run: RunSql) -> str:
    name = f"wbscan_{uuid.uuid4().hex[:8]}"
    mysql_admin_run(f"CREATE USER '{name}'@'%%' IDENTIFIED BY %s", (SECRET,))
    mysql_admin_run(f"CREATE USER '{name}'@'localhost' IDENTIFIED BY %s", (SECRET,))
    yield name
    mysql_admin_run(f"DROP USER IF EXISTS '{name}'@'%'")
    mysql_admin_run(f"DROP USER IF EXISTS '{name}'@'localhost'")


def test_mysql_wrong_password_never_shows_the_password(
    mysql_spec: ConnectionSpec, mysql_user: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = ConnectionSpec(
        **{**mysql_spec.__dict__, "username": mysql_user, "password": SECRET + "-wrong"}
    )
    result = connection_test(wrong)
    assert result.message == f"The server refused user '{mysql_user}': wrong password or no access"
    with pytest.raises(SourceAuthError) as raised:
        introspect(wrong)
    assert SECRET not in str(raised.value)
    assert raised.value.__cause__ is None
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    # the right password, but no access to the database
    no_access = ConnectionSpec(**{**wrong.__dict__, "password": SECRET})
    assert connection_test(no_access).message == (
        f"User '{mysql_user}' may not open database '{mysql_spec.database}'"
    )


def test_mysql_unknown_database(mysql_spec: ConnectionSpec) -> None:
    missing = ConnectionSpec(**{**mysql_spec.__dict__, "database": "no_such_db_here"})
    with pytest.raises(SourceNotFound, match="Database 'no_such_db_here' does not exist on"):
        introspect(missing)


# --- Read-only engines ---


def test_postgresql_engine_is_read_only(pg_spec: ConnectionSpec, pg_run: RunSql) -> None:
    pg_run("CREATE TABLE IF NOT EXISTS guarded (id INTEGER)")
    engine = source_engine(pg_spec)
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="read-only"):
            connection.exec_driver_sql("INSERT INTO guarded VALUES (1)")
        with engine.connect() as connection:
            timeout = connection.exec_driver_sql("SHOW statement_timeout").scalar()
    finally:
        engine.dispose()
    assert timeout == f"{pg_spec.statement_timeout}s" or timeout == "2min"
    assert pg_run("SELECT count(*) FROM guarded") == [(0,)]


def test_mysql_engine_is_read_only(mysql_spec: ConnectionSpec, mysql_run: RunSql) -> None:
    mysql_run("CREATE TABLE IF NOT EXISTS guarded (id INTEGER)")
    engine = source_engine(mysql_spec)
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="READ ONLY"):
            connection.exec_driver_sql("INSERT INTO guarded VALUES (1)")
        with engine.connect() as connection:
            timeout = connection.exec_driver_sql("SELECT @@max_statement_time").scalar()
    finally:
        engine.dispose()
    assert float(timeout) == mysql_spec.statement_timeout
    assert mysql_run("SELECT count(*) FROM guarded") == [(0,)]


def test_sqlite_engine_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "source.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE guarded (id INTEGER)")
    engine = source_engine(ConnectionSpec(kind="sqlite", path=str(path)))
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="readonly"):
            connection.exec_driver_sql("INSERT INTO guarded VALUES (1)")
    finally:
        engine.dispose()
    result = connection_test(ConnectionSpec(kind="sqlite", path=str(path)))
    assert result.ok
    assert result.server_version.startswith("SQLite 3.")


def test_files_engine_reads_only_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    (tmp_path / "outside.csv").write_text("secret\n42\n")
    engine = source_engine(ConnectionSpec(kind="files", path=str(folder)))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT x FROM a").fetchall() == [(1,)]
            with pytest.raises(sa.exc.DBAPIError, match="disabled by configuration"):
                connection.exec_driver_sql(f"SELECT * FROM read_csv('{tmp_path}/outside.csv')")
            with pytest.raises(sa.exc.DBAPIError):
                connection.exec_driver_sql("SET enable_external_access = true")
    finally:
        engine.dispose()


# --- SQLite and files: missing and malformed input ---


def test_missing_sqlite_file() -> None:
    result = connection_test(ConnectionSpec(kind="sqlite", path="/nonexistent/w.sqlite3"))
    assert (result.ok, result.message) == (False, "File /nonexistent/w.sqlite3 does not exist.")


def test_missing_folder_and_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    missing = connection_test(ConnectionSpec(kind="files", path=str(tmp_path / "nope")))
    assert missing.message == f"Folder {tmp_path / 'nope'} does not exist."
    (tmp_path / "file.csv").write_text("a\n1\n")
    not_a_folder = connection_test(ConnectionSpec(kind="files", path=str(tmp_path / "file.csv")))
    assert not_a_folder.message == f"{tmp_path / 'file.csv'} is not a folder."
    with pytest.raises(SourceNotFound):
        introspect(ConnectionSpec(kind="files", path=str(tmp_path / "nope")))


def _orders_csv(folder: Path, extra_field_on_line: int | None) -> None:
    lines = ["order_id,customer,amount,status,placed_on"]
    for n in range(2, 40):
        fields = [str(n), f"c{n}", "9.99", "paid", "2026-01-02"]
        if n == extra_field_on_line:
            fields += ["oops", "again"]
        lines.append(",".join(fields))
    (folder / "orders.csv").write_text("\n".join(lines) + "\n")


def test_malformed_csv_names_the_file_and_line(tmp_path: Path) -> None:
    _orders_csv(tmp_path, extra_field_on_line=17)
    result = connection_test(ConnectionSpec(kind="files", path=str(tmp_path)))
    assert (result.ok, result.message) == (False, "orders.csv line 17: expected 5 fields, found 7")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv is empty"),
        ("latin.csv", b"name\nJos\xe9\n", "latin.csv is not UTF-8 text"),
        ("quote.csv", b'a,b\n1,"open\n', "quote.csv line 2: unexpected end of data"),
        ("bad.parquet", b"PAR1garbage", "bad.parquet is not a valid Parquet file"),
    ],
    ids=["empty", "not-utf8", "unclosed-quote", "broken-parquet"],
)
def test_unreadable_files_get_a_clear_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    result = connection_test(ConnectionSpec(kind="files", path=str(tmp_path)))
    assert (result.ok, result.message) == (False, message)


def test_good_folder_passes_the_connection_test(tmp_path: Path) -> None:
    _orders_csv(tmp_path, extra_field_on_line=None)
    pq.write_table(pa.table({"id": [1, 2]}), tmp_path / "ids.parquet")
    result = connection_test(ConnectionSpec(kind="files", path=str(tmp_path)))
    assert result.ok
    assert result.message == f"Folder {tmp_path}: 2 files readable."
    assert result.server_version.startswith("DuckDB ")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = connection_test(ConnectionSpec(kind="files", path=str(empty)))
    assert result.ok
    assert result.message == f"Folder {empty} has no CSV or Parquet files."


def test_every_failure_is_a_source_error() -> None:
    for error_class in (
        SourceAuthError,
        SourceConfigError,
        SourceFileError,
        SourceNotFound,
        SourceUnreachable,
    ):
        assert issubclass(error_class, SourceError)


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    _orders_csv(tmp_path, extra_field_on_line=None)
    spec = ConnectionSpec(kind="files", path=str(tmp_path))
    assert connection_test(spec).ok
    _orders_csv(tmp_path, extra_field_on_line=9)
    assert connection_test(spec).message == "orders.csv line 9: expected 5 fields, found 7"
