"""The what-if simulator: the engine's answers to "may U do A on X, and why?", "who may do A on
X?" and "what may U do?", within what the asker may look at (see selectors.GovernanceScope).

Read only: nothing here records a decision in the audit trail or changes a row; asking is not
accessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from catalog.models import Asset
from workbench.accounts.models import User
from workbench.governance.actions import Action
from workbench.governance.selectors import (
    GovernanceScope,
    SimulatorRefused,
    overseen_asset_get,
    simulator_asset_get,
    simulator_subject_get,
)

WHAT_ASSETS_PER_PAGE = 25
ACTIONS: tuple[str, ...] = tuple(action.value for action in Action)


def decision_as_dict(decision: Any) -> dict[str, Any]:
    """A Decision as plain JSON-able values (the API and the page show the same fields)."""
    return {
        "allowed": bool(decision.allowed),
        "action": decision.action,
        "masked": bool(decision.masked),
        "reasons": list(decision.reasons),
        "rules": list(decision.rules),
        "needs_request": bool(decision.needs_request),
        "grant_id": decision.grant_id,
        "policy_version": decision.policy_version,
    }


@dataclass(frozen=True)
class DecisionAnswer:
    subject: User
    asset: Asset
    decision: Any
    purpose: str


def simulate_decision(
    *, scope: GovernanceScope, user_id: int | None, asset_id: int, action: str, purpose: str = ""
) -> DecisionAnswer:
    from workbench.governance.policy import decide

    subject = simulator_subject_get(scope=scope, user_id=user_id)
    asset = simulator_asset_get(scope=scope, subject=subject, asset_id=asset_id)
    decision = decide(user=subject, action=action, asset=asset, purpose=purpose)
    return DecisionAnswer(subject=subject, asset=asset, decision=decision, purpose=purpose)


@dataclass(frozen=True)
class WhoAnswer:
    asset: Asset
    action: str
    allowed: list[tuple[User, Any]]
    denied_count: int


def simulate_who(*, scope: GovernanceScope, asset_id: int, action: str) -> WhoAnswer:
    """Everyone active the policies allow (unmasked first), and how many others are denied."""
    from workbench.governance.policy import who_may

    if not scope.may_ask_about_others:
        raise SimulatorRefused(
            "Only stewards and owners (for their domains), auditors and platform admins may ask "
            "who may use an asset."
        )
    # "Who may" is about everyone: the asset must be one the asker oversees, not just discovers.
    asset = overseen_asset_get(scope=scope, asset_id=asset_id)
    allowed = [(user, decision) for user, decision in who_may(action=action, asset=asset)]
    allowed.sort(key=lambda pair: (pair[1].masked, pair[0].username))
    active = User.objects.filter(is_active=True).count()
    return WhoAnswer(
        asset=asset, action=action, allowed=allowed, denied_count=max(active - len(allowed), 0)
    )


@dataclass(frozen=True)
class WhatAnswer:
    subject: User
    assets: list[Asset]
    decisions: dict[int, dict[str, Any]]
    page: int
    pages: int
    total: int


def simulate_what(
    *, scope: GovernanceScope, user_id: int | None, page: int = 1, asset_id: int | None = None
) -> WhatAnswer:
    """Every action on each asset (a page of them, or the one asked about) for one person."""
    from workbench.governance.policy import what_may

    subject = simulator_subject_get(scope=scope, user_id=user_id)
    if asset_id is not None:
        assets = [simulator_asset_get(scope=scope, subject=subject, asset_id=asset_id)]
        total, pages, page = 1, 1, 1
    else:
        candidates = scope.simulator_assets(subject).select_related("source", "domain")
        candidates = candidates.order_by("name", "pk")
        total = candidates.count()
        pages = max(1, math.ceil(total / WHAT_ASSETS_PER_PAGE))
        page = min(max(page, 1), pages)
        start = (page - 1) * WHAT_ASSETS_PER_PAGE
        assets = list(candidates[start : start + WHAT_ASSETS_PER_PAGE])
    decisions = what_may(user=subject, assets=assets) if assets else {}
    return WhatAnswer(
        subject=subject, assets=assets, decisions=decisions, page=page, pages=pages, total=total
    )
