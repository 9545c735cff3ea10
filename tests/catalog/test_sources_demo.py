"""The demo registers the sample warehouse as a source and queues its first scan, once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.crypto import credential_decrypt
from catalog.demo import DEMO_SOURCE_NAME, demo_source_load
from catalog.models import DataSource, ScanRun, ScanStatus
from tests.factories import UserFactory
from workbench.accounts.models import User

pytestmark = pytest.mark.django_db


def test_demo_source_is_registered_and_scanned_once(
    warehouse_path: Path, admin: User, django_capture_on_commit_callbacks
) -> None:
    steward = UserFactory(username="steward")
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
    run = ScanRun.objects.get()
    assert run.status == ScanStatus.QUEUED
    assert run.requested_by is None
    assert len(queued) == 1


def test_demo_source_on_postgresql_reads_the_warehouse_schema(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks():
        demo_source_load(warehouse_url="postgresql://reader:pw-1@db.example:6543/analytics")
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
    assert ScanRun.objects.count() == 1
