"""Connections to the data sources the catalog scans: a spec in, a read-only SQLAlchemy engine out.

Passwords live only in memory here (the catalog stores them encrypted); they never reach a log line
or an exception text: every driver error is translated into a short, credential-free message.
"""

from __future__ import annotations

import fnmatch
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from catalog.scans import pg_psycopg  # noqa: F401  (registers postgresql+psycopg)

SourceKind = Literal["postgresql", "mysql", "sqlite", "files"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("postgresql", "mysql", "sqlite", "files")
URL_SCHEMES: Mapping[str, SourceKind] = {
    **{kind: kind for kind in SOURCE_KINDS},
    "postgres": "postgresql",
    "mariadb": "mysql",
}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_SECONDS = 120

# Connection options an admin may set per kind; anything else is refused with a clear message.
ALLOWED_OPTIONS: Mapping[str, frozenset[str]] = {
    "postgresql": frozenset(
        {"sslmode", "sslrootcert", "sslcert", "sslkey", "target_session_attrs"}
    ),
    "mysql": frozenset({"ssl_ca", "ssl_cert", "ssl_key", "ssl_verify_cert", "ssl_disabled"}),
    "sqlite": frozenset(),
    "files": frozenset(),
}
SYSTEM_SCHEMAS: Mapping[str, frozenset[str]] = {
    "postgresql": frozenset({"information_schema", "pg_catalog", "pg_toast"}),
    "mysql": frozenset({"information_schema", "mysql", "performance_schema", "sys"}),
    "sqlite": frozenset(),
    "files": frozenset(),
}


class SourceError(Exception):
    """A source could not be read; the message is safe to show and log (no credentials)."""


class SourceConfigError(SourceError):
    """The connection spec itself is wrong (unknown kind, missing host, unknown option)."""


class SourceUnreachable(SourceError):
    """The host, port, file or folder could not be reached."""


class SourceAuthError(SourceError):
    """The server refused the credentials."""


class SourceNotFound(SourceError):
    """The server answered, but the database, file or folder does not exist."""


class SourceFileError(SourceError):
    """A file in a files source cannot be read (malformed CSV, broken Parquet, not UTF-8)."""


@dataclass(frozen=True)
class ConnectionSpec:
    """Where a source is and how to sign in; `password` is plain text only while in memory."""

    kind: SourceKind
    host: str = ""
    port: int | None = None
    database: str = ""
    username: str = ""
    password: str = field(default="", repr=False)
    path: str = ""  # SQLite file, or the folder of CSV/Parquet files
    options: Mapping[str, str] = field(default_factory=dict)
    include_schemas: tuple[str, ...] = ()  # fnmatch patterns; empty means all
    exclude_schemas: tuple[str, ...] = ()
    connect_timeout: int = CONNECT_TIMEOUT_SECONDS
    statement_timeout: int = STATEMENT_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str, **extra: Any) -> ConnectionSpec:
        """postgresql://u:p@h:5432/db, mysql://..., sqlite:///path, files:///folder."""
        scheme = url.partition("://")[0].split("+")[0].lower()
        kind = URL_SCHEMES.get(scheme)
        if kind is None:
            raise SourceConfigError(f"Unsupported source URL scheme {scheme!r}.")
        if kind in ("sqlite", "files"):
            return cls(kind=kind, path=unquote(url.partition(":///")[2]) or "", **extra)
        parsed = make_url(url)
        return cls(
            kind=kind,
            host=parsed.host or "",
            port=parsed.port,
            database=parsed.database or "",
            username=parsed.username or "",
            password=parsed.password or "",
            options={key: str(value) for key, value in parsed.query.items()},
            **extra,
        )

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS.get(self.kind, 0)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.effective_port}"

    def describe(self) -> str:
        """The spec as a URL without its password, for messages and logs."""
        if self.kind in ("sqlite", "files"):
            return f"{self.kind}://{self.path}"
        user = f"{quote(self.username, safe='')}@" if self.username else ""
        return f"{self.kind}://{user}{self.address}/{self.database}"

    def schema_is_included(self, schema: str) -> bool:
        if schema in SYSTEM_SCHEMAS[self.kind]:
            return False
        if self.include_schemas and not _matches_any(schema, self.include_schemas):
            return False
        return not _matches_any(schema, self.exclude_schemas)


def _matches_any(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


@dataclass(frozen=True)
class ConnectionTestResult:
    """The answer of the "test connection" action."""

    ok: bool
    message: str
    server_version: str = ""
    elapsed_ms: int = 0


# --- Redaction ---

_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*(?P<tail>@)", re.I)
_KEY_VALUE_PASSWORD = re.compile(
    r"(?P<head>\bpass(?:word|wd)?\s*[=:]\s*)('[^']*'|\"[^\"]*\"|\S+)", re.I
)


def redact(text: str, *secrets: str) -> str:
    """Text with the given secrets, URL passwords and password=... pairs replaced by ***."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, "***")
    text = _URL_PASSWORD.sub(r"\g<head>***\g<tail>", text)
    return _KEY_VALUE_PASSWORD.sub(r"\g<head>***", text)


# --- Engines ---


def source_engine(spec: ConnectionSpec) -> Engine:
    """A read-only engine for the source, with connect and statement timeouts."""
    builders: dict[str, Callable[[ConnectionSpec], Engine]] = {
        "postgresql": _postgresql_engine,
        "mysql": _mysql_engine,
        "sqlite": _sqlite_engine,
        "files": _files_engine,
    }
    _check_spec(spec)
    return builders[spec.kind](spec)


def _check_spec(spec: ConnectionSpec) -> None:
    if spec.kind not in SOURCE_KINDS:
        raise SourceConfigError(
            f"Unknown source kind {spec.kind!r}: expected one of {', '.join(SOURCE_KINDS)}."
        )
    unknown = sorted(set(spec.options) - ALLOWED_OPTIONS[spec.kind])
    if unknown:
        allowed = ", ".join(sorted(ALLOWED_OPTIONS[spec.kind])) or "none"
        raise SourceConfigError(
            f"Unknown option {', '.join(map(repr, unknown))} for {spec.kind} (allowed: {allowed})."
        )
    if spec.kind in ("postgresql", "mysql"):
        if not spec.host:
            raise SourceConfigError("A host name is required.")
        if not 0 < spec.effective_port < 65536:
            raise SourceConfigError(f"Port {spec.port} is not a valid TCP port.")
        if not spec.username:
            raise SourceConfigError("A user name is required.")
    elif not spec.path:
        noun = "database file" if spec.kind == "sqlite" else "folder"
        raise SourceConfigError(f"The path of the {noun} is required.")
    if spec.connect_timeout <= 0 or spec.statement_timeout <= 0:
        raise SourceConfigError("Timeouts must be positive numbers of seconds.")


def _postgresql_engine(spec: ConnectionSpec) -> Engine:
    url = URL.create(
        "postgresql+psycopg",
        username=spec.username,
        password=spec.password or None,
        host=spec.host,
        port=spec.effective_port,
        database=spec.database or "postgres",
    )
    server_options = (
        "-c default_transaction_read_only=on "
        f"-c statement_timeout={spec.statement_timeout * 1000} "
        f"-c lock_timeout={spec.connect_timeout * 1000} "
        "-c idle_in_transaction_session_timeout=600000"
    )
    connect_args = {
        "connect_timeout": spec.connect_timeout,
        "options": server_options,
        "application_name": "workbench-scan",
        **spec.options,
    }
    return sa.create_engine(
        url, connect_args=connect_args, pool_size=2, max_overflow=2, pool_pre_ping=True
    )


def _mysql_engine(spec: ConnectionSpec) -> Engine:
    url = URL.create(
        "mysql+pymysql",
        username=spec.username,
        password=spec.password or None,
        host=spec.host,
        port=spec.effective_port,
        database=spec.database or None,
        query={"charset": "utf8mb4"},
    )
    connect_args: dict[str, Any] = {
        "connect_timeout": spec.connect_timeout,
        # Until the server has greeted us reads wait connect_timeout; statements get longer.
        "read_timeout": spec.connect_timeout,
        "write_timeout": spec.statement_timeout,
        "init_command": "SET SESSION TRANSACTION READ ONLY",
    }
    for key, value in spec.options.items():
        is_flag = key in ("ssl_verify_cert", "ssl_disabled")
        connect_args[key] = value.lower() in ("1", "true", "yes", "on") if is_flag else value
    engine = sa.create_engine(
        url, connect_args=connect_args, pool_size=2, max_overflow=2, pool_pre_ping=True
    )

    def set_statement_timeouts(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection._read_timeout = spec.statement_timeout  # PyMySQL applies it per read
        # The server stops a long statement too (the client timeout only hangs up on it).
        if "mariadb" in dbapi_connection.get_server_info().lower():
            setting = f"max_statement_time = {spec.statement_timeout}"
        else:
            setting = f"max_execution_time = {spec.statement_timeout * 1000}"
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET SESSION {setting}")

    sa.event.listen(engine, "connect", set_statement_timeouts)
    return engine


def _sqlite_engine(spec: ConnectionSpec) -> Engine:
    path = Path(spec.path)
    if not path.is_file():
        raise SourceNotFound(f"File {spec.path} does not exist.")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=spec.connect_timeout)

    return sa.create_engine("sqlite://", creator=connect)


def _files_engine(spec: ConnectionSpec) -> Engine:
    from catalog.scans.files import files_engine

    return files_engine(spec.path)


# --- Errors ---


@contextmanager
def translated_errors(spec: ConnectionSpec) -> Iterator[None]:
    """Turn driver errors raised inside the block into SourceErrors with safe messages."""
    try:
        yield
    except SourceError:
        raise
    except (sa.exc.DBAPIError, OSError, sqlite3.Error) as error:
        raise source_error(spec, error) from None


def source_error(spec: ConnectionSpec, error: BaseException) -> SourceError:
    """A credential-free SourceError that says what went wrong in the admin's words."""
    original = getattr(error, "orig", None) or error
    text = redact(str(original), spec.password)
    lowered = text.lower()
    for pattern, build in _ERROR_RULES:
        if re.search(pattern, lowered):
            return build(spec, text)
    first_line = text.strip().splitlines()[0] if text.strip() else type(original).__name__
    return SourceError(f"Could not read {spec.describe()}: {first_line}")


def _unreachable(reason: str) -> Callable[[ConnectionSpec, str], SourceError]:
    return lambda spec, _text: SourceUnreachable(f"Could not reach {spec.address} ({reason})")


def _refused_user(spec: ConnectionSpec, _text: str) -> SourceError:
    return SourceAuthError(
        f"The server refused user {spec.username!r}: wrong password or no access"
    )


def _missing_database(spec: ConnectionSpec, _text: str) -> SourceError:
    return SourceNotFound(f"Database {spec.database!r} does not exist on {spec.address}")


def _no_database_access(spec: ConnectionSpec, _text: str) -> SourceError:
    return SourceAuthError(f"User {spec.username!r} may not open database {spec.database!r}")


_ERROR_RULES: tuple[tuple[str, Callable[[ConnectionSpec, str], SourceError]], ...] = (
    (r"connection refused|errno 111", _unreachable("connection refused")),
    (r"timeout expired|timed out|errno 110", _unreachable("no answer in time")),
    (
        r"could not translate host name|name or service not known|nodename nor servname"
        r"|temporary failure in name resolution|errno -[235]",
        _unreachable("unknown host name"),
    ),
    (r"no route to host|network is unreachable", _unreachable("no route to the host")),
    (r"lost connection|server closed the connection", _unreachable("the connection dropped")),
    (r"\(1044|permission denied for database", _no_database_access),
    (
        r"password authentication failed|\(1045|access denied for user|role .* does not exist"
        r"|no pg_hba\.conf entry|authentication failed",
        _refused_user,
    ),
    (r"database .* does not exist|\(1049|unknown database", _missing_database),
)


# --- Test connection ---


def connection_test(spec: ConnectionSpec) -> ConnectionTestResult:
    """Connect, ask for the server version, and say in one sentence how it went."""
    started = time.perf_counter()
    try:
        version, detail = _probe(spec)
    except SourceError as error:
        return ConnectionTestResult(False, str(error), "", _elapsed_ms(started))
    except Exception as error:  # noqa: BLE001  the test must answer, never crash the page
        message = str(source_error(spec, error))
        return ConnectionTestResult(False, message, "", _elapsed_ms(started))
    return ConnectionTestResult(True, detail, version, _elapsed_ms(started))


def _probe(spec: ConnectionSpec) -> tuple[str, str]:
    _check_spec(spec)
    if spec.kind in ("postgresql", "mysql") and spec.host:
        _check_host_resolves(spec)
    with translated_errors(spec):
        engine = source_engine(spec)
        try:
            if spec.kind == "files":
                from catalog.scans.files import folder_summary

                return folder_summary(engine)
            with engine.connect() as connection:
                version = _server_version(connection, spec.kind)
        finally:
            engine.dispose()
    return version, f"Connected to {spec.describe()} ({version})."


def _check_host_resolves(spec: ConnectionSpec) -> None:
    try:
        socket.getaddrinfo(spec.host, spec.effective_port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise SourceUnreachable(f"Could not reach {spec.address} (unknown host name)") from None


def _server_version(connection: sa.engine.Connection, kind: str) -> str:
    query = {
        "postgresql": "SHOW server_version",
        "mysql": "SELECT VERSION()",
        "sqlite": "SELECT 'SQLite ' || sqlite_version()",
    }[kind]
    value = str(connection.exec_driver_sql(query).scalar())
    if kind == "postgresql":
        return f"PostgreSQL {value.split()[0]}"
    if kind == "mysql":
        name = "MariaDB" if "mariadb" in value.lower() else "MySQL"
        return f"{name} {value.split('-')[0]}"
    return value


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
