"""Access requests and grants, through their services: routing, refusals, decisions, one grant per
approval, revocation, expiry, notices, reminders and escalation (each once), all audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import UserFactory
from tests.governance.requests.conftest import PURPOSE, AccessWorld
from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.accounts.services import user_set_roles
from workbench.audit.models import AuditEvent
from workbench.governance import grants, requests
from workbench.governance.models import AccessRequest, Grant, RequestStatus
from workbench.governance.policy import decide
from workbench.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _kinds(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _audited(action: str, outcome: str = "done") -> int:
    return AuditEvent.objects.filter(action=action, outcome=outcome).count()


# --- create -------------------------------------------------------------------------------------


def test_request_is_routed_to_the_stewards_and_owner_and_audited(
    pending: AccessRequest, steward: User, owner: User, analyst: User
) -> None:
    assert pending.status == RequestStatus.PENDING
    assert pending.due_at == pending.created_at + timedelta(hours=4)
    assert _kinds(steward) == ["access_request_pending"]
    assert _kinds(owner) == ["access_request_pending"]
    assert _kinds(analyst) == []
    event = AuditEvent.objects.get(action="governance.request.created")
    assert event.actor == analyst
    assert event.detail["request_action"] == "preview"
    assert event.purpose == PURPOSE


def test_request_without_stewards_goes_to_platform_admins(
    make_request: Any, access_world: AccessWorld, admin: User, steward: User
) -> None:
    access_world.retail.stewards.clear()
    access_world.retail.owner = None
    access_world.retail.save()
    make_request()
    assert _kinds(admin) == ["access_request_pending"]
    assert _kinds(steward) == []


def test_duplicate_pending_request_is_refused(make_request: Any, pending: AccessRequest) -> None:
    with pytest.raises(requests.AccessRequestConflict, match="already asked"):
        make_request()
    assert AccessRequest.objects.count() == 1


def test_the_database_keeps_one_pending_request_per_action(pending: AccessRequest) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.create(
            requester=pending.requester,
            asset=pending.asset,
            action=pending.action,
            purpose_category="analytics",
            purpose=PURPOSE,
            due_at=timezone.now(),
        )


def test_a_request_for_another_action_is_not_a_duplicate(
    make_request: Any, pending: AccessRequest
) -> None:
    other = make_request(action="export")
    assert other.pk != pending.pk


def test_request_refused_when_the_policy_already_allows(make_request: Any, steward: User) -> None:
    with pytest.raises(requests.AccessRequestConflict, match="no request is needed"):
        make_request(requester=steward)  # stewards preview their own domain's data
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"purpose": "because"}, "purpose", id="purpose-too-short"),
        pytest.param({"purpose": " " * 40}, "purpose", id="purpose-blank"),
        pytest.param({"purpose_category": "fun"}, "purpose_category", id="bad-category"),
        pytest.param({"duration_days": 0}, "duration_days", id="zero-days"),
        pytest.param({"duration_days": 366}, "duration_days", id="over-a-year"),
        pytest.param({"action": "curate"}, "action", id="not-grantable"),
        pytest.param({"action": "discover", "unmasked": True}, "unmasked", id="unmasked-discover"),
    ],
)
def test_invalid_request_is_refused_field_by_field(
    make_request: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(requests.AccessRequestError) as caught:
        make_request(**changes)
    assert field in caught.value.fields
    assert not AccessRequest.objects.exists()


def test_request_for_an_asset_the_user_cannot_find_is_refused(
    make_request: Any, access_world: AccessWorld, analyst: User
) -> None:
    access_world.customers.classification = 3  # restricted: not listed for the analyst
    access_world.customers.save()
    from workbench.governance.policy import asset_access_refresh

    asset_access_refresh(access_world.customers)
    with pytest.raises(requests.AccessRequestDenied):
        make_request()
    assert not AccessRequest.objects.exists()


# --- decide -------------------------------------------------------------------------------------


def test_approval_opens_one_grant_with_its_permission(
    pending: AccessRequest, steward: User, analyst: User, owner: User
) -> None:
    assert not decide(user=analyst, action="preview", asset=pending.asset).allowed
    decided = requests.access_request_approve(
        access_request=pending, approver=steward, comment="OK for the campaign"
    )
    assert decided.status == RequestStatus.APPROVED
    assert decided.decided_by == steward
    grant = Grant.objects.get(request=pending)
    assert grant.user == analyst
    assert grant.approved_by == steward
    assert grant.expires_at - grant.starts_at == timedelta(days=30)
    fresh = User.objects.get(pk=analyst.pk)
    assert fresh.has_perm("catalog.grant_preview", pending.asset)
    decision = decide(user=fresh, action="preview", asset=pending.asset)
    assert decision.allowed
    assert decision.grant_id == grant.pk
    assert "access_request_decided" in _kinds(analyst)
    assert _kinds(owner).count("access_request_decided") == 1  # the other approver is told
    assert _audited("governance.request.approved") == 1
    assert _audited("governance.grant.created") == 1


def test_deny_needs_a_comment_and_tells_the_requester(
    pending: AccessRequest, steward: User, analyst: User
) -> None:
    with pytest.raises(requests.AccessRequestError) as caught:
        requests.access_request_deny(access_request=pending, approver=steward, comment="")
    assert "comment" in caught.value.fields
    requests.access_request_deny(
        access_request=pending, approver=steward, comment="Use the aggregated table"
    )
    pending.refresh_from_db()
    assert pending.status == RequestStatus.DENIED
    assert pending.decision_comment == "Use the aggregated table"
    assert not Grant.objects.exists()
    notice = Notification.objects.get(recipient=analyst, kind="access_request_decided")
    assert "denied" in notice.title
    assert "aggregated" in notice.body


def test_a_decided_request_cannot_be_decided_again(
    pending: AccessRequest, steward: User, owner: User
) -> None:
    requests.access_request_approve(access_request=pending, approver=steward)
    with pytest.raises(requests.AccessRequestConflict, match="already approved by steward"):
        requests.access_request_deny(access_request=pending, approver=owner, comment="No way!")
    assert Grant.objects.count() == 1


def test_self_approval_is_refused_and_audited(
    pending: AccessRequest, analyst: User, access_world: AccessWorld
) -> None:
    # The requester became a steward of the domain after asking: still not their own judge.
    user_set_roles(user=analyst, roles=[Role.DATA_STEWARD, Role.BUSINESS_USER])
    access_world.retail.stewards.add(analyst)
    analyst = User.objects.get(pk=analyst.pk)
    with pytest.raises(requests.AccessRequestDenied, match="your own"):
        requests.access_request_approve(access_request=pending, approver=analyst)
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert not Grant.objects.exists()
    assert _audited("governance.request.approved", "denied") == 1


def test_the_database_refuses_a_self_decided_request(pending: AccessRequest) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRequest.objects.filter(pk=pending.pk).update(decided_by=pending.requester)


def test_a_steward_of_another_domain_cannot_decide(
    pending: AccessRequest, access_world: AccessWorld
) -> None:
    with pytest.raises(requests.AccessRequestDenied, match="steward or owner"):
        requests.access_request_approve(
            access_request=pending, approver=access_world.finance_steward
        )
    assert not Grant.objects.exists()


def test_a_business_user_cannot_decide(pending: AccessRequest, roles: None) -> None:
    colleague = UserFactory(username="colleague", roles=[Role.BUSINESS_USER])
    with pytest.raises(requests.AccessRequestDenied):
        requests.access_request_approve(access_request=pending, approver=colleague)
    assert not Grant.objects.exists()


def test_platform_admin_may_decide_anywhere(pending: AccessRequest, admin: User) -> None:
    requests.access_request_approve(access_request=pending, approver=admin)
    assert Grant.objects.filter(request=pending, approved_by=admin).exists()


def test_cancel_by_the_requester_only(pending: AccessRequest, analyst: User, steward: User) -> None:
    with pytest.raises(requests.AccessRequestDenied):
        requests.access_request_cancel(access_request=pending, actor=steward)
    requests.access_request_cancel(access_request=pending, actor=analyst)
    pending.refresh_from_db()
    assert pending.status == RequestStatus.CANCELLED
    assert _audited("governance.request.cancelled") == 1
    with pytest.raises(requests.AccessRequestConflict):
        requests.access_request_approve(access_request=pending, approver=steward)


# --- grants: revoke -----------------------------------------------------------------------------


@pytest.fixture
def grant(pending: AccessRequest, steward: User) -> Grant:
    requests.access_request_approve(access_request=pending, approver=steward)
    return Grant.objects.get(request=pending)


def test_revoke_removes_the_permission_and_tells_the_grantee(
    grant: Grant, owner: User, analyst: User
) -> None:
    revoked = grants.grant_revoke(grant=grant, actor=owner, reason="Campaign is over, thanks")
    assert revoked.revoked_by == owner
    assert not User.objects.get(pk=analyst.pk).has_perm("catalog.grant_preview", grant.asset)
    assert not decide(user=analyst, action="preview", asset=grant.asset).allowed
    assert "grant_revoked" in _kinds(analyst)
    event = AuditEvent.objects.get(action="governance.grant.revoked", outcome="done")
    assert event.reason == "Campaign is over, thanks"
    with pytest.raises(grants.GrantConflict, match="already revoked"):
        grants.grant_revoke(grant=grant, actor=owner, reason="Twice is too many")


def test_revoke_keeps_the_permission_while_another_live_grant_holds_it(
    grant: Grant, owner: User, analyst: User
) -> None:
    now = timezone.now()
    Grant.objects.create(
        user=analyst,
        asset=grant.asset,
        action="preview",
        purpose_category="analytics",
        purpose=PURPOSE,
        approved_by=owner,
        starts_at=now,
        expires_at=now + timedelta(days=5),
    )
    grants.grant_revoke(grant=grant, actor=owner, reason="Superseded by the newer grant")
    assert User.objects.get(pk=analyst.pk).has_perm("catalog.grant_preview", grant.asset)


def test_revoke_needs_a_steward_of_the_domain_and_a_reason(
    grant: Grant, access_world: AccessWorld, analyst: User, steward: User
) -> None:
    with pytest.raises(grants.GrantDenied):
        grants.grant_revoke(grant=grant, actor=access_world.finance_steward, reason="Not mine..")
    with pytest.raises(grants.GrantDenied):
        grants.grant_revoke(grant=grant, actor=analyst, reason="I revoke my own grant")
    with pytest.raises(grants.GrantError) as caught:
        grants.grant_revoke(grant=grant, actor=steward, reason="no")
    assert "reason" in caught.value.fields
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert _audited("governance.grant.revoked", "denied") == 2


# --- grants: expiry and notice ------------------------------------------------------------------


def test_expiry_sweep_ends_due_grants_once(grant: Grant, analyst: User) -> None:
    later = grant.expires_at + timedelta(minutes=1)
    assert grants.grants_expire_due(now=grant.expires_at - timedelta(minutes=1)) == 0
    assert grants.grants_expire_due(now=later) == 1
    assert grants.grants_expire_due(now=later) == 0
    grant.refresh_from_db()
    assert grant.expired_at == later
    assert not User.objects.get(pk=analyst.pk).has_perm("catalog.grant_preview", grant.asset)
    assert _audited("governance.grant.expired") == 1
    expired = Notification.objects.filter(recipient=analyst, title__contains="has expired")
    assert expired.count() == 1


def test_revoked_grants_are_not_expired_again(grant: Grant, owner: User) -> None:
    grants.grant_revoke(grant=grant, actor=owner, reason="Not needed any more")
    assert grants.grants_expire_due(now=grant.expires_at + timedelta(days=1)) == 0


def test_expiry_notice_is_sent_once_within_the_notice_period(
    grant: Grant, analyst: User, settings: Any
) -> None:
    settings.GRANT_EXPIRY_NOTICE_DAYS = 3
    assert grants.grants_notify_expiring(now=grant.expires_at - timedelta(days=4)) == 0
    soon = grant.expires_at - timedelta(days=2)
    assert grants.grants_notify_expiring(now=soon) == 1
    assert grants.grants_notify_expiring(now=soon + timedelta(hours=1)) == 0
    notices = Notification.objects.filter(recipient=analyst, kind="grant_expiring")
    assert notices.count() == 1
    assert "expires in 2 days" in notices.get().title


# --- reminders and escalation -------------------------------------------------------------------


def test_reminder_fires_once_after_the_sla(
    pending: AccessRequest, steward: User, owner: User
) -> None:
    assert requests.access_requests_remind(now=pending.due_at - timedelta(minutes=5)) == 0
    later = pending.due_at + timedelta(hours=1)
    assert requests.access_requests_remind(now=later) == 1
    assert requests.access_requests_remind(now=later + timedelta(hours=1)) == 0
    pending.refresh_from_db()
    assert pending.reminded_at == later
    reminder = Notification.objects.get(recipient=steward, kind="access_request_reminder")
    assert "Overdue" in reminder.title
    assert _audited("governance.request.reminded") == 1


def test_escalation_goes_once_to_the_domain_owner(
    pending: AccessRequest, steward: User, owner: User, settings: Any
) -> None:
    settings.ACCESS_ESCALATION_HOURS = 4
    assert requests.access_requests_escalate(now=pending.due_at + timedelta(hours=3)) == 0
    later = pending.due_at + timedelta(hours=5)
    assert requests.access_requests_escalate(now=later) == 1
    assert requests.access_requests_escalate(now=later + timedelta(hours=5)) == 0
    escalated = Notification.objects.filter(title__startswith="Escalated")
    assert list(escalated.values_list("recipient__username", flat=True)) == ["owner"]
    assert _audited("governance.request.escalated") == 1


def test_decided_requests_are_neither_reminded_nor_escalated(
    pending: AccessRequest, steward: User
) -> None:
    requests.access_request_approve(access_request=pending, approver=steward)
    much_later = pending.due_at + timedelta(days=3)
    assert requests.access_requests_remind(now=much_later) == 0
    assert requests.access_requests_escalate(now=much_later) == 0


def test_sla_text_reads_like_a_clock(pending: AccessRequest) -> None:
    assert requests.sla_text(pending, now=pending.due_at - timedelta(hours=2)) == "due in 2 h"
    assert requests.sla_text(pending, now=pending.due_at + timedelta(hours=1)) == "overdue by 1 h"
