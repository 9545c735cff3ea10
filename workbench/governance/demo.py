"""Access requests and grants in the demo: the steward classifies the sample warehouse's payment,
address and staff tables confidential, and the demo organisation has asked for access to them —
pending requests (one overdue), a denied one, a grant about to expire, one expired by the sweep and
one revoked. Everything goes through the same audited services people use, then the timestamps
are moved back to make the history. Idempotent: a request that exists is left alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from catalog.demo import DEMO_SOURCE_NAME
from catalog.models import Asset, AssetStatus, Classification
from catalog.services.curation import AssetChanges, asset_curate
from workbench.accounts.models import User
from workbench.governance import grants, requests
from workbench.governance.models import AccessRequest, Grant

logger = logging.getLogger(__name__)

DEMO_CONFIDENTIAL = ("payments", "customer_addresses", "employees")


@dataclass(frozen=True)
class DemoRequest:
    requester: str
    table: str
    action: str
    purpose_category: str
    purpose: str
    duration_days: int
    age_hours: float  # how long ago it was asked
    outcome: str  # pending, denied, live, expired, revoked
    decided_by: str = ""
    comment: str = ""
    unmasked: bool = False


DEMO_REQUESTS: tuple[DemoRequest, ...] = (
    DemoRequest(
        "analyst",
        "payments",
        "preview",
        "analytics",
        "Compare payment methods by region for the checkout conversion study.",
        30,
        age_hours=1,
        outcome="pending",
    ),
    DemoRequest(
        "hr",
        "employees",
        "query",
        "compliance",
        "Headcount per department for the yearly learning and development report.",
        14,
        age_hours=7,
        outcome="pending",
    ),
    DemoRequest(
        "analyst",
        "customer_addresses",
        "preview",
        "analytics",
        "Check postcode coverage before the regional delivery campaign.",
        30,
        age_hours=28 * 24,
        outcome="live",
        decided_by="steward",
        comment="Approved for the campaign; masked values are enough.",
    ),
    DemoRequest(
        "reviewer",
        "payments",
        "query",
        "model_development",
        "Sample payment outcomes to validate the fraud model's training data.",
        30,
        age_hours=40 * 24,
        outcome="expired",
        decided_by="owner",
        comment="For the validation sprint only.",
    ),
    DemoRequest(
        "reviewer",
        "employees",
        "preview",
        "compliance",
        "Review who can see salary bands for the AI council's fairness audit.",
        30,
        age_hours=10 * 24,
        outcome="revoked",
        decided_by="steward",
        comment="Approved until the audit ends.",
    ),
    DemoRequest(
        "hr",
        "payments",
        "export",
        "operations",
        "Export all card payments with full card numbers for a reconciliation spreadsheet.",
        90,
        age_hours=3 * 24,
        outcome="denied",
        decided_by="owner",
        comment="Card numbers never leave the warehouse; use the finance reconciliation report.",
        unmasked=True,
    ),
)


@dataclass(frozen=True)
class GovernanceRequestsDemo:
    created: int
    skipped: int


def governance_demo_load() -> GovernanceRequestsDemo:
    """Load the demo's requests and grants (after the catalog demo catalogued the warehouse)."""
    assets = {
        asset.name: asset
        for asset in Asset.objects.filter(
            source__name=DEMO_SOURCE_NAME, status=AssetStatus.ACTIVE, name__in=_tables()
        )
    }
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    if not assets or "steward" not in people:
        return GovernanceRequestsDemo(created=0, skipped=len(DEMO_REQUESTS))
    _classify(assets, people["steward"])
    created = skipped = 0
    for item in DEMO_REQUESTS:
        if _load_one(item, assets, people):
            created += 1
        else:
            skipped += 1
    # The beat sweeps, as they would have run: the grant that ran out ends, the one ending soon
    # is announced, the overdue request is reminded.
    grants.grants_expire_due()
    grants.grants_notify_expiring()
    requests.access_requests_remind()
    return GovernanceRequestsDemo(created=created, skipped=skipped)


def _tables() -> set[str]:
    return set(DEMO_CONFIDENTIAL) | {item.table for item in DEMO_REQUESTS}


def _classify(assets: dict[str, Asset], steward: User) -> None:
    for name in DEMO_CONFIDENTIAL:
        asset = assets.get(name)
        if asset is not None and asset.classification < Classification.CONFIDENTIAL:
            changes = AssetChanges.of(classification=Classification.CONFIDENTIAL)
            assets[name] = asset_curate(asset=asset, actor=steward, changes=changes)


def _load_one(item: DemoRequest, assets: dict[str, Asset], people: dict[str, User]) -> bool:
    asset = assets.get(item.table)
    requester = people.get(item.requester)
    if asset is None or requester is None:
        return False
    if AccessRequest.objects.filter(requester=requester, asset=asset, action=item.action).exists():
        return False
    try:
        access_request = requests.access_request_create(
            requester=requester,
            asset=asset,
            action=item.action,
            unmasked=item.unmasked,
            purpose_category=item.purpose_category,
            purpose=item.purpose,
            duration_days=item.duration_days,
        )
    except requests.AccessRequestError as error:  # the policies changed: say so, go on
        logger.warning("demo: request %s/%s skipped: %s", item.requester, item.table, error)
        return False
    _decide(item, access_request, people)
    _backdate(item, access_request)
    return True


def _decide(item: DemoRequest, access_request: AccessRequest, people: dict[str, User]) -> None:
    approver = people.get(item.decided_by)
    if item.outcome == "pending" or approver is None:
        return
    if item.outcome == "denied":
        requests.access_request_deny(
            access_request=access_request, approver=approver, comment=item.comment
        )
        return
    requests.access_request_approve(
        access_request=access_request, approver=approver, comment=item.comment
    )
    if item.outcome == "revoked":
        grants.grant_revoke(
            grant=Grant.objects.get(request=access_request),
            actor=people.get("owner") or approver,
            reason="The fairness audit finished; access is no longer needed.",
        )


def _backdate(item: DemoRequest, access_request: AccessRequest) -> None:
    """Move the history back in time, as if it had happened over the past weeks."""
    now = timezone.now()
    asked = now - timedelta(hours=item.age_hours)
    sla = access_request.due_at - access_request.created_at
    changes: dict[str, object] = {"created_at": asked, "due_at": asked + sla}
    decided = asked + timedelta(hours=2, minutes=15)
    if item.outcome != "pending":
        changes["decided_at"] = decided
    AccessRequest.objects.filter(pk=access_request.pk).update(**changes)
    grant_changes: dict[str, object] = {
        "starts_at": decided,
        "expires_at": decided + timedelta(days=item.duration_days),
    }
    if item.outcome == "revoked":
        grant_changes["revoked_at"] = decided + timedelta(days=5)
    Grant.objects.filter(request=access_request).update(**grant_changes)
