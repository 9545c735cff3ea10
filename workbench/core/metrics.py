"""The metric registry: named platform figures that OKR key results bind to and the KPI scorecard
reads. One place defines what each metric counts, its unit, target, direction and owner.

A metric's `compute(department, at)` returns a float, or None when there is nothing to measure
(no members, no decided requests). With a department the figure covers that department and every
department below it; metrics that are organisation-wide by nature (`by_department=False`) ignore it.
Other apps add their metrics with `register_metric` (the scorecard extends this module).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone

from workbench.accounts.roles import Role

if TYPE_CHECKING:
    from workbench.accounts.models import Department

MetricCompute = Callable[["Department | None", datetime], "float | None"]

ACTIVITY_WINDOW = timedelta(days=30)


class Direction(StrEnum):
    """Whether a bigger value is better (coverage) or a smaller one (approval time)."""

    UP = "up"
    DOWN = "down"


class MetricCategory(StrEnum):
    """What a metric is about; data and AI metrics count for the OKR data/AI check."""

    DATA = "data"
    AI = "ai"
    LITERACY = "literacy"
    ADOPTION = "adoption"


DATA_OR_AI_CATEGORIES = frozenset({MetricCategory.DATA, MetricCategory.AI, MetricCategory.LITERACY})


class UnknownMetric(KeyError):
    """No metric is registered under this key."""


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    description: str
    compute: MetricCompute
    owner_role: Role
    target: float | None
    direction: Direction
    category: MetricCategory
    by_department: bool = True

    @property
    def is_data_or_ai(self) -> bool:
        return self.category in DATA_OR_AI_CATEGORIES


_REGISTRY: dict[str, Metric] = {}


def register_metric(
    *,
    key: str,
    label: str,
    unit: str,
    description: str,
    compute: MetricCompute,
    owner_role: Role,
    target: float | None,
    direction: Direction,
    category: MetricCategory = MetricCategory.DATA,
    by_department: bool = True,
) -> Metric:
    """Add a metric; registering a key twice with a different definition is a programming error."""
    metric = Metric(
        key, label, unit, description, compute, owner_role, target, direction, category,
        by_department,
    )  # fmt: skip
    existing = _REGISTRY.get(key)
    if existing is not None and existing != metric:
        raise ValueError(f"A different metric is already registered as {key!r}.")
    _REGISTRY[key] = metric
    return metric


def metric_list() -> list[Metric]:
    """Every registered metric, ordered by key."""
    _builtin_metrics_ensure()
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def metric_get(key: str) -> Metric:
    _builtin_metrics_ensure()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownMetric(key) from None


def metric_value(
    key: str, department: Department | None = None, at: datetime | None = None
) -> float | None:
    """The metric's value now (or at `at`), for a department's subtree or the whole organisation."""
    metric = metric_get(key)
    scope = department if metric.by_department else None
    value = metric.compute(scope, at or timezone.now())
    return None if value is None else float(value)


# --- scoping helpers --------------------------------------------------------------------------


def department_subtree_ids(department: Department) -> set[int]:
    """The department and every department below it (departments are few: one query)."""
    from workbench.accounts.models import Department

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [department.pk]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def _people(department: Department | None):  # type: ignore[no-untyped-def]
    from workbench.accounts.models import User

    people = User.objects.filter(is_active=True)
    if department is not None:
        people = people.filter(department_id__in=department_subtree_ids(department))
    return people


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


# --- built-in metrics -------------------------------------------------------------------------


def literacy_tier_share(tier: str, *, at_least: bool) -> MetricCompute:
    """Share (in %) of a department's active people whose literacy tier (their highest tier badge
    not revoked by `at`, as `literacy.selectors.literacy_tier` defines it) is `tier` (or higher)."""

    def compute(department: Department | None, at: datetime) -> float | None:
        from literacy.models import TIER_ORDER

        people = set(_people(department).values_list("pk", flat=True))
        if not people:
            return None
        best = _highest_tiers(people, at)
        wanted = TIER_ORDER[tier]

        def counts(person: int) -> bool:
            rank = TIER_ORDER[best.get(person, "none")]
            return rank >= wanted if at_least else rank == wanted

        return _percent(sum(1 for person in people if counts(person)), len(people))

    return compute


def _highest_tiers(people: set[int], at: datetime) -> dict[int, str]:
    """Each person's highest tier badge held at `at` (one query for the whole department)."""
    from django.db.models import Q

    from literacy.models import TIER_ORDER, BadgeAward

    held = (
        BadgeAward.objects.filter(user_id__in=people, awarded_at__lte=at)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        .exclude(badge__tier="")
        .values_list("user_id", "badge__tier")
    )
    best: dict[int, str] = {}
    for person, tier in held:
        if TIER_ORDER[tier] > TIER_ORDER[best.get(person, "none")]:
            best[person] = tier
    return best


def active_users_share(department: Department | None, at: datetime) -> float | None:
    """Share (in %) of active accounts that signed in or did anything audited in 30 days."""
    from django.db.models import Exists, OuterRef, Q

    from workbench.audit.models import AuditEvent

    since = at - ACTIVITY_WINDOW
    acted = AuditEvent.objects.filter(
        actor_id=OuterRef("pk"), occurred_at__gte=since, occurred_at__lte=at
    )
    people = _people(department)
    counts = people.aggregate(
        total=_count(),
        active=_count(Q(last_login__gte=since, last_login__lte=at) | Q(Exists(acted))),
    )
    return _percent(counts["active"], counts["total"])


def _count(condition=None):  # type: ignore[no-untyped-def]
    from django.db.models import Count

    return Count("pk", filter=condition)


def catalog_coverage_percent(department: Department | None, at: datetime) -> float | None:
    """Share (in %) of active tables with a description, an owner and a classification."""
    from catalog.kpis import catalog_coverage

    coverage = catalog_coverage()
    return coverage.percent if coverage.tables else None


def access_approval_median_hours(department: Department | None, at: datetime) -> float | None:
    """Median hours from an access request to its decision (approved or denied), over the
    requests decided in the 30 days before `at`: the governance overview's figure
    (`workbench.governance.metrics`), narrowed to the requesters' department when one is given."""
    since = at - ACTIVITY_WINDOW
    if department is None:
        try:
            from workbench.governance.metrics import governance_metrics
        except ImportError:  # governance without its metrics module: compute the same here
            pass
        else:
            median = governance_metrics(since=since, until=at)["decision_time_median_hours"]
            return None if median is None else float(median)
    from workbench.governance.models import AccessRequest, RequestStatus

    decided = AccessRequest.objects.filter(
        status__in=[RequestStatus.APPROVED, RequestStatus.DENIED],
        decided_at__gte=since,
        decided_at__lt=at,
    )
    if department is not None:
        decided = decided.filter(requester__department_id__in=department_subtree_ids(department))
    hours = [
        max(timedelta(0), decided_at - created).total_seconds() / 3600
        for created, decided_at in decided.values_list("created_at", "decided_at")
        if decided_at is not None
    ]
    return round(statistics.median(hours), 2) if hours else None


_BUILTINS_LOADED = False


def _builtin_metrics_ensure() -> None:
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    _BUILTINS_LOADED = True
    _register_literacy_metrics()
    register_metric(
        key="platform.active_users",
        label="Active self-service users",
        unit="%",
        description="Share of active accounts that signed in or did anything recorded in the "
        "audit trail in the last 30 days.",
        compute=active_users_share,
        owner_role=Role.PLATFORM_ADMIN,
        target=50.0,
        direction=Direction.UP,
        category=MetricCategory.ADOPTION,
    )
    register_metric(
        key="catalog.coverage",
        label="Catalog coverage",
        unit="%",
        description="Share of active catalogued tables that have a description, an owner and a "
        "classification set by a steward. Organisation-wide.",
        compute=catalog_coverage_percent,
        owner_role=Role.DATA_OWNER,
        target=90.0,
        direction=Direction.UP,
        category=MetricCategory.DATA,
        by_department=False,
    )
    register_metric(
        key="governance.access_approval_median_hours",
        label="Median time to decide an access request",
        unit="h",
        description="Median hours from an access request being made to its decision (approved "
        "or denied), over the requests decided in the last 30 days; the governance overview's "
        "figure, or the requesters' department's.",
        compute=access_approval_median_hours,
        owner_role=Role.DATA_STEWARD,
        target=4.0,
        direction=Direction.DOWN,
        category=MetricCategory.DATA,
    )


# (tier, key word, label, the ladder's target share at exactly this tier)
LITERACY_TIERS = (
    ("bronze", "awareness", "Awareness (Bronze)", 70.0),
    ("silver", "proficiency", "Proficiency (Silver)", 25.0),
    ("gold", "fluency", "Fluency (Gold)", 5.0),
)


def _register_literacy_metrics() -> None:
    for tier, word, label, target in LITERACY_TIERS:
        register_metric(
            key=f"literacy.share_{word}",
            label=f"People at {label}",
            unit="%",
            description=f"Share of a department's active people whose highest literacy tier is "
            f"{label} (the ladder's target is {target:g} %).",
            compute=literacy_tier_share(tier, at_least=False),
            owner_role=Role.HR,
            target=target,
            direction=Direction.UP,
            category=MetricCategory.LITERACY,
        )
        register_metric(
            key=f"literacy.share_at_least_{word}",
            label=f"People at {label} or above",
            unit="%",
            description=f"Share of a department's active people who reached at least {label}.",
            compute=literacy_tier_share(tier, at_least=True),
            owner_role=Role.HR,
            target=None,
            direction=Direction.UP,
            category=MetricCategory.LITERACY,
        )
