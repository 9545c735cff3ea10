"""A scan that ends failed tells the source's owner and its domain's stewards; only those who may
open the source's pages get the error text and the link."""

from __future__ import annotations

import pytest

from catalog.models import ScanStatus
from workbench.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_failed_scan_notifies_owner_and_stewards(
    sqlite_source,
    run_scan,
    admin,
    retail_steward,
    warehouse_path,
    django_capture_on_commit_callbacks,
) -> None:
    sqlite_source.owner = admin
    sqlite_source.save(update_fields=["owner"])
    warehouse_path.unlink()
    with django_capture_on_commit_callbacks(execute=False):
        run = run_scan(sqlite_source)
    assert run.status == ScanStatus.FAILED
    to_owner = Notification.objects.get(recipient=admin)
    assert to_owner.kind == NotificationKind.SCAN_FAILED
    assert to_owner.title == "Scan of Warehouse failed"
    assert to_owner.url == f"/catalog/sources/scans/{run.pk}/"
    assert to_owner.body
    assert to_owner.body in run.error
    assert (to_owner.target_type, to_owner.target_id) == (
        "catalog.datasource",
        str(sqlite_source.pk),
    )
    to_steward = Notification.objects.get(recipient=retail_steward)
    assert to_steward.url == ""
    assert run.error[:20] not in to_steward.body
    assert "platform admin" in to_steward.body


def test_successful_scan_notifies_nobody(sqlite_source, run_scan, admin) -> None:
    sqlite_source.owner = admin
    sqlite_source.save(update_fields=["owner"])
    run = run_scan(sqlite_source)
    assert run.status == ScanStatus.SUCCEEDED
    assert not Notification.objects.filter(kind=NotificationKind.SCAN_FAILED).exists()
