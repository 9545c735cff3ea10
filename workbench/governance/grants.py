"""Grants: time-bound permissions to do one action on one asset, created when a steward approves
an access request, revoked by a steward, owner or admin, and expired by the beat sweep.

A live grant holds the django-guardian object permission `catalog.grant_<action>` on the asset;
the permission is removed only when no other live grant for the same user, asset and action
remains. Every change is audited and the grantee is notified.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from catalog.models import Asset, user_is_platform_admin
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.actions import grant_permission
from workbench.governance.models import Grant
from workbench.governance.notices import notify_users

if TYPE_CHECKING:
    from workbench.governance.models import AccessRequest

logger = logging.getLogger(__name__)

REVOKE_PERMISSION = "governance.revoke_grant"
REVOKE_REASON_MIN_LENGTH = 10


class GrantError(Exception):
    """A grant change is invalid or clashes with the grant's state; `message` says why."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class GrantDenied(GrantError):
    """The actor may not change this grant."""


class GrantConflict(GrantError):
    """The grant is no longer live (already revoked or expired)."""


def live_grants(now: datetime | None = None) -> QuerySet[Grant]:
    """Grants in force at `now`: started, not expired, not revoked."""
    now = now or timezone.now()
    return Grant.objects.filter(
        revoked_at__isnull=True, expired_at__isnull=True, starts_at__lte=now, expires_at__gt=now
    )


# --- create -----------------------------------------------------------------------------------


def grant_create_from_request(
    *, access_request: AccessRequest, approver: User, now: datetime | None = None
) -> Grant:
    """The grant an approved request opens: it starts now and lasts the requested days.

    Call inside the approval's transaction (the OneToOne on `request` backs the single grant)."""
    now = now or timezone.now()
    grant = Grant.objects.create(
        user=access_request.requester,
        asset=access_request.asset,
        action=access_request.action,
        unmasked=access_request.unmasked,
        purpose_category=access_request.purpose_category,
        purpose=access_request.purpose,
        request=access_request,
        approved_by=approver,
        starts_at=now,
        expires_at=now + timedelta(days=access_request.duration_days),
    )
    assign_perm(grant_permission(grant.action), grant.user, grant.asset)
    audit_record(
        actor=approver,
        action="governance.grant.created",
        outcome=AuditOutcome.DONE,
        target=grant,
        purpose=grant.purpose[:200],
        detail=_grant_detail(grant),
    )
    return grant


# --- revoke -----------------------------------------------------------------------------------


def grant_may_revoke(*, user: User, grant: Grant) -> bool:
    """Stewards and owners of the grant's asset or its domain, and platform admins."""
    if not (user.is_authenticated and user.is_active and user.has_perm(REVOKE_PERMISSION)):
        return False
    if user_is_platform_admin(user):
        return True
    return Asset.objects.curatable_by(user).filter(pk=grant.asset_id).exists()


def grant_check_may_revoke(*, user: User, grant: Grant) -> None:
    """Refuse (audited) unless the user may revoke the grant."""
    if grant_may_revoke(user=user, grant=grant):
        return
    audit_record(
        actor=user,
        action="governance.grant.revoked",
        outcome=AuditOutcome.DENIED,
        target=grant,
        reason="Not a steward or owner of the asset or its domain",
    )
    raise GrantDenied(
        "Only a steward or owner of the asset's domain, or a platform admin, can revoke this grant."
    )


def grant_revoke(*, grant: Grant, actor: User, reason: str) -> Grant:
    """End a live grant now, with a reason the grantee is told; audited."""
    reason = (reason or "").strip()
    grant_check_may_revoke(user=actor, grant=grant)
    if len(reason) < REVOKE_REASON_MIN_LENGTH:
        raise GrantError(
            "Say why the grant is revoked; the grantee is told.",
            {"reason": f"At least {REVOKE_REASON_MIN_LENGTH} characters."},
        )
    with transaction.atomic():
        locked = (
            Grant.objects.select_for_update(of=("self",))
            .select_related("asset", "user")
            .get(pk=grant.pk)
        )
        now = timezone.now()
        if not _is_live(locked, now):
            raise GrantConflict(f"This grant is already {grant_state(locked, now)}.")
        locked.revoked_at = now
        locked.revoked_by = actor
        locked.revoke_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        _permission_release(locked, now)
        audit_record(
            actor=actor,
            action="governance.grant.revoked",
            outcome=AuditOutcome.DONE,
            target=locked,
            reason=reason,
            detail=_grant_detail(locked),
        )
        notify_users(
            recipients=[locked.user],
            kind="grant_revoked",
            title=f"Your {locked.get_action_display().lower()} access to "
            f"{locked.asset.qualified_name} was revoked",
            body=f"Revoked by {actor.get_username()}: {reason}",
            url=reverse("catalog:asset_detail", args=[locked.asset_id]),
            target=locked,
        )
    return locked


# --- expiry -----------------------------------------------------------------------------------


def grants_expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire every grant whose time is up: remove its permission, audit, tell the grantee.

    Each grant in its own transaction, locked with SKIP LOCKED, so two sweeps never expire one
    grant twice and one bad row does not hold up the rest."""
    now = now or timezone.now()
    due = list(
        Grant.objects.filter(revoked_at__isnull=True, expired_at__isnull=True, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for grant_id in due if _grant_expire(grant_id, now))


def _grant_expire(grant_id: int, now: datetime) -> bool:
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("asset", "user")
            .filter(pk=grant_id, revoked_at__isnull=True, expired_at__isnull=True)
            .first()
        )
        if grant is None or grant.expires_at > now:
            return False
        grant.expired_at = now
        grant.save(update_fields=["expired_at"])
        _permission_release(grant, now)
        audit_record(
            actor=None,
            actor_username="system",
            action="governance.grant.expired",
            outcome=AuditOutcome.DONE,
            target=grant,
            detail=_grant_detail(grant),
        )
        notify_users(
            recipients=[grant.user],
            kind="grant_expiring",
            title=f"Your {grant.get_action_display().lower()} access to "
            f"{grant.asset.qualified_name} has expired",
            body="Request access again from the asset's page if you still need it.",
            url=reverse("catalog:asset_detail", args=[grant.asset_id]),
            target=grant,
        )
    return True


def grants_notify_expiring(*, now: datetime | None = None, limit: int = 500) -> int:
    """Tell each grantee once, WORKBENCH_GRANT_EXPIRY_NOTICE_DAYS before their grant ends."""
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.GRANT_EXPIRY_NOTICE_DAYS)
    candidates = list(
        live_grants(now)
        .filter(expires_at__lte=horizon, expiry_notified_at__isnull=True)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for grant_id in candidates if _grant_notice(grant_id, now))


def _grant_notice(grant_id: int, now: datetime) -> bool:
    with transaction.atomic():
        # The conditional update is the "once": a second sweep finds expiry_notified_at set.
        claimed = Grant.objects.filter(pk=grant_id, expiry_notified_at__isnull=True).update(
            expiry_notified_at=now
        )
        if not claimed:
            return False
        grant = Grant.objects.select_related("asset", "user").get(pk=grant_id)
        days = max(0, (grant.expires_at - now).days)
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        notify_users(
            recipients=[grant.user],
            kind="grant_expiring",
            title=f"Your {grant.get_action_display().lower()} access to "
            f"{grant.asset.qualified_name} expires {when}",
            body=f"It ends on {grant.expires_at:%Y-%m-%d %H:%M} UTC. Request access again from "
            "the asset's page if you need it for longer.",
            url=reverse("catalog:asset_detail", args=[grant.asset_id]),
            target=grant,
        )
    return True


# --- helpers ----------------------------------------------------------------------------------


def grant_state(grant: Grant, now: datetime | None = None) -> str:
    """live, scheduled, expired or revoked, in the users' words."""
    now = now or timezone.now()
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expired_at is not None or grant.expires_at <= now:
        return "expired"
    return "scheduled" if grant.starts_at > now else "live"


def _is_live(grant: Grant, now: datetime) -> bool:
    return grant_state(grant, now) == "live"


def _permission_release(grant: Grant, now: datetime) -> None:
    """Remove the object permission unless another live grant still holds it."""
    others = (
        live_grants(now)
        .filter(user_id=grant.user_id, asset_id=grant.asset_id, action=grant.action)
        .exclude(pk=grant.pk)
    )
    if not others.exists():
        remove_perm(grant_permission(grant.action), grant.user, grant.asset)


def _grant_detail(grant: Grant) -> dict[str, object]:
    return {
        "grantee": grant.user.get_username(),
        "asset_id": grant.asset_id,
        "grant_action": grant.action,
        "unmasked": grant.unmasked,
        "purpose_category": grant.purpose_category,
        "expires_at": grant.expires_at.isoformat(),
        "request_id": grant.request_id,
    }
