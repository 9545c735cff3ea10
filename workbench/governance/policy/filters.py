"""Policies as database filters: which assets may a user discover (preview, query...) — in SQL.

Assets fall into few attribute classes (classification × domain × residency × certification ×
PII kinds), kept in `Asset.access_class`. The policy is evaluated once per class present, for the
user as a stranger, as a steward, as a grant holder and as both; the allowed classes become one
queryset filter, with stewardship and live grants as subqueries. The answer is cached by policy
bundle, user attributes and the set of classes present. No per-row Python or Rego.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import Asset, AssetStatus, Column
from workbench.governance.policy import attributes, engine

REGISTRY_CACHE_KEY = "governance:access-classes:v1"
REGISTRY_TIMEOUT = 300  # seconds: a safety net for writes that bypass the catalog services
_ALLOWED_CACHE_SIZE = 512
GRANT_ACTIONS = frozenset(
    {"discover", "preview", "query", "use_in_sandbox", "train_model", "export"}
)


# --- The class key ------------------------------------------------------------------------------


def pii_digest(pii_kinds: Iterable[str]) -> str:
    kinds = sorted(set(pii_kinds))
    if not kinds:
        return "-"
    return hashlib.sha256(",".join(kinds).encode()).hexdigest()[:10]


def access_class_key(
    *,
    classification: int,
    domain_id: int | None,
    residency: str,
    is_certified: bool,
    pii_kinds: Iterable[str],
) -> str:
    """e.g. "c2.d5.rEU.k1.p3fa9c2d1e0": everything the policies read of an asset but its id,
    owner and stewards (those are per user and filtered by subquery)."""
    return (
        f"c{int(classification)}.d{domain_id or 0}.r{residency}.k{int(bool(is_certified))}"
        f".p{pii_digest(pii_kinds)}"
    )


def asset_pii_kinds(asset: Asset) -> list[str]:
    """Sorted union of the PII kinds of the asset's active columns."""
    kinds: set[str] = set()
    rows = Column.objects.filter(asset=asset, status=AssetStatus.ACTIVE).values_list(
        "pii_kinds", flat=True
    )
    for column_kinds in rows:
        kinds.update(str(kind) for kind in column_kinds or ())
    return sorted(kinds)


def asset_access_refresh(asset: Asset) -> bool:
    """Recompute `pii_kinds` and `access_class` of one asset after a service changed it or its
    columns; True when they changed. Call it wherever classification, domain, certification,
    source residency or column PII kinds are saved."""
    pii_kinds = asset_pii_kinds(asset)
    residency = (
        asset.source.residency
        if "source" in asset._state.fields_cache
        else Asset.objects.filter(pk=asset.pk).values_list("source__residency", flat=True).first()
    )
    key = access_class_key(
        classification=asset.classification,
        domain_id=asset.domain_id,
        residency=residency or "",
        is_certified=asset.is_certified,
        pii_kinds=pii_kinds,
    )
    if key == asset.access_class and pii_kinds == list(asset.pii_kinds or []):
        return False
    Asset.objects.filter(pk=asset.pk).update(access_class=key, pii_kinds=pii_kinds)
    asset.access_class, asset.pii_kinds = key, pii_kinds
    _registry_note(key)
    return True


def assets_access_refresh(queryset: QuerySet[Asset]) -> int:
    """Refresh many assets (a source's residency changed, a backfill); returns how many changed."""
    changed = 0
    for asset in queryset.select_related("source").iterator(chunk_size=500):
        changed += asset_access_refresh(asset)
    return changed


# --- The classes present --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRegistry:
    """Every class key present, with the resource attributes policies read for it."""

    token: str
    resources: dict[str, dict[str, Any]]


def _registry_note(key: str) -> None:
    registry = cache.get(REGISTRY_CACHE_KEY)
    if registry is not None and key not in registry.resources:
        cache.delete(REGISTRY_CACHE_KEY)


def class_registry() -> ClassRegistry:
    """The classes present (cached for everyone; rebuilt when a service makes a new class)."""
    registry = cache.get(REGISTRY_CACHE_KEY)
    if isinstance(registry, ClassRegistry):
        return registry
    rows = list(_class_rows())
    if any(row[0] == "" for row in rows):
        # Assets saved by code that bypassed the catalog services have no class yet.
        assets_access_refresh(Asset.objects.filter(access_class=""))
        rows = list(_class_rows())
    resources: dict[str, dict[str, Any]] = {}
    for key, classification, domain, residency, certified, pii_kinds in rows:
        resources.setdefault(
            key,
            {
                "id": None,
                "classification": int(classification),
                "domain": domain or "",
                "residency": residency,
                "is_certified": bool(certified),
                "pii_kinds": sorted(pii_kinds or []),
                "status": "active",
            },
        )
    token = hashlib.sha256("|".join(sorted(resources)).encode()).hexdigest()[:16]
    registry = ClassRegistry(token, resources)
    cache.set(REGISTRY_CACHE_KEY, registry, REGISTRY_TIMEOUT)
    return registry


def registry_forget() -> None:
    cache.delete(REGISTRY_CACHE_KEY)


def _class_rows() -> QuerySet[Any]:
    return (
        Asset.objects.order_by()
        .values_list(
            "access_class",
            "classification",
            "domain__code",
            "source__residency",
            "is_certified",
            "pii_kinds",
        )
        .distinct()
    )


# --- Allowed classes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowedClasses:
    """Class keys allowed for a user: as anyone, as a steward, with a grant, with both."""

    plain: frozenset[str]
    steward: frozenset[str]
    granted: frozenset[str]
    steward_granted: frozenset[str]
    every: frozenset[str]


_allowed_cache: OrderedDict[tuple[Any, ...], AllowedClasses] = OrderedDict()
_allowed_lock = threading.Lock()


def allowed_classes(subject: dict[str, Any], action: str, now: datetime) -> AllowedClasses:
    registry = class_registry()
    policies, label = engine.compiled_policies()
    cache_key = (
        label,
        engine._generation[0],
        registry.token,
        action,
        attributes.subject_key(subject),
    )
    with _allowed_lock:
        found = _allowed_cache.get(cache_key)
        if found is not None:
            _allowed_cache.move_to_end(cache_key)
            return found
    context = engine.request_context(purpose="", purpose_category="", context=None, now=now)
    sets: dict[tuple[bool, bool], set[str]] = {variant: set() for variant in _VARIANTS}
    for key, resource in registry.resources.items():
        for steward, granted in _VARIANTS:
            grants = [_probe_grant(action)] if granted else []
            document = engine.policy_input(
                subject=subject,
                action=action,
                resource=resource,
                steward=steward,
                grants=grants,
                context=context,
            )
            if engine._checked(policies.evaluate(document)).get("allow") is True:
                sets[(steward, granted)].add(key)
    result = AllowedClasses(
        plain=frozenset(sets[(False, False)]),
        steward=frozenset(sets[(True, False)]),
        granted=frozenset(sets[(False, True)]),
        steward_granted=frozenset(sets[(True, True)]),
        every=frozenset(registry.resources),
    )
    with _allowed_lock:
        _allowed_cache[cache_key] = result
        while len(_allowed_cache) > _ALLOWED_CACHE_SIZE:
            _allowed_cache.popitem(last=False)
    return result


_VARIANTS = ((False, False), (True, False), (False, True), (True, True))


def _probe_grant(action: str) -> dict[str, Any]:
    return {"id": 0, "action": action, "unmasked": False, "purpose_category": "", "expires_at": ""}


# --- The filter -----------------------------------------------------------------------------------


def assets_permitted(
    user: Any, action: str, queryset: QuerySet[Asset] | None = None
) -> QuerySet[Asset]:
    """The assets of `queryset` (default: all) on which the policies allow `user` to do `action`,
    as one SQL filter."""
    if action not in engine.ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    queryset = Asset.objects.all() if queryset is None else queryset
    subject = attributes.subject_attributes(user)
    if not subject["authenticated"]:
        return queryset.none()
    now = timezone.now()
    allowed = allowed_classes(subject, action, now)
    condition = _class_q(allowed.plain)
    if allowed.steward - allowed.plain:
        condition |= attributes.stewardship_q(user) & _class_q(allowed.steward)
    if action in GRANT_ACTIONS:
        granted = Q(pk__in=attributes.live_grants_q(user, action, now).values("asset_id"))
        if allowed.granted - allowed.plain:
            condition |= granted & _class_q(allowed.granted)
        extra = allowed.steward_granted - allowed.plain - allowed.steward - allowed.granted
        if extra:
            condition |= granted & attributes.stewardship_q(user) & _class_q(extra)
    return queryset.filter(condition)


def _class_q(keys: frozenset[str]) -> Q:
    if not keys:
        return Q(pk__in=[])
    return Q(access_class__in=sorted(keys))
