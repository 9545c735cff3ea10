"""governance_metrics recomputed from the raw records: audit events of the data path, access
requests' decision times and grants' states; the overview page and the API show them."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.governance.pages.conftest import OversightWorld
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.metrics import CONTENT_AUDIT_ACTIONS, governance_metrics
from workbench.governance.models import AccessRequest, Grant, RequestStatus

pytestmark = pytest.mark.django_db

DECISION_HOURS = [0.5, 2.0, 3.0, 5.0, 26.0]


def inclusive_percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def record(actor: User, action: str, outcome: AuditOutcome, asset) -> None:
    audit_record(actor=actor, action=action, outcome=outcome, target=asset, reason="test")


@pytest.fixture
def history(oversight: OversightWorld, analyst: User, steward: User, admin: User):
    """Records around the moment `since` (returned): audit events cannot be back-dated, so the
    period starts between the first event and the rest; requests and grants are dated around it."""
    asset = oversight.confidential
    record(analyst, "governance.preview", AuditOutcome.DENIED, asset)  # before the period
    since = timezone.now()
    for action, outcome in [
        ("governance.preview", AuditOutcome.ALLOWED),
        ("governance.preview", AuditOutcome.DENIED),
        ("governance.export", AuditOutcome.DENIED),
        ("governance.query", AuditOutcome.FAILED),
        ("governance.detokenize", AuditOutcome.ALLOWED),
        ("governance.request.created", AuditOutcome.DONE),  # not a read of content
        ("catalog.asset.curate", AuditOutcome.DENIED),  # not governance at all
    ]:
        record(analyst, action, outcome, asset)
    for index, hours in enumerate(DECISION_HOURS):
        decided = since + timedelta(microseconds=index + 1)
        AccessRequest.objects.create(
            requester=analyst,
            asset=asset,
            action="preview",
            purpose_category="analytics",
            purpose="p",
            status=RequestStatus.APPROVED,
            created_at=decided - timedelta(hours=hours),
            due_at=decided,
            decided_at=decided,
            decided_by=steward,
        )
    AccessRequest.objects.create(  # decided long before the period
        requester=analyst,
        asset=asset,
        action="query",
        purpose_category="analytics",
        purpose="p",
        status=RequestStatus.DENIED,
        created_at=since - timedelta(days=60),
        due_at=since - timedelta(days=60),
        decided_at=since - timedelta(days=59),
        decided_by=steward,
    )
    AccessRequest.objects.create(
        requester=analyst,
        asset=asset,
        action="export",
        purpose_category="analytics",
        purpose="p",
        created_at=since - timedelta(hours=2),
        due_at=since + timedelta(hours=2),
    )

    def grant(starts, expires, revoked=None, action="preview"):
        return Grant.objects.create(
            user=analyst,
            asset=asset,
            action=action,
            purpose_category="analytics",
            purpose="p",
            approved_by=steward,
            starts_at=starts,
            expires_at=expires,
            revoked_at=revoked,
        )

    tick = timedelta(microseconds=10)
    grant(since - timedelta(days=3), since + timedelta(days=5))  # active
    grant(since - timedelta(days=3), since + timedelta(days=9), action="query")  # active
    grant(since - timedelta(days=10), since + tick)  # ran out in the period
    grant(since - timedelta(days=10), since + timedelta(days=1), revoked=since + tick)
    grant(since - timedelta(days=90), since - timedelta(days=60))  # ran out before the period
    return since


def test_metrics_recomputed_from_raw_records(history) -> None:
    until = timezone.now() + timedelta(seconds=1)
    metrics = governance_metrics(since=history, until=until)
    reads = AuditEvent.objects.filter(
        action__in=CONTENT_AUDIT_ACTIONS, occurred_at__gte=history, occurred_at__lt=until
    )
    attempts = reads.count()
    denied = reads.filter(outcome=AuditOutcome.DENIED).count()
    assert (attempts, denied) == (5, 2)
    assert metrics["content_attempts"] == attempts
    assert metrics["content_denied"] == denied
    assert metrics["policy_violation_rate"] == round(denied / attempts, 4)
    assert metrics["requests_decided"] == len(DECISION_HOURS)
    assert metrics["decision_time_median_hours"] == pytest.approx(3.0)
    assert metrics["decision_time_p90_hours"] == pytest.approx(
        round(inclusive_percentile(DECISION_HOURS, 0.9), 2)
    )
    assert metrics["requests_pending"] == 1
    assert (metrics["grants_active"], metrics["grants_expired"], metrics["grants_revoked"]) == (
        2,
        1,
        1,
    )


def test_metrics_without_records_are_empty_not_zero(db) -> None:
    now = timezone.now()
    metrics = governance_metrics(since=now - timedelta(days=1), until=now)
    assert metrics["policy_violation_rate"] is None
    assert metrics["decision_time_median_hours"] is None
    assert metrics["grants_active"] == 0


def test_metrics_refuse_an_empty_period(db) -> None:
    now = timezone.now()
    with pytest.raises(ValueError, match="earlier"):
        governance_metrics(since=now, until=now)


def test_metrics_api_four_ways(api_client_for, outsider, analyst, steward, auditor, history):
    url = reverse("api-governance-metrics")
    assert api_client_for(None).get(url).status_code in (401, 403)
    for user in (outsider, analyst):
        assert api_client_for(user).get(url).status_code == 403
    for user in (steward, auditor):
        body = api_client_for(user).get(url, {"days": 7}).json()
        assert body["content_attempts"] == 6  # the one before `history` is within 7 days too
        assert body["requests_decided"] == len(DECISION_HOURS)
    bad = api_client_for(auditor).get(url, {"days": 0})
    assert bad.status_code == 400
    assert "days" in bad.json()["error"]["fields"]
    past = api_client_for(auditor).get(url, {"until": "2020-01-01T00:00:00Z", "days": 366})
    assert past.status_code == 200
    assert past.json()["content_attempts"] == 0
    assert past.json()["since"].startswith("2018-12-31")


def test_overview_shows_metrics_to_overseers_only(client_for, analyst, steward, history) -> None:
    steward_html = client_for(steward).get(reverse("governance:overview")).content.decode()
    assert 'data-testid="governance-metrics"' in steward_html
    assert 'data-metric="policy_violation_rate">50.0' in steward_html  # 3 of 6 in 30 days
    analyst_html = client_for(analyst).get(reverse("governance:overview")).content.decode()
    assert 'data-testid="governance-metrics"' not in analyst_html
