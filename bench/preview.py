"""The governed data path's overhead: a masked, row-filtered read of 1,000 rows through
`data_rows` (policy decision, row filter in the SQL, masking by the default rules, audit event)
against the same unmasked SELECT of the same columns on the source, in the same run.

It builds its own warehouse (a customer table of --rows rows with personal data: names, emails,
phones, addresses, postcodes, dates of birth, IBANs, and a region) in SQLite and, when
WORKBENCH_BENCH_PG_URL is set (e.g. postgresql://postgres@127.0.0.1:5432/postgres), in a
throw-away schema of that PostgreSQL too; the app itself runs on a throw-away SQLite database in a
temporary WORKBENCH_VAR_DIR. Both sides open their own connection to the source, as a reader would.
Not a test: run it by hand.

    .venv/bin/python bench/preview.py [--rows 100000] [--limit 1000] [--repeat 15]

The governed path remembers masked values per process (the operators are deterministic), so a
repeated preview costs look-ups; the "cold" figures forget them before each call. The last line
holds the figures as key=value pairs, ending with overhead_ratio= (steady state, the worst of the
sources measured; target <= 2).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = (
    ("customer_id", "INTEGER PRIMARY KEY", None),
    ("first_name", "VARCHAR(80)", "person_name"),
    ("last_name", "VARCHAR(80)", "person_name"),
    ("email", "VARCHAR(254)", "email"),
    ("phone", "VARCHAR(40)", "phone"),
    ("street_address", "VARCHAR(200)", "street_address"),
    ("postcode", "VARCHAR(20)", "postcode"),
    ("city", "VARCHAR(100)", None),
    ("region", "VARCHAR(4)", None),
    ("date_of_birth", "DATE", "date_of_birth"),
    ("iban", "VARCHAR(34)", "iban"),
    ("created_at", "VARCHAR(32)", None),
)
REGIONS = ("EU", "EU", "EU", "US", "US", "APAC")  # the reader is in the EU: half the rows match


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-preview-") as var_dir:
        os.environ["WORKBENCH_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        os.environ.setdefault("WORKBENCH_LOG_LEVEL", "warning")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(Path(var_dir), args.rows, args.limit, args.repeat)


def run(var_dir: Path, rows: int, limit: int, repeat: int) -> None:
    started = time.perf_counter()
    path = var_dir / "bench_warehouse.sqlite3"
    sqlite_build(path, rows)
    print(f"built the SQLite warehouse ({rows} rows) in {time.perf_counter() - started:.1f}s")
    reader = reader_create()
    figures: dict[str, float] = {}
    sqlite_source = source_create("bench-sqlite", kind="sqlite", path=str(path))
    figures.update(measure("sqlite", sqlite_source, "main", reader, limit, repeat))
    pg_url = os.environ.get("WORKBENCH_BENCH_PG_URL", "")
    if pg_url:
        with pg_warehouse(pg_url, rows) as schema:
            pg_source = source_create("bench-pg", url=pg_url)
            figures.update(measure("pg", pg_source, schema, reader, limit, repeat))
    ratios = [
        value
        for key, value in figures.items()
        if key.endswith("_overhead_ratio") and "_cold_" not in key
    ]
    pairs = " ".join(f"{key}={value:.2f}" for key, value in figures.items())
    print(f"rows={rows} limit={limit} repeat={repeat} {pairs} overhead_ratio={max(ratios):.2f}")


# --- The warehouse ---


def customer_rows(count: int) -> Iterator[tuple[Any, ...]]:
    from faker.providers.address.en_US import Provider as Address
    from faker.providers.person.en_US import Provider as Person

    rng = random.Random(7)
    firsts, lasts = list(Person.first_names), list(Person.last_names)
    suffixes = list(Address.street_suffixes)
    born = date(1940, 1, 1)
    for customer_id in range(1, count + 1):
        first, last = rng.choice(firsts), rng.choice(lasts)
        yield (
            customer_id,
            first,
            last,
            f"{first}.{last}{customer_id}@example.com".lower(),
            f"+1-{rng.randint(200, 999)}-555-{rng.randint(1000, 9999)}",
            f"{rng.randint(1, 9999)} {rng.choice(lasts)} {rng.choice(suffixes)}",
            f"{rng.randint(10000, 99999)}",
            f"{rng.choice(lasts)}ville",
            rng.choice(REGIONS),
            (born + timedelta(days=rng.randint(0, 60 * 365))).isoformat(),
            f"GB{rng.randint(10, 99)}BANK{rng.randint(10**13, 10**14 - 1)}",
            f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00",
        )


def _ddl(quoted_table: str) -> str:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type, _ in COLUMNS)
    return f"CREATE TABLE {quoted_table} ({columns})"


def sqlite_build(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(_ddl("customers"))
        marks = ", ".join("?" for _ in COLUMNS)
        connection.executemany(f"INSERT INTO customers VALUES ({marks})", customer_rows(rows))


class pg_warehouse:  # noqa: N801  (a context manager used like a function)
    def __init__(self, url: str, rows: int) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.rows = rows
        self.schema = f"bench_preview_{uuid.uuid4().hex[:8]}"

    def __enter__(self) -> str:
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{self.schema}"')
            connection.execute(_ddl(f'"{self.schema}".customers'))
            names = ", ".join(name for name, _, _ in COLUMNS)
            copy = f'COPY "{self.schema}".customers ({names}) FROM STDIN'
            with connection.cursor() as cursor, cursor.copy(copy) as loader:
                for row in customer_rows(self.rows):
                    loader.write_row(row)
            connection.execute(f'ANALYZE "{self.schema}".customers')
        print(f"built the PostgreSQL warehouse in {time.perf_counter() - started:.1f}s")
        return self.schema

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


# --- The catalog ---


def reader_create() -> Any:
    from tests.factories import UserFactory
    from workbench.accounts.models import Region
    from workbench.accounts.roles import Role

    return UserFactory(username="bench-analyst", region=Region.EU, roles=[Role.BUSINESS_USER])


def source_create(name: str, *, kind: str = "", path: str = "", url: str = "") -> Any:
    from catalog.crypto import credential_encrypt
    from catalog.models import DataSource
    from catalog.scans.connectors import ConnectionSpec

    if url:
        spec = ConnectionSpec.from_url(url)
        return DataSource.objects.create(
            name=name,
            kind=spec.kind,
            host=spec.host,
            port=spec.port,
            database=spec.database,
            username=spec.username,
            password_encrypted=credential_encrypt(spec.password),
        )
    return DataSource.objects.create(name=name, kind=kind, path=path)


def asset_create(source: Any, schema: str) -> Any:
    from catalog.models import Asset, Classification, Column
    from workbench.governance.models import RowFilter

    asset = Asset.objects.create(
        source=source,
        schema_name=schema,
        name="customers",
        kind="table",
        classification=Classification.INTERNAL,
        pii_kinds=sorted({kind for _, _, kind in COLUMNS if kind}),
    )
    Column.objects.bulk_create(
        Column(
            asset=asset,
            name=name,
            ordinal=ordinal,
            data_type=sql_type.split()[0].lower(),
            pii_kinds=[kind] if kind else [],
            classification=Classification.CONFIDENTIAL if kind else Classification.INTERNAL,
        )
        for ordinal, (name, sql_type, kind) in enumerate(COLUMNS, start=1)
    )
    RowFilter.objects.create(
        name=f"{source.name}: customers by region",
        asset=asset,
        column="region",
        user_attribute="region",
    )
    return asset


# --- Measuring ---


def measure(
    label: str, source: Any, schema: str, reader: Any, limit: int, repeat: int
) -> dict[str, float]:
    from workbench.governance.services import data_rows

    asset = asset_create(source, schema)

    def governed() -> int:
        result = data_rows(user=reader, asset=asset, action="preview", purpose="bench", limit=limit)
        assert result.is_allowed, result.reason
        assert result.is_masked
        assert result.row_filters, "the row filter must hold"
        return len(result.rows)

    plain = plain_select(source, schema, limit)
    governed_rows, plain_rows = governed(), plain()  # warm-up: policies compiled, tokens made
    assert governed_rows == plain_rows == limit, (governed_rows, plain_rows)
    for _ in range(2):
        governed(), plain()
    plain_ms, warm_ms, cold_ms = [], [], []
    for _ in range(repeat):  # interleaved, so that drift on a shared machine hits all alike
        plain_ms.append(timed(plain))
        warm_ms.append(timed(governed))
        cold_ms.append(timed(governed, cold=True))
    base, warm, cold = (statistics.median(ms) for ms in (plain_ms, warm_ms, cold_ms))
    print(
        f"{label}: unmasked SELECT median {base:.1f} ms (min {min(plain_ms):.1f}); governed "
        f"masked+filtered median {warm:.1f} ms (min {min(warm_ms):.1f}), with every masked value "
        f"computed afresh {cold:.1f} ms (min {min(cold_ms):.1f}); ratio {warm / base:.2f}, "
        f"cold {cold / base:.2f}"
    )
    return {
        f"{label}_select_ms": base,
        f"{label}_governed_ms": warm,
        f"{label}_governed_cold_ms": cold,
        f"{label}_cold_overhead_ratio": cold / base,
        f"{label}_overhead_ratio": warm / base,
    }


def timed(function: Callable[[], int], *, cold: bool = False) -> float:
    """Milliseconds one call takes; `cold` first forgets every remembered masked value and token
    (each value is then hashed, seeded or looked up in the vault again)."""
    if cold:
        from workbench.governance.vault import vault_cache_clear

        vault_cache_clear()
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def plain_select(source: Any, schema: str, limit: int) -> Callable[[], int]:
    """The same columns, unmasked and unfiltered, through the same connector: what a reader with
    direct database access would run."""
    from catalog.models import Asset
    from catalog.scans.connectors import source_engine
    from workbench.governance.services import _connection_spec

    asset = Asset(source=source, schema_name=schema, name="customers")
    names = ", ".join(name for name, _, _ in COLUMNS)
    table = f'"{schema}".customers'
    statement = f"SELECT {names} FROM {table} LIMIT {int(limit)}"  # noqa: S608

    def select() -> int:
        engine = source_engine(_connection_spec(asset))
        try:
            with engine.connect() as connection:
                return len(connection.exec_driver_sql(statement).fetchall())
        finally:
            engine.dispose()

    return select


if __name__ == "__main__":
    main()
