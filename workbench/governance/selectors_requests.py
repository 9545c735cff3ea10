"""Reads for access requests and grants, each scoped in SQL to what the reader may see.

Requests: a user sees their own and those they may decide (stewards and owners of the asset or
its domain); platform admins and read-only governance roles (auditors) see all. Grants: their own,
those on assets they steward or own (holders of governance.view_grant), or all (admins, auditors).
Anything else is 404 (`access_*`), so guessed ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from catalog.models import Asset, user_is_platform_admin
from workbench.accounts.models import User
from workbench.governance.actions import CONTENT_ACTIONS, GRANTABLE_ACTIONS, Action
from workbench.governance.grants import grant_may_revoke, live_grants
from workbench.governance.models import AccessRequest, Grant, RequestStatus
from workbench.governance.requests import DECIDE_PERMISSION, access_request_may_decide

VIEW_REQUESTS_PERMISSION = "governance.view_accessrequest"
VIEW_GRANTS_PERMISSION = "governance.view_grant"
REVOKE_PERMISSION = "governance.revoke_grant"
GRANT_STATES = ("live", "expired", "revoked")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _reads_everything(user: User, view_permission: str, act_permission: str) -> bool:
    """Admins, and holders of the view permission who do not act on it (auditors): stewards
    hold the same view permission but read only their own domains."""
    if user_is_platform_admin(user):
        return True
    return user.has_perm(view_permission) and not user.has_perm(act_permission)


def _stewarded_assets(user: User) -> QuerySet[Asset]:
    return Asset.objects.curatable_by(user).values("pk")  # type: ignore[return-value]


# --- requests ---------------------------------------------------------------------------------


def access_request_visible_to(user: Any) -> QuerySet[AccessRequest]:
    requests = AccessRequest.objects.all()
    if not _signed_in(user):
        return requests.none()
    if _reads_everything(user, VIEW_REQUESTS_PERMISSION, DECIDE_PERMISSION):
        return requests
    scope = Q(requester_id=user.pk)
    if user.has_perm(DECIDE_PERMISSION):
        scope |= Q(asset_id__in=_stewarded_assets(user))
    return requests.filter(scope)


def access_request_list(
    *, user: Any, status: str = "", asset_id: int | None = None, mine: bool = False
) -> QuerySet[AccessRequest]:
    requests = access_request_visible_to(user)
    if status:
        requests = requests.filter(status=status)
    if asset_id is not None:
        requests = requests.filter(asset_id=asset_id)
    if mine:
        requests = requests.filter(requester_id=user.pk)
    return requests.select_related(
        "requester", "requester__department", "asset", "asset__source", "decided_by", "grant"
    ).order_by("-created_at", "-pk")


def access_request_queue(*, user: Any) -> QuerySet[AccessRequest]:
    """Pending requests the user may decide, oldest first (never their own)."""
    if not (_signed_in(user) and user.has_perm(DECIDE_PERMISSION)):
        return AccessRequest.objects.none()
    pending = AccessRequest.objects.filter(status=RequestStatus.PENDING).exclude(
        requester_id=user.pk
    )
    if not user_is_platform_admin(user):
        pending = pending.filter(asset_id__in=_stewarded_assets(user))
    return pending.select_related(
        "requester", "requester__department", "asset", "asset__source", "asset__domain"
    ).order_by("created_at", "pk")


def access_access_request(user: Any, request_id: int) -> AccessRequest:
    """The request, if the user may see it; otherwise 404."""
    found = (
        access_request_visible_to(user)
        .select_related(
            "requester",
            "requester__department",
            "requester__manager",
            "asset",
            "asset__source",
            "asset__domain",
            "decided_by",
        )
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404("No such access request")
    return found


def access_request_may_decide_any(user: Any) -> bool:
    return _signed_in(user) and user.has_perm(DECIDE_PERMISSION)


def request_grant(access_request: AccessRequest) -> Grant | None:
    return Grant.objects.filter(request=access_request).first()


# --- grants -----------------------------------------------------------------------------------


def grant_visible_to(user: Any) -> QuerySet[Grant]:
    grants = Grant.objects.all()
    if not _signed_in(user):
        return grants.none()
    if _reads_everything(user, VIEW_GRANTS_PERMISSION, REVOKE_PERMISSION):
        return grants
    scope = Q(user_id=user.pk)
    if user.has_perm(VIEW_GRANTS_PERMISSION):
        scope |= Q(asset_id__in=_stewarded_assets(user))
    return grants.filter(scope)


def grant_list(
    *,
    user: Any,
    state: str = "",
    asset_id: int | None = None,
    mine: bool = False,
    now: datetime | None = None,
) -> QuerySet[Grant]:
    now = now or timezone.now()
    grants = grant_visible_to(user)
    if state == "live":
        grants = grants.filter(pk__in=live_grants(now).values("pk"))
    elif state == "expired":
        grants = grants.filter(revoked_at__isnull=True).filter(
            Q(expired_at__isnull=False) | Q(expires_at__lte=now)
        )
    elif state == "revoked":
        grants = grants.filter(revoked_at__isnull=False)
    if asset_id is not None:
        grants = grants.filter(asset_id=asset_id)
    if mine:
        grants = grants.filter(user_id=user.pk)
    return grants.select_related(
        "user", "asset", "asset__source", "approved_by", "revoked_by", "request"
    ).order_by("expires_at", "pk")


def access_grant(user: Any, grant_id: int) -> Grant:
    found = (
        grant_visible_to(user)
        .select_related("user", "asset", "asset__source", "approved_by", "revoked_by")
        .filter(pk=grant_id)
        .first()
    )
    if found is None:
        raise Http404("No such grant")
    return found


# --- the asset page's access panel --------------------------------------------------------------


@dataclass(frozen=True)
class ActionAccess:
    action: str
    label: str
    allowed: bool
    masked: bool
    needs_request: bool
    reasons: tuple[str, ...]
    pending_request: AccessRequest | None


@dataclass(frozen=True)
class AssetAccess:
    """What the reader may do with one asset, why, and the grants on it they may see."""

    actions: list[ActionAccess]
    grants: list[Grant]
    may_revoke: bool
    may_request: bool

    @property
    def requestable(self) -> list[ActionAccess]:
        """Actions a grant would open (no request pending for them)."""
        return [e for e in self.actions if e.pending_request is None and e.needs_request]

    @property
    def unmaskable(self) -> list[ActionAccess]:
        """Actions allowed only masked: a grant with unmasked values would lift the masking."""
        return [e for e in self.actions if e.pending_request is None and e.masked]


def asset_access_get(*, user: User, asset: Asset) -> AssetAccess:
    """Each content action's decision for the user (from the policy engine), their pending
    requests, and the live grants on the asset they may see (all of them for its stewards)."""
    from workbench.governance.policy import what_may

    # One batched evaluation of every action (a handful of queries, not a few per action).
    decisions = what_may(user=user, assets=[asset]).get(asset.pk, {})
    pending = {
        request.action: request
        for request in AccessRequest.objects.filter(
            requester=user, asset=asset, status=RequestStatus.PENDING
        )
    }
    actions = []
    for action in GRANTABLE_ACTIONS:
        if action.value not in CONTENT_ACTIONS:
            continue
        decision = decisions[action.value]
        actions.append(
            ActionAccess(
                action=action.value,
                label=Action(action).label,
                allowed=decision.allowed,
                masked=decision.allowed and decision.masked,
                needs_request=(not decision.allowed) and decision.needs_request,
                reasons=tuple(decision.reasons),
                pending_request=pending.get(action.value),
            )
        )
    grants = list(
        grant_visible_to(user)
        .filter(pk__in=live_grants().values("pk"), asset=asset)
        .select_related("user", "approved_by")
        .order_by("expires_at", "pk")
    )
    sample = grants[0] if grants else None
    return AssetAccess(
        actions=actions,
        grants=grants,
        may_revoke=sample is not None and grant_may_revoke(user=user, grant=sample),
        may_request=user.has_perm("catalog.view_asset"),
    )


__all__ = [
    "GRANT_STATES",
    "ActionAccess",
    "AssetAccess",
    "access_access_request",
    "access_grant",
    "access_request_list",
    "access_request_may_decide",
    "access_request_queue",
    "asset_access_get",
    "grant_list",
]
