"""Reads for the governance pages: who may see what here, policies, decisions and the heat-map.

Scopes: platform admins and auditors (governance.view_policy) see every asset and person;
stewards and owners (governance.decide_accessrequest) see the assets of their domains; anyone
with a role may ask the simulator about themselves and the assets they may discover.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from catalog.models import Asset, AssetStatus, Domain
from workbench.accounts.models import Department, User
from workbench.audit.models import AuditEvent
from workbench.governance.models import Policy, PolicyVersion

VIEW_POLICY_PERMISSION = "governance.view_policy"
MANAGE_POLICY_PERMISSION = "governance.manage_policies"
STEWARD_PERMISSION = "governance.decide_accessrequest"
DECISION_ACTION_PREFIX = "governance."


# --- scope ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GovernanceScope:
    """What one person may look at on the governance pages."""

    user: User
    has_role: bool
    is_global: bool
    is_steward: bool

    @property
    def may_open(self) -> bool:
        return self.has_role or self.is_global

    @property
    def may_ask_about_others(self) -> bool:
        return self.is_global or self.is_steward

    def stewarded_assets(self) -> QuerySet[Asset]:
        """Assets whose access this person oversees: every one (global) or their domains'."""
        active = Asset.objects.filter(status=AssetStatus.ACTIVE)
        if self.is_global:
            return active
        if self.is_steward:
            return active.curatable_by(self.user)
        return active.none()

    def simulator_assets(self, subject: User) -> QuerySet[Asset]:
        """Assets the simulator answers about for `subject`: the overseen ones, plus, when the
        person asks about themselves, those they may discover."""
        overseen = self.stewarded_assets()
        if subject.pk != self.user.pk or self.is_global:
            return overseen
        from workbench.governance.policy import assets_permitted

        discoverable = assets_permitted(self.user, "discover").values("pk")
        return Asset.objects.filter(status=AssetStatus.ACTIVE).filter(
            Q(pk__in=overseen.values("pk")) | Q(pk__in=discoverable)
        )


def governance_scope(user: User | Any) -> GovernanceScope:
    if not (user.is_authenticated and user.is_active):
        return GovernanceScope(user=user, has_role=False, is_global=False, is_steward=False)
    return GovernanceScope(
        user=user,
        has_role=bool(user.is_superuser or user.groups.exists()),
        is_global=user.has_perm(VIEW_POLICY_PERMISSION),
        is_steward=user.has_perm(STEWARD_PERMISSION),
    )


# --- simulator lookups ------------------------------------------------------------------------


def simulator_subject_get(*, scope: GovernanceScope, user_id: int | None) -> User:
    """The person a question is about: oneself, or anyone active for admins, auditors and
    stewards. Unknown ids are 404; asking about someone else without the right is refused."""
    if user_id is None or user_id == scope.user.pk:
        return scope.user
    if not scope.may_ask_about_others:
        raise SimulatorRefused(
            "You may ask the simulator about yourself only; stewards, owners, auditors and "
            "platform admins may ask about others."
        )
    subject = User.objects.filter(pk=user_id, is_active=True).select_related("department")
    found = subject.first()
    if found is None:
        raise Http404("No such person")
    return found


def simulator_asset_get(*, scope: GovernanceScope, subject: User, asset_id: int) -> Asset:
    asset = (
        scope.simulator_assets(subject)
        .select_related("source", "domain", "owner")
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise Http404("No such asset, or it is outside what you may ask about")
    return asset


def overseen_asset_get(*, scope: GovernanceScope, asset_id: int) -> Asset:
    """An asset whose access the asker oversees (every one for admins and auditors)."""
    asset = (
        scope.stewarded_assets()
        .select_related("source", "domain", "owner")
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise Http404("No such asset, or it is outside your domains")
    return asset


class SimulatorRefused(Exception):
    """A question the asker may not put (said in a sentence for people)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def simulator_user_options(*, scope: GovernanceScope, text: str, limit: int = 20) -> list[User]:
    """People to pick in the simulator: matches on username or name (oneself only without the
    right to ask about others)."""
    people = User.objects.filter(is_active=True).select_related("department")
    if not scope.may_ask_about_others:
        people = people.filter(pk=scope.user.pk)
    text = text.strip()
    if text:
        people = people.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
    return list(people.order_by("username")[:limit])


def simulator_asset_options(*, scope: GovernanceScope, text: str, limit: int = 20) -> list[Asset]:
    assets = scope.simulator_assets(scope.user).select_related("source")
    text = text.strip()
    if text:
        assets = assets.filter(Q(name__icontains=text) | Q(schema_name__icontains=text))
    return list(assets.order_by("name", "pk")[:limit])


# --- policies ---------------------------------------------------------------------------------


def policy_list() -> QuerySet[Policy]:
    """Every policy document with its newest version (author prefetched), by path."""
    from django.db.models import Prefetch

    newest = PolicyVersion.objects.select_related("author").order_by("policy_id", "-number")
    return Policy.objects.prefetch_related(Prefetch("versions", queryset=newest)).order_by("path")


def policy_get(*, policy_id: int) -> Policy:
    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise Http404("No such policy")
    return policy


def policy_versions(*, policy: Policy) -> QuerySet[PolicyVersion]:
    return policy.versions.select_related("author").order_by("-number")


def policy_version_get(*, policy: Policy, number: int | None = None) -> PolicyVersion:
    """A version by number, or the current (newest) one; 404 when there is none."""
    versions = policy_versions(policy=policy)
    version = versions.filter(number=number).first() if number is not None else versions.first()
    if version is None:
        raise Http404("No such version")
    return version


@dataclass(frozen=True)
class PolicyDiff:
    old: PolicyVersion
    new: PolicyVersion
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def policy_diff(*, policy: Policy, old_number: int, new_number: int) -> PolicyDiff:
    """A unified diff between two versions of one policy (either order)."""
    old = policy_version_get(policy=policy, number=old_number)
    new = policy_version_get(policy=policy, number=new_number)
    lines = difflib.unified_diff(
        old.source.splitlines(),
        new.source.splitlines(),
        fromfile=f"{policy.path} v{old.number}",
        tofile=f"{policy.path} v{new.number}",
        lineterm="",
    )
    return PolicyDiff(old=old, new=new, lines=list(lines))


def policy_bundle_summary() -> dict[str, Any]:
    """The bundle in force: how many documents, the newest change, and its version id."""
    latest = PolicyVersion.objects.select_related("policy", "author").order_by("-created_at")
    newest = latest.filter(policy__is_active=True).first()
    return {
        "documents": Policy.objects.filter(is_active=True).count(),
        "latest": newest,
        "version": _bundle_version(),
    }


def _bundle_version() -> str:
    """The label decisions carry as `policy_version` (empty before any policy is loaded)."""
    from workbench.governance.policy import engine

    stamp = engine._current_stamp()
    return engine.stamp_label(stamp) if stamp else ""


# --- decisions (from the audit trail) ---------------------------------------------------------


@dataclass(frozen=True)
class DecisionFilters:
    actor: str = ""
    asset: str = ""
    action: str = ""
    outcome: str = ""
    since: datetime | None = None
    until: datetime | None = None


def decision_list(*, scope: GovernanceScope, filters: DecisionFilters) -> QuerySet[AuditEvent]:
    """Governance events (decisions, requests, grants, policy changes), newest first; stewards
    see only those about the assets of their domains."""
    events = AuditEvent.objects.filter(action__startswith=DECISION_ACTION_PREFIX)
    if not scope.is_global:
        overseen = scope.stewarded_assets().annotate(key=Cast("pk", CharField())).values("key")
        events = events.filter(target_type="catalog.asset", target_id__in=overseen)
    if filters.actor:
        events = events.filter(actor_username__icontains=filters.actor)
    if filters.asset:
        events = events.filter(_asset_matches(filters.asset))
    if filters.action:
        events = events.filter(action=f"{DECISION_ACTION_PREFIX}{filters.action}")
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.since:
        events = events.filter(occurred_at__gte=filters.since)
    if filters.until:
        events = events.filter(occurred_at__lt=filters.until)
    return events.order_by("-sequence")


def _asset_matches(text: str) -> Q:
    if text.isdigit():
        return Q(target_type="catalog.asset", target_id=text)
    return Q(target_type="catalog.asset", target_label__icontains=text)


def decision_action_codes() -> list[str]:
    """The governance action codes present in the trail, without the prefix, for the filter."""
    codes = (
        AuditEvent.objects.filter(action__startswith=DECISION_ACTION_PREFIX)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
    return [code.removeprefix(DECISION_ACTION_PREFIX) for code in codes]


# --- heat-map pickers -------------------------------------------------------------------------


def heatmap_domains(*, scope: GovernanceScope) -> QuerySet[Domain]:
    overseen = scope.stewarded_assets().values("domain_id")
    return Domain.objects.filter(pk__in=overseen).order_by("name")


def heatmap_departments() -> QuerySet[Department]:
    return Department.objects.filter(members__is_active=True).distinct().order_by("name")
