"""The demo's data source: the sample warehouse that `load_demo` built, registered and queued for
its first scan, so a new user signs in to a populated catalog."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from catalog.models import DataSource, Domain, ScanRun
from catalog.services.scans import scan_run_start
from catalog.services.sources import source_create
from workbench.accounts.models import User

DEMO_SOURCE_NAME = "Sample warehouse"
DEMO_DOMAIN = ("Retail", "retail", "Orders, customers, products and payments of the online shop.")
WAREHOUSE_SCHEMA = "warehouse"  # where load_warehouse builds it on PostgreSQL


@dataclass(frozen=True)
class DemoSourceSummary:
    source: DataSource
    created: bool
    run: ScanRun | None  # the first scan, when this call queued it


def demo_source_load(*, warehouse_url: str | None = None) -> DemoSourceSummary:
    """Register the sample warehouse once; queue its first scan if it was never scanned."""
    with transaction.atomic():
        domain = _domain_ensure()
        source = DataSource.objects.filter(name=DEMO_SOURCE_NAME).first()
        created = source is None
        if source is None:
            source = _source_register(warehouse_url or settings.WAREHOUSE_URL, domain)
        run = None
        if not source.scan_runs.exists():
            run, _ = scan_run_start(source=source, requested_by=None)
    return DemoSourceSummary(source=source, created=created, run=run)


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
