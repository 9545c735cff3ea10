"""The demo's access requests and grants: pending (one overdue and reminded), denied, a grant
about to expire (announced), one expired by the sweep, one revoked; loading twice adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.demo import demo_source_load
from catalog.models import Asset, Classification
from workbench.audit.models import AuditEvent
from workbench.demo.organisation import organisation_load
from workbench.governance.demo import DEMO_REQUESTS, governance_demo_load
from workbench.governance.grants import grant_state
from workbench.governance.models import AccessRequest, Grant
from workbench.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_requests_and_grants_load_once(
    warehouse_path: Path, django_capture_on_commit_callbacks
) -> None:
    organisation_load(password="demo-pass-for-tests")
    with django_capture_on_commit_callbacks():
        demo_source_load(warehouse_url=f"sqlite:///{warehouse_path}")
        first = governance_demo_load()
        again = governance_demo_load()
    assert first.created == len(DEMO_REQUESTS)
    assert again.created == 0
    assert AccessRequest.objects.count() == len(DEMO_REQUESTS)
    assert Asset.objects.get(name="payments").classification == Classification.CONFIDENTIAL

    statuses = sorted(AccessRequest.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "approved", "denied", "pending", "pending"]
    states = sorted(grant_state(grant) for grant in Grant.objects.all())
    assert states == ["expired", "live", "revoked"]
    live = next(grant for grant in Grant.objects.all() if grant_state(grant) == "live")
    assert live.expiry_notified_at is not None  # about to expire, and told so
    assert live.user.has_perm("catalog.grant_preview", live.asset)
    expired = Grant.objects.get(expired_at__isnull=False)
    assert not expired.user.has_perm("catalog.grant_query", expired.asset)
    overdue = AccessRequest.objects.get(requester__username="hr", status="pending")
    assert overdue.reminded_at is not None
    assert Notification.objects.filter(kind="access_request_reminder").exists()
    assert AuditEvent.objects.filter(action="governance.grant.expired").count() == 1
    assert AuditEvent.objects.filter(action="governance.grant.revoked").count() == 1
