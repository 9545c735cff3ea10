"""Decisions: the current policy documents compiled once into a bundle, evaluated per request.

The bundle is cached per thread and keyed by a stamp of the current versions (one small query),
so a version saved by any process is in force at the next decision.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from catalog.models import Asset
from workbench.governance.actions import Action
from workbench.governance.models import PolicyVersion
from workbench.governance.policy import attributes, rego
from workbench.governance.policy.rego import PolicyRuntimeError

ACTIONS: frozenset[str] = frozenset(action.value for action in Action)


@dataclass(frozen=True)
class Decision:
    """What the policies decided for one user, action and asset, and why."""

    allowed: bool
    action: str
    masked: bool
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    needs_request: bool
    grant_id: int | None
    policy_version: str

    @property
    def reason(self) -> str:
        """All reasons as one sentence list, for messages and the audit trail."""
        return " ".join(self.reasons)


class _Compiled(threading.local):
    stamp: tuple[tuple[int, int], ...] | None = None
    policies: rego.CompiledPolicies | None = None


_compiled = _Compiled()
_generation_lock = threading.Lock()
_generation = [0]  # bumped by policy_cache_clear; threads compare it with their own


def policy_cache_clear() -> None:
    """Forget every compiled bundle (each thread recompiles at its next decision)."""
    with _generation_lock:
        _generation[0] += 1
    cache.delete(STAMP_CACHE_KEY)


STAMP_CACHE_KEY = "governance:policy-stamp:v1"
STAMP_TIMEOUT = 60  # seconds: a safety net; saving a version deletes the key


def _current_stamp() -> tuple[tuple[int, int], ...]:
    """(policy id, newest version id) of every active document, from the shared cache or the
    database."""
    stamp = cache.get(STAMP_CACHE_KEY)
    if isinstance(stamp, tuple):
        return stamp
    stamp = _stamp_from_database()
    if stamp:
        cache.set(STAMP_CACHE_KEY, stamp, STAMP_TIMEOUT)
    return stamp


def _stamp_from_database() -> tuple[tuple[int, int], ...]:
    rows = (
        PolicyVersion.objects.filter(policy__is_active=True)
        .values("policy_id")
        .annotate(newest=Max("id"))
        .order_by("policy_id")
        .values_list("policy_id", "newest")
    )
    return tuple(rows)


def stamp_label(stamp: tuple[tuple[int, int], ...]) -> str:
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:12]


def compiled_policies() -> tuple[rego.CompiledPolicies, str]:
    """The compiled bundle of the current versions and its label (loads policies/ into a fresh
    database first)."""
    stamp = _current_stamp()
    if not stamp:
        from workbench.governance.policy.documents import policies_load_if_empty

        policies_load_if_empty()
        stamp = _current_stamp()
    generation = _generation[0]
    state = _compiled
    if state.policies is None or state.stamp != (stamp, generation):
        from workbench.governance.policy.documents import current_sources

        sources = {
            path: text
            for path, text in current_sources().items()
            if not path.endswith("_test.rego")
        }
        state.policies = rego.compile_decision(sources)
        state.stamp = (stamp, generation)  # type: ignore[assignment]
    return state.policies, stamp_label(stamp)


def evaluate(document: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The raw decision object for a prepared input, and the bundle label."""
    policies, label = compiled_policies()
    return _checked(policies.evaluate(document)), label


def _checked(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or "allow" not in raw:
        raise PolicyRuntimeError("The policies returned no decision.")
    return raw


def decision_from(raw: dict[str, Any], action: str, label: str) -> Decision:
    allowed = raw.get("allow") is True
    grant_id = raw.get("grant_id") if allowed else None
    return Decision(
        allowed=allowed,
        action=action,
        masked=True if not allowed else bool(raw.get("masked", True)),
        reasons=tuple(sorted(str(reason) for reason in raw.get("reasons") or ())),
        rules=tuple(sorted(str(rule) for rule in raw.get("rules") or ())),
        needs_request=(not allowed) and raw.get("needs_request") is True,
        grant_id=grant_id if isinstance(grant_id, int) else None,
        policy_version=label,
    )


def policy_input(
    *,
    subject: dict[str, Any],
    action: str,
    resource: dict[str, Any],
    steward: bool,
    grants: list[dict[str, Any]],
    context: dict[str, Any],
) -> dict[str, Any]:
    return {
        "subject": subject,
        "action": action,
        "resource": resource,
        "relation": {"steward": steward},
        "grants": grants,
        "context": context,
    }


def request_context(
    *, purpose: str, purpose_category: str, context: dict[str, Any] | None, now: datetime
) -> dict[str, Any]:
    return {
        **(context or {}),
        "purpose": purpose or "",
        "purpose_category": purpose_category or "",
        "time": now.isoformat(),
    }


def decide(
    *,
    user: Any,
    action: str,
    asset: Asset,
    purpose: str = "",
    purpose_category: str = "",
    context: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Decision:
    """May `user` do `action` on `asset`? The policies decide; the decision says why."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; one of {', '.join(sorted(ACTIONS))}.")
    now = now or timezone.now()
    resource, steward = attributes.resource_and_stewardship(user, asset)
    document = policy_input(
        subject=attributes.subject_attributes(user),
        action=action,
        resource=resource,
        steward=steward,
        grants=attributes.grants_attribute(user, asset, action, now),
        context=request_context(
            purpose=purpose, purpose_category=purpose_category, context=context, now=now
        ),
    )
    raw, label = evaluate(document)
    return decision_from(raw, action, label)


def decide_actions(
    *,
    user: Any,
    asset: Asset,
    actions: Iterable[str] | None = None,
    purpose: str = "",
    purpose_category: str = "",
    context: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Decision]:
    """decide() for several actions on one asset (default: all), reading the asset, the user's
    stewardship and grants once: `{action: Decision}`, in the order asked."""
    wanted = list(actions) if actions is not None else [action.value for action in Action]
    unknown = [action for action in wanted if action not in ACTIONS]
    if unknown:
        raise ValueError(f"Unknown action {unknown[0]!r}; one of {', '.join(sorted(ACTIONS))}.")
    now = now or timezone.now()
    subject = attributes.subject_attributes(user)
    resource, steward = attributes.resource_and_stewardship(user, asset)
    grants = attributes.grants_by_action(user, asset, now)
    request = request_context(
        purpose=purpose, purpose_category=purpose_category, context=context, now=now
    )
    decisions = {}
    for action in wanted:
        document = policy_input(
            subject=subject,
            action=action,
            resource=resource,
            steward=steward,
            grants=grants.get(action, []),
            context=request,
        )
        raw, label = evaluate(document)
        decisions[action] = decision_from(raw, action, label)
    return decisions
