"""Where a warehouse goes: URL parsing, password redaction and schema-name checks."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class WarehouseTarget:
    engine: str  # "sqlite" or "postgresql"
    location: str  # SQLite file path or PostgreSQL connection URL


def parse_warehouse_url(url: str) -> WarehouseTarget:
    scheme, separator, rest = url.partition("://")
    if scheme == "sqlite" and rest.startswith("/") and len(rest) > 1:
        return WarehouseTarget("sqlite", rest[1:])
    if scheme in ("postgresql", "postgres") and separator:
        return WarehouseTarget("postgresql", url)
    raise ValueError(
        f"Unsupported warehouse URL {redact_url(url)!r}: expected "
        "'sqlite:///path/to/warehouse.sqlite3' or 'postgresql://user@host:port/dbname'."
    )


def redact_url(url: str) -> str:
    """Hide passwords in the user-info part and in a ?password= query parameter."""
    parts = urlsplit(url)
    netloc, query = parts.netloc, parts.query
    if parts.password is not None:
        user_info, _, host = netloc.rpartition("@")
        netloc = f"{user_info.partition(':')[0]}:***@{host}"
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def check_schema_name(schema: str) -> None:
    # The schema is dropped with CASCADE, so only accept names that are clearly the warehouse's.
    if not re.fullmatch(r"warehouse[a-z0-9_]{0,40}", schema):
        raise ValueError(
            f"Invalid warehouse schema {schema!r}: use lower-case letters, digits and "
            "underscores, starting with 'warehouse'."
        )
