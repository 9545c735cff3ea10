"""The demo registers the sample warehouse as a source and queues its first scan, once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.crypto import credential_decrypt
from catalog.demo import DEMO_SOURCE_NAME, demo_source_load
from catalog.models import Asset, DataSource, GlossaryTerm, QualityCheck, ScanRun, ScanStatus
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_source_is_registered_and_scanned_once(
    warehouse_path: Path, admin: User, steward: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        first = demo_source_load(warehouse_url=f"sqlite:///{warehouse_path}")
        again = demo_source_load(warehouse_url=f"sqlite:///{warehouse_path}")

    source = DataSource.objects.get()
    assert first.created
    assert not again.created
    assert again.run is None
    assert (source.name, source.kind, source.path) == (
        DEMO_SOURCE_NAME,
        "sqlite",
        str(warehouse_path),
    )
    assert source.created_by == admin
    assert source.scan_schedule is not None
    assert source.domain is not None
    assert list(source.domain.stewards.all()) == [steward]
    # The tables were catalogued on the spot and the full scan is queued for the worker.
    metadata_run, full_run = ScanRun.objects.order_by("pk")
    assert (metadata_run.kind, metadata_run.status) == ("metadata", ScanStatus.SUCCEEDED)
    assert (full_run.kind, full_run.status) == ("full", ScanStatus.QUEUED)
    assert full_run.requested_by is None
    assert first.run == full_run
    # Both scan tasks are queued (the metadata one finds its run done); the other callbacks
    # record the certifications as literacy platform events.
    scan_tasks = [c for c in queued if "_run_queued" in c.__qualname__]
    assert len(scan_tasks) == 2


def test_demo_catalog_is_curated_like_a_steward_would(
    warehouse_path: Path, admin: User, steward: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks():
        demo_source_load(warehouse_url=f"sqlite:///{warehouse_path}")

    orders = Asset.objects.get(name="orders")
    customers = Asset.objects.get(name="customers")
    assert orders.is_certified
    assert orders.certification_expires_at is not None
    assert "gross merchandise value" in orders.description
    assert {term.name for term in customers.terms.all()} == {"Customer", "Personal data"}
    assert {tag.name for tag in customers.tags.all()} == {"pii", "crm"}
    assert GlossaryTerm.objects.count() == 4
    assert QualityCheck.objects.filter(asset__source__name=DEMO_SOURCE_NAME).count() == 5
    # Curation went through the audited services, as the demo steward.
    assert (
        AuditEvent.objects.filter(actor_username="steward", action="catalog.asset.certify").count()
        == 2
    )


def test_demo_source_on_postgresql_reads_the_warehouse_schema(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks():
        demo_source_load(
            warehouse_url="postgresql://reader:pw-1@db.example:6543/analytics", curate=False
        )
    source = DataSource.objects.get()
    assert (source.kind, source.host, source.port, source.database, source.username) == (
        "postgresql",
        "db.example",
        6543,
        "analytics",
        "reader",
    )
    assert source.include_schemas == ["warehouse"]
    assert credential_decrypt(source.password_encrypted) == "pw-1"


def test_load_demo_registers_the_source(
    settings, monkeypatch: pytest.MonkeyPatch, warehouse_path: Path
) -> None:
    settings.DEMO_MODE = True
    settings.WAREHOUSE_URL = f"sqlite:///{warehouse_path}"
    monkeypatch.setenv("WORKBENCH_DEMO_PASSWORD", "demo-pass-for-tests")
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"Catalog source “{DEMO_SOURCE_NAME}” registered; its first scan is queued." in (
        out.getvalue()
    )
    assert DataSource.objects.get().created_by == User.objects.get(username="admin")
    assert list(ScanRun.objects.order_by("pk").values_list("kind", "status")) == [
        ("metadata", "succeeded"),
        ("full", "queued"),
    ]
    assert Asset.objects.filter(is_certified=True).count() == 2
