"""Reads for literacy: tiers, learning progress, badges, leaderboard and dashboard figures."""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from literacy.models import TIER_ORDER, BadgeAward
from workbench.accounts.models import User

TierName = Literal["none", "bronze", "silver", "gold"]
TIERS_LOW_TO_HIGH: tuple[TierName, ...] = ("bronze", "silver", "gold")


def literacy_tier(user: User) -> TierName:
    """The highest tier badge the user holds and has not had revoked; "none" without one.

    Policies read this as a user attribute (e.g. the sandbox needs Bronze, training needs Silver).
    """
    if not getattr(user, "pk", None):
        return "none"
    tiers = set(
        BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
        .exclude(badge__tier="")
        .values_list("badge__tier", flat=True)
    )
    return _highest(tiers)


def _highest(tiers: set[str]) -> TierName:
    best: TierName = "none"
    for tier in TIERS_LOW_TO_HIGH:
        if tier in tiers and TIER_ORDER[tier] > TIER_ORDER[best]:
            best = tier
    return best


def tier_at_least(user: User, tier: TierName) -> bool:
    """Whether the user's tier is `tier` or higher."""
    return TIER_ORDER[literacy_tier(user)] >= TIER_ORDER[tier]


def active_awards(user: User) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(user=user, revoked_at__isnull=True).select_related("badge")


def tiers_by_user(user_ids: list[int] | None = None) -> dict[int, TierName]:
    """Each user's tier in one query (users without a tier badge are absent)."""
    awards = BadgeAward.objects.filter(revoked_at__isnull=True).exclude(badge__tier="")
    if user_ids is not None:
        awards = awards.filter(user_id__in=user_ids)
    held: dict[int, set[str]] = {}
    for user_id, tier in awards.values_list("user_id", "badge__tier"):
        held.setdefault(user_id, set()).add(tier)
    return {user_id: _highest(tiers) for user_id, tiers in held.items()}
