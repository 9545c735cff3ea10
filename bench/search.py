"""Catalog search at scale: 100,000 datasets and 2,000,000 columns on PostgreSQL, searched by a
platform admin (no permission filter) and by a steward-analyst (filtered in SQL by visible_to).

It creates its own database on the server of BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, loads the catalog with COPY, runs a
fixed set of queries and drops the database again. Not a test: run it by hand.

    .venv/bin/python bench/search.py [--assets 100000] [--columns-per-asset 20] [--repeat 5]

The last line holds the figures as key=value pairs, p95_ratio = filtered p95 / unfiltered p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

WORDS = (
    "customer order invoice payment product price stock warehouse shipment delivery supplier "
    "employee salary payroll department budget forecast revenue margin cost ledger account "
    "contract claim policy premium risk campaign lead churn subscription session event click "
    "store region country currency tax refund return discount coupon loyalty member visit "
    "ticket support incident asset device sensor reading plan target quota commission vendor"
).split()
COLUMN_WORDS = (
    "id name email phone address city postcode country created_at updated_at status amount "
    "currency quantity price total discount customer_id order_id product_id birth_date gender "
    "iban salary department_id manager_id region channel source score segment note"
).split()
QUERIES: list[dict[str, Any]] = [
    {"text": "customer"},
    {"text": "order"},
    {"text": "email"},
    {"text": "revenue forecast"},
    {"text": "custmer_ordr"},  # typos: no exact match, near matches on names
    {"text": "invoice payment"},
    {"text": "salary"},
    {"text": "gdpr"},
    {"text": "shipment", "certified": True},
    {"text": "", "domains": ("domain-3",)},
    {"text": "warehouse stock", "classifications": (1,)},
    {"text": "prodct"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--columns-per-asset", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = f"wb_bench_search_{os.getpid()}"
    _admin_sql(server_url, f'CREATE DATABASE "{name}"')
    try:
        _setup_django(_with_database(server_url, name))
        figures = run(args.assets, args.columns_per_asset, args.repeat)
    finally:
        _close_django()
        if os.environ.get("BENCH_KEEP_DATABASE"):
            print(f"kept database {name}")
        else:
            _admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin_sql(url: str, statement: str) -> None:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://").replace(
        "postgres://", "postgresql://"
    )
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(statement)


def _setup_django(database_url: str) -> None:
    workdir = tempfile.mkdtemp(prefix="wb-bench-search-")
    os.environ["WORKBENCH_VAR_DIR"] = workdir
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("WORKBENCH_LOG_LEVEL", "warning")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _close_django() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


# --- loading -------------------------------------------------------------------------------------


def run(asset_count: int, columns_per_asset: int, repeat: int) -> dict[str, Any]:
    from django.db import connection

    rng = random.Random(20261122)
    started = time.perf_counter()
    people = _load_people()
    _load_catalog(rng, asset_count, columns_per_asset, people)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    load_seconds = time.perf_counter() - started
    print(
        f"loaded {asset_count:,} assets, {asset_count * columns_per_asset:,} columns "
        f"in {load_seconds:.0f} s"
    )
    admin, steward = people["admin"], people["steward"]
    visible = _visible_count(steward)
    print(f"the steward may discover {visible:,} of {asset_count:,} assets")
    results = {}
    for label, user in (("unfiltered", admin), ("filtered", steward)):
        for mode, facets in (("page", False), ("facets", True)):
            timings = _time_queries(user, facets, repeat)
            results[f"{label}_{mode}"] = timings
            _report(f"{label:10} {mode:6}", timings)
    ratio = _p95(results["filtered_page"]) / _p95(results["unfiltered_page"])
    ratio_facets = _p95(results["filtered_facets"]) / _p95(results["unfiltered_facets"])
    return {
        "assets": asset_count,
        "columns": asset_count * columns_per_asset,
        "load_s": round(load_seconds),
        "visible_to_steward": visible,
        "unfiltered_p50_ms": _ms(statistics.median(results["unfiltered_page"])),
        "unfiltered_p95_ms": _ms(_p95(results["unfiltered_page"])),
        "filtered_p50_ms": _ms(statistics.median(results["filtered_page"])),
        "filtered_p95_ms": _ms(_p95(results["filtered_page"])),
        "facets_unfiltered_p95_ms": _ms(_p95(results["unfiltered_facets"])),
        "facets_filtered_p95_ms": _ms(_p95(results["filtered_facets"])),
        "p95_ratio": round(ratio, 2),
        "p95_ratio_with_facets": round(ratio_facets, 2),
    }


def _load_people() -> dict[str, Any]:
    from workbench.accounts.models import Clearance, User
    from workbench.accounts.roles import Role
    from workbench.accounts.services import roles_sync, user_set_roles

    roles_sync()
    admin = User.objects.create(username="bench-admin", is_superuser=True, clearance=3)
    steward = User.objects.create(username="bench-steward", clearance=Clearance.INTERNAL)
    user_set_roles(user=steward, roles=[Role.BUSINESS_USER, Role.DATA_STEWARD])
    owners = [User(username=f"owner{n}") for n in range(200)]
    User.objects.bulk_create(owners)
    return {
        "admin": admin,
        "steward": steward,
        "owners": list(User.objects.filter(username__startswith="owner")),
    }


def _load_catalog(rng: random.Random, count: int, per_asset: int, people: dict[str, Any]) -> None:
    from catalog.models import Asset, DataSource, Domain, Tag

    domains = Domain.objects.bulk_create(
        [Domain(name=f"Domain {n}", code=f"domain-{n}") for n in range(30)]
    )
    domains[3].stewards.add(people["steward"])
    domains[7].stewards.add(people["steward"])
    sources = DataSource.objects.bulk_create(
        [DataSource(name=f"warehouse-{n}", kind="postgresql") for n in range(20)]
    )
    tags = Tag.objects.bulk_create(
        [Tag(name=f"{word}-{n}") for n in range(4) for word in WORDS[:50]]
    )
    tags.append(Tag.objects.create(name="gdpr"))
    owner_ids = [user.pk for user in people["owners"]]

    def rows() -> Iterator[dict[str, Any]]:
        # Regenerated for each table (seeded per asset), so 2M columns never sit in memory.
        return _asset_rows(count, per_asset, sources, domains, tags, owner_ids)

    _copy("catalog_asset", ASSET_COLUMNS, (row["asset"] for row in rows()))
    _copy("catalog_column", COLUMN_COLUMNS, (c for row in rows() for c in row["columns"]))
    _copy("catalog_asset_tags", ("asset_id", "tag_id"), (t for row in rows() for t in row["tags"]))
    stewarded = rng.sample(range(1, count + 1), 50)
    _copy(
        "catalog_asset_stewards",
        ("asset_id", "user_id"),
        ((asset_id, people["steward"].pk) for asset_id in stewarded),
    )
    _reset_sequences([Asset])


ASSET_COLUMNS = (
    "id",
    "source_id",
    "database_name",
    "schema_name",
    "name",
    "kind",
    "status",
    "comment",
    "description",
    "view_sql",
    "row_count",
    "row_count_is_estimate",
    "primary_key",
    "foreign_keys",
    "owner_id",
    "domain_id",
    "classification",
    "is_classified",
    "is_certified",
    "usage_count",
    "first_seen_at",
    "updated_at",
    "search_document",
    "access_class",
    "pii_kinds",
)
COLUMN_COLUMNS = (
    "asset_id",
    "name",
    "ordinal",
    "data_type",
    "is_nullable",
    "default",
    "comment",
    "description",
    "is_primary_key",
    "status",
    "classification",
    "pii_kinds",
)


def _asset_rows(
    count: int,
    per_asset: int,
    sources: list[Any],
    domains: list[Any],
    tags: list[Any],
    owner_ids: list[int],
) -> Iterator[dict[str, Any]]:
    from django.utils import timezone

    now = timezone.now()
    for asset_id in range(1, count + 1):
        rng = random.Random(asset_id)
        words = rng.sample(WORDS, 3)
        name = f"{'_'.join(words)}_{asset_id}"
        description = " ".join(rng.choices(WORDS, k=12)).capitalize() + "."
        columns = ["id", *rng.sample(COLUMN_WORDS[1:], per_asset - 1)]
        asset_tags = rng.sample(tags, 2)
        text = " ".join([name, "public", description, *columns, *(t.name for t in asset_tags)])
        document = f"{text} {text.replace('_', ' ').replace('.', ' ')}"
        classification = rng.choices((0, 1, 2, 3), weights=(20, 50, 20, 10))[0]
        source, domain, certified = rng.choice(sources), rng.choice(domains), rng.random() < 0.05
        # The policies' attribute class (workbench.governance.policy.filters.access_class_key).
        access_class = f"c{classification}.d{domain.pk}.r{source.residency}.k{int(certified)}.p-"
        yield {
            "asset": (  # fmt: skip
                asset_id,
                source.pk,
                "",
                "public",
                name,
                "table",
                "active",
                "",
                description,
                "",
                rng.randint(0, 10**7),
                True,
                "[]",
                "[]",
                rng.choice(owner_ids),
                domain.pk,
                classification,
                True,
                certified,
                int(rng.paretovariate(1.2)),
                now,
                now,
                document,
                access_class,
                "[]",
            ),
            "columns": [
                (
                    asset_id,
                    column,
                    ordinal,
                    "text",
                    True,
                    "",
                    "",
                    "",
                    ordinal == 1,
                    "active",
                    1,
                    "[]",
                )
                for ordinal, column in enumerate(columns, start=1)
            ],
            "tags": [(asset_id, tag.pk) for tag in asset_tags],
        }


def _copy(table: str, columns: tuple[str, ...], rows: Any) -> None:
    from django.db import connection

    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _reset_sequences(models: list[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


# --- measuring -----------------------------------------------------------------------------------


def _visible_count(user: Any) -> int:
    from catalog.models import Asset

    return Asset.objects.visible_to(user).count()


def _time_queries(user: Any, with_facets: bool, repeat: int) -> list[float]:
    from catalog.search import SearchQuery, asset_search

    timings: list[float] = []
    per_query: list[str] = []
    for spec in QUERIES:
        query = SearchQuery(**spec)
        asset_search(user=user, query=query, with_facets=with_facets)  # warm the cache once
        mine = []
        for _ in range(repeat):
            started = time.perf_counter()
            asset_search(user=user, query=query, with_facets=with_facets)
            mine.append(time.perf_counter() - started)
        timings += mine
        per_query.append(f"{spec}: {_ms(statistics.median(mine))}")
    if os.environ.get("BENCH_VERBOSE"):
        print("\n".join(per_query))
    return timings


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _report(label: str, timings: list[float]) -> None:
    print(
        f"{label}  p50 {_ms(statistics.median(timings)):8.1f} ms   p95 {_ms(_p95(timings)):8.1f} ms"
    )


if __name__ == "__main__":
    main()
