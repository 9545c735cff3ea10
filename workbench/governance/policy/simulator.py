"""The what-if simulator's questions: who may do an action on an asset, what may a user do.

Both answer with full decisions (reasons and rules) and look up stewardship and grants in bulk,
so a question costs a few queries whatever the number of users or assets.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import Asset, AssetStatus, Domain
from workbench.accounts.models import User
from workbench.governance.actions import Action
from workbench.governance.models import Grant
from workbench.governance.policy import attributes, engine
from workbench.governance.policy.engine import Decision

WHAT_MAY_DEFAULT_LIMIT = 200
GRANT_ACTIONS = frozenset(attributes.GRANTABLE)


def who_may(
    *, action: str, asset: Asset, now: datetime | None = None
) -> list[tuple[User, Decision]]:
    """Every active user the policies allow to do `action` on `asset`, by username, each with the
    decision that says why."""
    if action not in engine.ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    now = now or timezone.now()
    resource = attributes.resource_attributes(asset)
    stewards = _asset_steward_ids(asset)
    grants = _grants_by_user(asset=asset, action=action, now=now)
    context = engine.request_context(purpose="", purpose_category="", context=None, now=now)
    users = (
        User.objects.filter(is_active=True)
        .select_related("department")
        .prefetch_related("groups")
        .order_by("username")
    )
    allowed = []
    for user in users:
        document = engine.policy_input(
            subject=attributes.subject_attributes(user),
            action=action,
            resource=resource,
            steward=user.pk in stewards,
            grants=grants.get(user.pk, []),
            context=context,
        )
        raw, label = engine.evaluate(document)
        decision = engine.decision_from(raw, action, label)
        if decision.allowed:
            allowed.append((user, decision))
    return allowed


def what_may(
    *, user: Any, assets: Any = None, now: datetime | None = None
) -> dict[int, dict[str, Decision]]:
    """For each asset (default: the first 200 the user may discover), the decision on every
    action: `{asset_id: {action: Decision}}`."""
    now = now or timezone.now()
    if assets is None:
        from workbench.governance.policy.filters import assets_permitted

        visible = Asset.objects.filter(status=AssetStatus.ACTIVE)
        assets = assets_permitted(user, Action.DISCOVER, visible)[:WHAT_MAY_DEFAULT_LIMIT]
    if isinstance(assets, QuerySet):
        assets = assets.select_related("source")
    assets = list(assets)
    subject = attributes.subject_attributes(user)
    stewarded = _stewarded_ids(user, [asset.pk for asset in assets])
    grants = _grants_by_asset(user=user, asset_ids=[asset.pk for asset in assets], now=now)
    codes = dict(Domain.objects.values_list("pk", "code"))
    context = engine.request_context(purpose="", purpose_category="", context=None, now=now)
    answer: dict[int, dict[str, Decision]] = {}
    for asset in assets:
        resource = _resource(asset, codes)
        answer[asset.pk] = {}
        for action in Action:
            document = engine.policy_input(
                subject=subject,
                action=action.value,
                resource=resource,
                steward=asset.pk in stewarded,
                grants=[g for g in grants.get(asset.pk, []) if g["action"] == action.value],
                context=context,
            )
            raw, label = engine.evaluate(document)
            answer[asset.pk][action.value] = engine.decision_from(raw, action.value, label)
    return answer


def _resource(asset: Asset, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "classification": int(asset.classification),
        "domain": codes.get(asset.domain_id, "") if asset.domain_id else "",
        "residency": asset.source.residency,
        "is_certified": bool(asset.is_certified),
        "pii_kinds": sorted(asset.pii_kinds or []),
        "status": asset.status,
    }


def _asset_steward_ids(asset: Asset) -> set[int]:
    ids = set(asset.stewards.values_list("pk", flat=True))
    if asset.owner_id:
        ids.add(asset.owner_id)
    if asset.domain_id:
        domain = Domain.objects.filter(pk=asset.domain_id).first()
        if domain is not None:
            ids.update(domain.stewards.values_list("pk", flat=True))
            if domain.owner_id:
                ids.add(domain.owner_id)
    return ids


def _stewarded_ids(user: Any, asset_ids: list[int]) -> set[int]:
    if not (user is not None and user.is_authenticated and user.is_active):
        return set()
    rows = Asset.objects.filter(attributes.stewardship_q(user), pk__in=asset_ids)
    return set(rows.values_list("pk", flat=True))


def _grant_row(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "action": grant.action,
        "unmasked": grant.unmasked,
        "purpose_category": grant.purpose_category,
        "expires_at": grant.expires_at.isoformat(),
    }


def _grants_by_user(*, asset: Asset, action: str, now: datetime) -> dict[int, list[dict[str, Any]]]:
    if action not in GRANT_ACTIONS:
        return {}
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for grant in attributes.live_grants_all(now).filter(asset_id=asset.pk, action=action):
        by_user[grant.user_id].append(_grant_row(grant))
    return by_user


def _grants_by_asset(
    *, user: Any, asset_ids: list[int], now: datetime
) -> dict[int, list[dict[str, Any]]]:
    if not (user is not None and user.is_authenticated and user.is_active):
        return {}
    by_asset: dict[int, list[dict[str, Any]]] = defaultdict(list)
    live = attributes.live_grants_all(now).filter(Q(user_id=user.pk), asset_id__in=asset_ids)
    for grant in live.order_by("pk"):
        by_asset[grant.asset_id].append(_grant_row(grant))
    return by_asset
