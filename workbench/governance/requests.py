"""Access requests: a user asks to do one action on one asset for a purpose and a time; the
asset's stewards and owner (and its domain's) decide; an approval opens one grant.

Routing: the asset's owner and stewards and its domain's owner and stewards who hold
`governance.decide_accessrequest`; when there is nobody, platform admins. Nobody decides their
own request (the database refuses it too). The SLA clock, reminders and escalation to the data
owner run from the beat schedule (`workbench.governance.tasks`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from catalog.models import Asset, user_is_platform_admin
from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.actions import CONTENT_ACTIONS, GRANTABLE_ACTIONS, Action
from workbench.governance.grants import grant_create_from_request
from workbench.governance.models import AccessRequest, PurposeCategory, RequestStatus
from workbench.governance.notices import notify_users

logger = logging.getLogger(__name__)

DECIDE_PERMISSION = "governance.decide_accessrequest"
REQUEST_PERMISSION = "catalog.view_asset"
PURPOSE_MIN_LENGTH = 20
PURPOSE_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 2000
DENY_COMMENT_MIN_LENGTH = 5
DURATION_MIN_DAYS = 1
DURATION_MAX_DAYS = 365
DURATION_DEFAULT_DAYS = 30
GRANTABLE_VALUES = frozenset(action.value for action in GRANTABLE_ACTIONS)


class AccessRequestError(Exception):
    """The request is invalid; `fields` names what is wrong, field by field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class AccessRequestDenied(AccessRequestError):
    """The actor may not do this with the request (not a steward of it, or their own)."""


class AccessRequestConflict(AccessRequestError):
    """The request clashes with the current state: a duplicate, or already decided."""


# --- routing ----------------------------------------------------------------------------------


def access_request_approvers(asset: Asset) -> list[User]:
    """Who decides requests on the asset: its and its domain's stewards and owners holding the
    decide permission; platform admins when there is none."""
    candidates: list[User] = []
    if asset.owner_id:
        candidates.append(asset.owner)  # type: ignore[arg-type]
    candidates.extend(asset.stewards.all())
    if asset.domain_id:
        domain = asset.domain
        assert domain is not None
        if domain.owner_id:
            candidates.append(domain.owner)  # type: ignore[arg-type]
        candidates.extend(domain.stewards.all())
    approvers = _unique(u for u in candidates if u.is_active and u.has_perm(DECIDE_PERMISSION))
    return approvers or platform_admins()


def access_request_escalation_targets(asset: Asset) -> list[User]:
    """The data owner of the asset's domain (else the asset's owner, else platform admins)."""
    for owner in (asset.domain.owner if asset.domain_id else None, asset.owner):  # type: ignore[union-attr]
        if owner is not None and owner.is_active:
            return [owner]
    return platform_admins()


def platform_admins() -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=Role.PLATFORM_ADMIN.value))
        .distinct()
        .order_by("pk")
    )


def _unique(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.pk, user)
    return list(seen.values())


# --- who may ----------------------------------------------------------------------------------


def access_request_may_decide(*, user: User, access_request: AccessRequest) -> bool:
    """A steward or owner of the asset or its domain, or a platform admin, and never the
    requester."""
    if not (user.is_authenticated and user.is_active and user.has_perm(DECIDE_PERMISSION)):
        return False
    if access_request.requester_id == user.pk:
        return False
    if user_is_platform_admin(user):
        return True
    return Asset.objects.curatable_by(user).filter(pk=access_request.asset_id).exists()


# --- create -----------------------------------------------------------------------------------


def access_request_create(
    *,
    requester: User,
    asset: Asset,
    action: str,
    purpose_category: str,
    purpose: str,
    unmasked: bool = False,
    duration_days: int = DURATION_DEFAULT_DAYS,
    now: datetime | None = None,
) -> AccessRequest:
    """Queue a request for the asset's approvers and tell them; audited.

    Refused when the input is invalid, when the user may already do it (nothing to ask), when no
    grant could open it (a policy denies it outright), or when the same request is pending."""
    now = now or timezone.now()
    purpose = (purpose or "").strip()
    _check_input(action, purpose_category, purpose, unmasked, duration_days)
    if not Asset.objects.visible_to(requester, "discover").filter(pk=asset.pk).exists():
        raise AccessRequestDenied("You can request access only to assets you can find.")
    _check_needed(requester, asset, action, unmasked, purpose, purpose_category)
    _check_not_pending(requester, asset, action)
    try:
        with transaction.atomic():
            access_request = AccessRequest.objects.create(
                requester=requester,
                asset=asset,
                action=action,
                unmasked=unmasked,
                purpose_category=purpose_category,
                purpose=purpose,
                duration_days=duration_days,
                created_at=now,
                due_at=now + timedelta(hours=settings.ACCESS_SLA_HOURS),
            )
            _audit(requester, "governance.request.created", access_request)
            _tell_approvers_pending(access_request)
    except IntegrityError:
        # Two submissions at once: the partial unique constraint kept only the first.
        _check_not_pending(requester, asset, action)
        raise
    return access_request


def _check_input(
    action: str, purpose_category: str, purpose: str, unmasked: bool, duration_days: Any
) -> None:
    errors: dict[str, str] = {}
    if action not in GRANTABLE_VALUES:
        errors["action"] = "Choose one of: " + ", ".join(sorted(GRANTABLE_VALUES)) + "."
    elif unmasked and action not in CONTENT_ACTIONS:
        errors["unmasked"] = "Only actions that read data can be asked for unmasked."
    if purpose_category not in PurposeCategory.values:
        errors["purpose_category"] = "Choose a purpose category."
    if len(purpose) < PURPOSE_MIN_LENGTH:
        errors["purpose"] = (
            f"Describe the purpose in at least {PURPOSE_MIN_LENGTH} characters: stewards "
            "decide on it."
        )
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = f"At most {PURPOSE_MAX_LENGTH} characters."
    if (
        not isinstance(duration_days, int)
        or isinstance(duration_days, bool)
        or not DURATION_MIN_DAYS <= duration_days <= DURATION_MAX_DAYS
    ):
        errors["duration_days"] = f"From {DURATION_MIN_DAYS} to {DURATION_MAX_DAYS} days."
    if errors:
        raise AccessRequestError("The access request has invalid fields.", errors)


def _check_needed(
    requester: User, asset: Asset, action: str, unmasked: bool, purpose: str, category: str
) -> None:
    """Ask the policy engine: a request that changes nothing is refused, saying why."""
    from workbench.governance.policy import decide

    decision = decide(
        user=requester, action=action, asset=asset, purpose=purpose, purpose_category=category
    )
    label = Action(action).label.lower()
    if decision.allowed and not (unmasked and decision.masked):
        masked = " (masked)" if decision.masked and action in CONTENT_ACTIONS else ""
        raise AccessRequestConflict(
            f"You may already {action.replace('_', ' ')} this asset{masked}; no request is "
            "needed." + (" Ask for unmasked access if you need the values." if masked else ""),
            {"action": f"Already allowed: {label}."},
        )
    if not decision.allowed and not decision.needs_request:
        why = " ".join(decision.reasons) or "A policy forbids it."
        raise AccessRequestDenied(f"An access request cannot open this: {why}")


def _check_not_pending(requester: User, asset: Asset, action: str) -> None:
    pending = AccessRequest.objects.filter(
        requester=requester, asset=asset, action=action, status=RequestStatus.PENDING
    ).first()
    if pending is not None:
        raise AccessRequestConflict(
            f"You already asked to {action.replace('_', ' ')} this asset on "
            f"{pending.created_at:%Y-%m-%d}; that request (#{pending.pk}) is waiting for a "
            "decision.",
            {"action": "A request for this action is already pending."},
        )


# --- decide -----------------------------------------------------------------------------------


def access_request_approve(
    *, access_request: AccessRequest, approver: User, comment: str = ""
) -> AccessRequest:
    """Approve a pending request and open its grant, in one transaction.

    Two stewards approving at once: the row lock serialises them and the second finds the
    request decided (the OneToOne on Grant.request is the backstop), so there is one grant."""
    return _decide(access_request, approver, RequestStatus.APPROVED, comment)


def access_request_deny(
    *, access_request: AccessRequest, approver: User, comment: str
) -> AccessRequest:
    """Deny a pending request; the requester is told the comment."""
    if len((comment or "").strip()) < DENY_COMMENT_MIN_LENGTH:
        raise AccessRequestError(
            "Tell the requester why the request is denied.",
            {"comment": f"At least {DENY_COMMENT_MIN_LENGTH} characters."},
        )
    return _decide(access_request, approver, RequestStatus.DENIED, comment)


def _decide(
    access_request: AccessRequest, approver: User, status: RequestStatus, comment: str
) -> AccessRequest:
    comment = (comment or "").strip()
    verb = "approved" if status == RequestStatus.APPROVED else "denied"
    access_request_check_may_decide(access_request=access_request, user=approver, verb=verb)
    if len(comment) > COMMENT_MAX_LENGTH:
        raise AccessRequestError(
            "The comment is too long.", {"comment": f"At most {COMMENT_MAX_LENGTH} characters."}
        )
    try:
        with transaction.atomic():
            locked = _lock_pending(access_request.pk)
            locked.status = status
            locked.decided_at = timezone.now()
            locked.decided_by = approver
            locked.decision_comment = comment
            locked.save(update_fields=["status", "decided_at", "decided_by", "decision_comment"])
            if status == RequestStatus.APPROVED:
                grant_create_from_request(access_request=locked, approver=approver)
            _audit(approver, f"governance.request.{verb}", locked, reason=comment)
            _tell_decision(locked, approver)
    except IntegrityError:
        # The grant's OneToOne refused a second grant for this request: someone else decided.
        raise AccessRequestConflict("Another steward decided this request a moment ago.") from None
    return locked


def access_request_check_may_decide(
    *, access_request: AccessRequest, user: User, verb: str
) -> None:
    """Refuse (audited, outside any transaction so the refusal stays recorded) unless the user
    may decide the request; `verb` is "approved" or "denied"."""
    if access_request_may_decide(user=user, access_request=access_request):
        return
    if access_request.requester_id == user.pk:
        reason = "Self-approval: the requester cannot decide their own request"
        message = "You cannot decide your own access request; a steward of the domain will."
    else:
        reason = "Not a steward or owner of the asset or its domain"
        message = (
            "Only a steward or owner of the asset's domain, or a platform admin, can decide "
            "this request."
        )
    audit_record(
        actor=user,
        action=f"governance.request.{verb}",
        outcome=AuditOutcome.DENIED,
        target=access_request,
        reason=reason,
    )
    raise AccessRequestDenied(message)


def _lock_pending(request_id: int) -> AccessRequest:
    locked = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("asset", "asset__domain", "requester", "decided_by")
        .get(pk=request_id)
    )
    if locked.status != RequestStatus.PENDING:
        by = f" by {locked.decided_by.get_username()}" if locked.decided_by else ""
        raise AccessRequestConflict(f"This request was already {locked.status}{by}.")
    return locked


# --- cancel -----------------------------------------------------------------------------------


def access_request_cancel(*, access_request: AccessRequest, actor: User) -> AccessRequest:
    """The requester withdraws a pending request."""
    if access_request.requester_id != actor.pk:
        raise AccessRequestDenied("Only the person who asked can cancel a request.")
    with transaction.atomic():
        locked = _lock_pending(access_request.pk)
        locked.status = RequestStatus.CANCELLED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        _audit(actor, "governance.request.cancelled", locked)
    return locked


# --- reminders and escalation (beat) ----------------------------------------------------------


def access_requests_remind(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind the approvers, once, of each pending request past its SLA."""
    now = now or timezone.now()
    due = AccessRequest.objects.filter(
        status=RequestStatus.PENDING, due_at__lte=now, reminded_at__isnull=True
    ).order_by("due_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(1 for request_id in ids if _remind(request_id, now))


def access_requests_escalate(*, now: datetime | None = None, limit: int = 500) -> int:
    """Alert the domain's data owner, once, of each request overdue by a further
    WORKBENCH_ACCESS_ESCALATION_HOURS."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ACCESS_ESCALATION_HOURS)
    due = AccessRequest.objects.filter(
        status=RequestStatus.PENDING, due_at__lte=cutoff, escalated_at__isnull=True
    ).order_by("due_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(1 for request_id in ids if _escalate(request_id, now))


def _remind(request_id: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = AccessRequest.objects.filter(
            pk=request_id, status=RequestStatus.PENDING, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        access_request = _with_relations(request_id)
        recipients = access_request_approvers(access_request.asset)
        overdue = _hours(now - access_request.due_at)
        notify_users(
            recipients=[u for u in recipients if u.pk != access_request.requester_id],
            kind="access_request_reminder",
            title=f"Overdue: {access_request.requester.get_username()} is waiting for "
            f"{access_request.get_action_display().lower()} access to "
            f"{access_request.asset.qualified_name}",
            body=f"The decision was due {overdue} ago.",
            url=reverse("governance:request_detail", args=[request_id]),
            target=access_request,
        )
        _audit(None, "governance.request.reminded", access_request, recipients=recipients)
    return True


def _escalate(request_id: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = AccessRequest.objects.filter(
            pk=request_id, status=RequestStatus.PENDING, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not claimed:
            return False
        access_request = _with_relations(request_id)
        recipients = access_request_escalation_targets(access_request.asset)
        notify_users(
            recipients=[u for u in recipients if u.pk != access_request.requester_id],
            kind="access_request_reminder",
            title=f"Escalated: access request #{request_id} on "
            f"{access_request.asset.qualified_name} is overdue by "
            f"{_hours(now - access_request.due_at)}",
            body="Its stewards were reminded and have not decided. As the data owner, decide "
            "it or ask them to.",
            url=reverse("governance:request_detail", args=[request_id]),
            target=access_request,
        )
        _audit(None, "governance.request.escalated", access_request, recipients=recipients)
    return True


# --- helpers ----------------------------------------------------------------------------------


def sla_text(access_request: AccessRequest, now: datetime | None = None) -> str:
    """ "due in 2 h", "overdue by 1 h" (pending), or how long the decision took."""
    now = now or timezone.now()
    if access_request.status != RequestStatus.PENDING:
        if access_request.decided_at is None:
            return ""
        return f"decided in {_hours(access_request.decided_at - access_request.created_at)}"
    if access_request.due_at > now:
        return f"due in {_hours(access_request.due_at - now)}"
    return f"overdue by {_hours(now - access_request.due_at)}"


def _hours(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{round(minutes / 1440)} days"


def _with_relations(request_id: int) -> AccessRequest:
    return AccessRequest.objects.select_related(
        "asset", "asset__domain", "asset__owner", "asset__domain__owner", "requester"
    ).get(pk=request_id)


def _tell_approvers_pending(access_request: AccessRequest) -> None:
    requester = access_request.requester
    notify_users(
        recipients=[
            u for u in access_request_approvers(access_request.asset) if u.pk != requester.pk
        ],
        kind="access_request_pending",
        title=f"{requester.get_username()} asks for "
        f"{access_request.get_action_display().lower()} access to "
        f"{access_request.asset.qualified_name}",
        body=f"Purpose ({access_request.get_purpose_category_display()}): "
        f"{access_request.purpose[:300]}",
        url=reverse("governance:request_detail", args=[access_request.pk]),
        target=access_request,
    )


def _tell_decision(access_request: AccessRequest, approver: User) -> None:
    verb = access_request.status
    asset_name = access_request.asset.qualified_name
    comment = access_request.decision_comment
    url = reverse("governance:request_detail", args=[access_request.pk])
    notify_users(
        recipients=[access_request.requester],
        kind="access_request_decided",
        title=f"Your request for {access_request.get_action_display().lower()} access to "
        f"{asset_name} was {verb}",
        body=f"{approver.get_username()}: {comment}" if comment else "",
        url=url,
        target=access_request,
    )
    others = [
        u
        for u in access_request_approvers(access_request.asset)
        if u.pk not in {approver.pk, access_request.requester_id}
    ]
    notify_users(
        recipients=others,
        kind="access_request_decided",
        title=f"{approver.get_username()} {verb} {access_request.requester.get_username()}'s "
        f"request on {asset_name}",
        url=url,
        target=access_request,
    )


def _audit(
    actor: User | None,
    action: str,
    access_request: AccessRequest,
    *,
    reason: str = "",
    recipients: list[User] | None = None,
) -> None:
    detail: dict[str, Any] = {
        "requester": access_request.requester.get_username(),
        "asset_id": access_request.asset_id,
        "request_action": access_request.action,
        "unmasked": access_request.unmasked,
        "purpose_category": access_request.purpose_category,
        "duration_days": access_request.duration_days,
        "status": access_request.status,
    }
    if recipients is not None:
        detail["notified"] = [user.get_username() for user in recipients]
    audit_record(
        actor=actor,
        actor_username="" if actor else "system",
        action=action,
        outcome=AuditOutcome.DONE,
        target=access_request,
        reason=reason,
        purpose=access_request.purpose[:200],
        detail=detail,
    )
