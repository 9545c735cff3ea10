"""A `postgresql+psycopg` dialect for SQLAlchemy 1.4, which only ships psycopg2 and pg8000.

SQLAlchemy 2.0 has this dialect built in; until the project can move (openmetadata-ingestion pins
SQLAlchemy 1.4) this small one runs psycopg 3 with client-side parameter binding
(`ClientCursor`), which behaves like psycopg2 for everything PGDialect sends.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine.url import URL


class PGDialectPsycopg(PGDialect):
    driver = "psycopg"
    supports_statement_cache = True
    supports_unicode_statements = True
    supports_unicode_binds = True
    supports_native_decimal = True
    default_paramstyle = "pyformat"
    supports_sane_multi_rowcount = True

    @classmethod
    def dbapi(cls) -> ModuleType:
        import psycopg

        return psycopg

    def create_connect_args(self, url: URL) -> tuple[list[Any], dict[str, Any]]:
        import psycopg

        options: dict[str, Any] = url.translate_connect_args(username="user", database="dbname")
        if "port" in options:
            options["port"] = int(options["port"])
        options.update(url.query)
        options.setdefault("cursor_factory", psycopg.ClientCursor)
        return [], options

    def is_disconnect(self, e: Exception, connection: Any, cursor: Any) -> bool:
        import psycopg

        if isinstance(e, psycopg.OperationalError | psycopg.InterfaceError):
            closed = getattr(connection, "closed", False)
            return bool(closed) or "connection is closed" in str(e)
        return False

    def set_isolation_level(self, connection: Any, level: str) -> None:
        # psycopg refuses to switch autocommit inside a transaction (e.g. after a pool ping).
        dbapi_connection = getattr(connection, "dbapi_connection", connection)
        wants_autocommit = level == "AUTOCOMMIT"
        if dbapi_connection.autocommit != wants_autocommit:
            dbapi_connection.rollback()
            dbapi_connection.autocommit = wants_autocommit
        if not wants_autocommit:
            super().set_isolation_level(dbapi_connection, level)


dialect = PGDialectPsycopg

registry.register("postgresql.psycopg", __name__, "PGDialectPsycopg")
