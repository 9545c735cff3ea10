"""What the policies read: attributes of the user (subject), of the asset (resource), how the two
relate (stewardship), the user's live grants on the asset, and the context of the request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from catalog.models import Asset, Domain
from workbench.accounts.roles import Role
from workbench.governance.actions import GRANTABLE_ACTIONS, grant_codename
from workbench.governance.models import Grant

LITERACY_TIERS = ("none", "bronze", "silver", "gold")
GRANTABLE = frozenset(action.value for action in GRANTABLE_ACTIONS)


def literacy_tier(user: Any) -> str:
    """The user's literacy tier, "none" until the literacy app can say otherwise."""
    try:
        from literacy.selectors import literacy_tier as tier_of
    except (ImportError, AttributeError):
        return "none"
    try:
        tier = str(tier_of(user))
    except (AttributeError, TypeError, ValueError):
        return "none"
    return tier if tier in LITERACY_TIERS else "none"


def subject_attributes(user: Any) -> dict[str, Any]:
    """The user as policies see them; an anonymous or inactive user is unauthenticated.

    Roles, department code and literacy tier cost queries: they are kept on the user object
    (one request's lifetime) and read again for every new user object."""
    signed_in = bool(user is not None and user.is_authenticated and user.is_active)
    if not signed_in:
        return dict(ANONYMOUS_SUBJECT)
    looked_up = getattr(user, "_wb_policy_lookups", None)
    if looked_up is None or looked_up[0] != user.department_id:
        roles = sorted(group.name for group in user.groups.all())  # prefetched by batch callers
        department = user.department.code if user.department_id else ""
        looked_up = (user.department_id, roles, department, literacy_tier(user))
        user._wb_policy_lookups = looked_up
    _, roles, department, tier = looked_up
    return {
        "id": user.pk,
        "authenticated": True,
        "roles": list(roles),
        "department": department,
        "region": user.region,
        "clearance": int(user.clearance),
        "job_title": user.job_title,
        "literacy_tier": tier,
        "is_platform_admin": bool(user.is_superuser or Role.PLATFORM_ADMIN.value in roles),
    }


def subject_forget(user: Any) -> None:
    """Drop the looked-up attributes kept on a user object (after its roles or badges change)."""
    if hasattr(user, "_wb_policy_lookups"):
        del user._wb_policy_lookups


ANONYMOUS_SUBJECT: dict[str, Any] = {
    "id": None,
    "authenticated": False,
    "roles": [],
    "department": "",
    "region": "",
    "clearance": -1,
    "job_title": "",
    "literacy_tier": "none",
    "is_platform_admin": False,
}


def subject_key(subject: dict[str, Any]) -> tuple[Any, ...]:
    """What a cached class evaluation depends on: every attribute but the user's id."""
    return tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in sorted(subject.items())
        if name != "id"
    )


def resource_attributes(asset: Asset) -> dict[str, Any]:
    """The asset as policies see it (ownership and stewardship are per user: `relation`)."""
    return resource_and_stewardship(None, asset)[0]


def resource_and_stewardship(user: Any, asset: Asset) -> tuple[dict[str, Any], bool]:
    """The asset's attributes as stored now, and whether `user` stewards or owns it or its
    domain: one query."""
    rows = Asset.objects.filter(pk=asset.pk).annotate(
        domain_code=F("domain__code"), residency=F("source__residency")
    )
    names = ["classification", "domain_code", "residency", "is_certified", "pii_kinds", "status"]
    if user is not None and user.is_authenticated and user.is_active:
        stewarded = Asset.objects.filter(stewardship_q(user), pk=OuterRef("pk"))
        rows = rows.annotate(is_steward=Exists(stewarded))
        names.append("is_steward")
    row = rows.values(*names).first()
    if row is None:  # not saved (or deleted meanwhile): the object as the caller holds it
        row = {
            "classification": asset.classification,
            "domain_code": asset.domain.code if asset.domain is not None else "",
            "residency": asset.source.residency,
            "is_certified": asset.is_certified,
            "pii_kinds": asset.pii_kinds,
            "status": asset.status,
        }
    resource = {
        "id": asset.pk,
        "classification": int(row["classification"]),
        "domain": row["domain_code"] or "",
        "residency": row["residency"],
        "is_certified": bool(row["is_certified"]),
        "pii_kinds": sorted(row["pii_kinds"] or []),
        "status": row["status"],
    }
    return resource, bool(row.get("is_steward"))


def stewardship_q(user: Any) -> Q:
    """Assets the user owns or stewards, directly or through their domain (subqueries, so the
    M2M tables cannot duplicate rows)."""
    domains = Domain.objects.filter(Q(owner=user) | Q(stewards=user)).values("pk")
    stewarded = Asset.stewards.through.objects.filter(user_id=user.pk).values("asset_id")
    return Q(owner=user) | Q(domain_id__in=domains) | Q(pk__in=stewarded)


def live_grants_all(now: datetime | None = None) -> QuerySet[Grant]:
    """Grants in force at `now` that still hold their guardian object permission (a grant
    record without the permission opens nothing; the permission without a live record neither)."""
    from guardian.models import UserObjectPermission

    now = now or timezone.now()
    permission = UserObjectPermission.objects.filter(
        user_id=OuterRef("user_id"),
        permission__content_type__app_label="catalog",
        permission__content_type__model="asset",
        permission__codename=Concat(Value("grant_"), OuterRef("action")),
        # guardian keeps object_pk as text; compare as text so PostgreSQL and SQLite agree.
        object_pk=Cast(OuterRef("asset_id"), output_field=CharField()),
    )
    return Grant.objects.filter(
        Exists(permission),
        revoked_at__isnull=True,
        expired_at__isnull=True,
        starts_at__lte=now,
        expires_at__gt=now,
    )


def live_grants_q(user: Any, action: str, now: datetime | None = None) -> QuerySet[Grant]:
    """The user's live grants for `action`."""
    grant_codename(action)  # refuses an action nobody can be granted
    return live_grants_all(now).filter(user_id=user.pk, action=action)


def grants_attribute(user: Any, asset: Asset, action: str, now: datetime | None = None) -> list:
    """The user's live grants for this action on this asset, as the policy input lists them."""
    if action not in GRANTABLE:
        return []
    return grants_by_action(user, asset, now, actions=[action]).get(action, [])


def grants_by_action(
    user: Any, asset: Asset, now: datetime | None = None, actions: list[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The user's live grants on this asset, by action, as the policy input lists them."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return {}
    grants = live_grants_all(now).filter(user_id=user.pk, asset_id=asset.pk)
    if actions is not None:
        grants = grants.filter(action__in=actions)
    by_action: dict[str, list[dict[str, Any]]] = {}
    for grant in grants.order_by("pk"):
        by_action.setdefault(grant.action, []).append(
            {
                "id": grant.pk,
                "action": grant.action,
                "unmasked": grant.unmasked,
                "purpose_category": grant.purpose_category,
                "expires_at": grant.expires_at.isoformat(),
            }
        )
    return by_action
