"""The demo's data source: the sample warehouse that `load_demo` built, registered, catalogued and
curated the way a steward would (glossary, tags, descriptions, certification, quality checks), then
queued for its first full scan, so a new user signs in to a populated, living catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Asset, DataSource, Domain, ScanKind, ScanRun, ScanStatus
from catalog.services.curation import AssetChanges, asset_certify, asset_curate
from catalog.services.glossary import TermData, glossary_term_create
from catalog.services.quality_checks import quality_check_create
from catalog.services.scans import scan_run_execute, scan_run_start
from catalog.services.sources import source_create
from workbench.accounts.models import User

logger = logging.getLogger(__name__)

DEMO_SOURCE_NAME = "Sample warehouse"
DEMO_DOMAIN = ("Retail", "retail", "Orders, customers, products and payments of the online shop.")
WAREHOUSE_SCHEMA = "warehouse"  # where load_warehouse builds it on PostgreSQL


@dataclass(frozen=True)
class DemoSourceSummary:
    source: DataSource
    created: bool
    run: ScanRun | None  # the first scan, when this call queued it


def demo_source_load(*, warehouse_url: str | None = None, curate: bool = True) -> DemoSourceSummary:
    """Register the sample warehouse once; on its first load, catalogue its tables right away (a
    metadata scan takes a fraction of a second), curate them as the demo steward, and queue the
    full scan (profiles, PII suggestions, quality results) for the worker."""
    with transaction.atomic():
        domain = _domain_ensure()
        source = DataSource.objects.filter(name=DEMO_SOURCE_NAME).first()
        created = source is None
        if source is None:
            source = _source_register(warehouse_url or settings.WAREHOUSE_URL, domain)
        if source.scan_runs.exists():
            return DemoSourceSummary(source=source, created=created, run=None)
    if curate and _metadata_scanned(source):
        demo_catalog_curate(source=source)
    run, _ = scan_run_start(source=source, requested_by=None)
    return DemoSourceSummary(source=source, created=created, run=run)


def _metadata_scanned(source: DataSource) -> bool:
    run, _ = scan_run_start(source=source, requested_by=None, kind=ScanKind.METADATA)
    finished = scan_run_execute(run_id=run.pk)  # the queued task finds it done and does nothing
    if finished is None or finished.status != ScanStatus.SUCCEEDED:
        logger.warning("demo: the sample warehouse could not be catalogued; left to the worker")
        return False
    return True


DEMO_TERMS: tuple[tuple[str, str, list[str]], ...] = (
    ("Customer", "A person who placed at least one order in the online shop.", ["shopper"]),
    ("Order", "A confirmed purchase of one or more products, with its lines and payment.", []),
    ("Gross merchandise value", "Sum of order totals before refunds and cancellations.", ["GMV"]),
    (
        "Personal data",
        "Any information relating to an identified or identifiable person (GDPR).",
        ["PII"],
    ),
)
DEMO_DESCRIPTIONS = {
    "customers": (
        "One row per **customer**, with contact details and payment data (PII).",
        ["pii", "crm"],
        ["Customer", "Personal data"],
    ),
    "orders": (
        "Confirmed orders; `total_amount` feeds **gross merchandise value**.",
        ["sales"],
        ["Order", "Gross merchandise value"],
    ),
    "products": ("The product catalogue with list and cost prices.", ["sales"], []),
    "order_lines": ("One row per product in an order.", ["sales"], ["Order"]),
}
DEMO_CERTIFIED = ("orders", "products")
# The status check leaves out "returned" on purpose: the demo shows a failing check.
DEMO_CHECKS: tuple[tuple[str, str | None, str, str, dict[str, Any]], ...] = (
    ("customers", "email", "Every customer has an email", "not_null", {}),
    ("orders", "order_number", "Order numbers are unique", "unique", {}),
    (
        "orders",
        "status",
        "Order statuses are the documented ones",
        "accepted_values",
        {"values": ["processing", "shipped", "delivered", "cancelled"]},
    ),
    ("products", "unit_price", "Prices are positive", "range", {"min": 0.01}),
    ("orders", None, "Orders table is not empty", "row_count", {"min": 1}),
)


def demo_catalog_curate(*, source: DataSource) -> None:
    """What the demo steward did: a glossary, described and tagged tables, two certified tables
    and a handful of quality checks, each through the same audited services people use."""
    steward = User.objects.filter(username="steward").first()
    if steward is None:
        return
    assets = {asset.name: asset for asset in Asset.objects.filter(source=source)}
    terms = {
        name: glossary_term_create(
            actor=steward,
            data=TermData(name=name, definition=text, synonyms=synonyms, domain=source.domain),
        )
        for name, text, synonyms in DEMO_TERMS
    }
    for name, (description, tags, term_names) in DEMO_DESCRIPTIONS.items():
        if name in assets:
            changes = AssetChanges.of(
                description=description,
                tag_names=tags,
                terms=[terms[term] for term in term_names],
            )
            asset_curate(asset=assets[name], actor=steward, changes=changes)
    expires = timezone.now() + timedelta(days=180)
    for name in DEMO_CERTIFIED:
        if name in assets:
            asset_certify(asset=assets[name], actor=steward, expires_at=expires)
    for table, column_name, title, kind, params in DEMO_CHECKS:
        if table in assets:
            column = assets[table].columns.filter(name=column_name).first() if column_name else None
            quality_check_create(
                asset=assets[table],
                actor=steward,
                name=title,
                kind=kind,
                column=column,
                params=params,
            )


def _domain_ensure() -> Domain:
    name, code, description = DEMO_DOMAIN
    domain, created = Domain.objects.get_or_create(
        code=code, defaults={"name": name, "description": description}
    )
    if created:
        domain.owner = User.objects.filter(username="owner").first()
        domain.save(update_fields=["owner"])
        domain.stewards.set(User.objects.filter(username="steward"))
    return domain


def _source_register(url: str, domain: Domain) -> DataSource:
    from catalog.scans.connectors import ConnectionSpec

    spec = ConnectionSpec.from_url(url)
    admin = User.objects.filter(username="admin").first()
    return source_create(
        actor=admin,
        name=DEMO_SOURCE_NAME,
        kind=spec.kind,
        description="The synthetic online retailer `load_demo` builds, with realistic fake PII.",
        host=spec.host,
        port=spec.port,
        database=spec.database,
        username=spec.username,
        password=spec.password,
        path=spec.path,
        options=dict(spec.options),
        include_schemas=[WAREHOUSE_SCHEMA] if spec.kind == "postgresql" else [],
        owner=User.objects.filter(username="owner").first(),
        domain=domain,
        schedule="daily",
    )
