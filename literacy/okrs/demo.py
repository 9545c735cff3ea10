"""Demo OKRs for the current quarter: a company objective aligned with the year's, team objectives
with check-ins over the past weeks, key results that update themselves from registry metrics, and
teams the data/AI check flags (Sales EMEA's OKRs carry no data key result; Customer Service has
none). Idempotent: objectives and key results are found by title, history is written once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from literacy.models import CheckIn, CheckInSource, KeyResult, KeyResultCategory, Objective
from literacy.okrs import periods, services
from workbench.accounts.models import Department, User
from workbench.core.metrics import metric_value

BACKFILL_WEEKS = (8, 6, 4, 2)


@dataclass(frozen=True)
class DemoKeyResult:
    title: str
    category: str
    unit: str
    start: str
    target: str
    history: tuple[tuple[int, str, str, str], ...] = ()  # (weeks ago, value, confidence, comment)
    weight: str = "1"
    metric_key: str = ""
    metric_department: str | None = None  # department code; None with a metric: organisation


@dataclass(frozen=True)
class DemoObjective:
    title: str
    department: str | None
    owner: str
    description: str
    key_results: tuple[DemoKeyResult, ...]
    parent: str | None = None  # title of the parent objective
    yearly: bool = False


@dataclass
class OkrDemoSummary:
    objectives: int = 0
    key_results: int = 0
    created: list[str] = field(default_factory=list)
    flagged_example: str = "Sales EMEA"


def _first_member(code: str) -> str:
    user = (
        User.objects.filter(department__code=code, is_active=True, groups__isnull=False)
        .order_by("username")
        .first()
    )
    return user.username if user else "admin"


def _objectives() -> tuple[DemoObjective, ...]:
    sales_owner = _first_member("sales-emea")
    return (
        DemoObjective(
            "Freedom within guardrails: decisions on trusted data",
            None,
            "admin",
            "The year's company objective every team's OKRs align with.",
            (),
            yearly=True,
        ),
        DemoObjective(
            "Become a data-literate company",
            None,
            "admin",
            "Everyone reads data with confidence and uses AI within the guardrails.",
            (
                DemoKeyResult(
                    "People at Awareness (Bronze) or above",
                    KeyResultCategory.DATA,
                    "%",
                    "0",
                    "70",
                    metric_key="literacy.share_at_least_awareness",
                ),
                DemoKeyResult(
                    "Active self-service users",
                    KeyResultCategory.DATA,
                    "%",
                    "10",
                    "50",
                    metric_key="platform.active_users",
                ),
                DemoKeyResult(
                    "Catalog coverage (documented tables)",
                    KeyResultCategory.DATA,
                    "%",
                    "0",
                    "90",
                    metric_key="catalog.coverage",
                ),
            ),
            parent="Freedom within guardrails: decisions on trusted data",
        ),
        DemoObjective(
            "Make every campaign decision with trusted data",
            "growth",
            "steward",
            "Growth Marketing plans, measures and reports campaigns on certified data.",
            (
                DemoKeyResult(
                    "Campaigns measured against certified data",
                    KeyResultCategory.DATA,
                    "campaigns",
                    "0",
                    "12",
                    history=(
                        (6, "2", "0.5", "Two pilots on the certified customer table."),
                        (4, "4", "0.6", "Spring campaigns moved over."),
                        (2, "6", "0.6", "Brand team joined two campaigns."),
                        (1, "7", "0.7", "On track if the summer launch uses it."),
                    ),
                    weight="2",
                ),
                DemoKeyResult(
                    "Growth team at Awareness (Bronze) or above",
                    KeyResultCategory.DATA,
                    "%",
                    "0",
                    "80",
                    metric_key="literacy.share_at_least_awareness",
                    metric_department="growth",
                ),
                DemoKeyResult(
                    "Days to turn a campaign report around",
                    KeyResultCategory.BUSINESS,
                    "days",
                    "10",
                    "3",
                    history=(
                        (5, "9", "0.5", "Still exporting to spreadsheets."),
                        (3, "7", "0.5", "Self-service dashboard for the weekly report."),
                        (1, "5", "0.6", "Two reports now same-week."),
                    ),
                ),
            ),
            parent="Become a data-literate company",
        ),
        DemoObjective(
            "Approve access within hours, not days",
            "data-governance",
            "owner",
            "Stewards decide quickly, so nobody works around the guardrails.",
            (
                DemoKeyResult(
                    "Median time to approve an access request",
                    KeyResultCategory.DATA,
                    "h",
                    "48",
                    "4",
                    metric_key="governance.access_approval_median_hours",
                ),
                DemoKeyResult(
                    "Certified tables in the catalog",
                    KeyResultCategory.DATA,
                    "tables",
                    "0",
                    "10",
                    history=((3, "1", "0.4", "First table certified."), (1, "2", "0.5", "")),
                ),
            ),
            parent="Become a data-literate company",
        ),
        DemoObjective(
            "Grow the EMEA pipeline",
            "sales-emea",
            sales_owner,
            "More qualified opportunities in EMEA this quarter.",
            (
                DemoKeyResult(
                    "Qualified opportunities",
                    KeyResultCategory.BUSINESS,
                    "opportunities",
                    "40",
                    "60",
                    history=((4, "44", "0.6", ""), (2, "47", "0.5", "Two trade fairs ahead.")),
                ),
                DemoKeyResult(
                    "Win rate",
                    KeyResultCategory.BUSINESS,
                    "%",
                    "18",
                    "25",
                    history=((3, "19", "0.4", ""),),
                ),
            ),
        ),
    )


def okr_demo_load() -> OkrDemoSummary:
    """Create the demo OKRs (once) and refresh their automatic key results."""
    summary = OkrDemoSummary()
    quarter = periods.current_quarter()
    departments = {d.code: d for d in Department.objects.all()}
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    if "admin" not in users:
        return summary  # the organisation is not loaded
    by_title: dict[str, Objective] = {}
    for spec in _objectives():
        period = quarter[:4] if spec.yearly else quarter
        with transaction.atomic():
            objective = _objective_ensure(spec, period, departments, users, by_title, summary)
            for position, kr_spec in enumerate(spec.key_results):
                _key_result_ensure(objective, kr_spec, position, departments, summary)
        by_title[spec.title] = objective
    services.key_results_refresh_all()
    return summary


def _objective_ensure(
    spec: DemoObjective,
    period: str,
    departments: dict[str, Department],
    users: dict[str, User],
    by_title: dict[str, Objective],
    summary: OkrDemoSummary,
) -> Objective:
    department = departments.get(spec.department) if spec.department else None
    objective, created = Objective.objects.get_or_create(
        title=spec.title,
        department=department,
        period=period,
        defaults={
            "owner": users.get(spec.owner, users["admin"]),
            "description": spec.description,
            "parent": by_title.get(spec.parent or ""),
        },
    )
    summary.objectives += 1
    if created:
        summary.created.append(spec.title)
    return objective


def _key_result_ensure(
    objective: Objective,
    spec: DemoKeyResult,
    position: int,
    departments: dict[str, Department],
    summary: OkrDemoSummary,
) -> KeyResult:
    key_result, created = KeyResult.objects.get_or_create(
        objective=objective,
        title=spec.title,
        defaults={
            "category": spec.category,
            "unit": spec.unit,
            "start_value": Decimal(spec.start),
            "target_value": Decimal(spec.target),
            "current_value": Decimal(spec.start),
            "weight": Decimal(spec.weight),
            "metric_key": spec.metric_key,
            "metric_department": departments.get(spec.metric_department or ""),
            "position": position,
        },
    )
    summary.key_results += 1
    if created and spec.history:
        _history_write(key_result, spec, objective.owner)
    if created and spec.metric_key:
        _metric_backfill(key_result)
    return key_result


def _metric_backfill(key_result: KeyResult) -> None:
    """The metric's real values at past dates (it is computed "as at" a time), recorded as the
    system's check-ins, so the chart shows the weeks before the demo was loaded."""
    now, previous = timezone.now(), None
    for weeks_ago in BACKFILL_WEEKS:
        at = now - timedelta(weeks=weeks_ago)
        value = metric_value(key_result.metric_key, key_result.metric_department, at=at)
        if value is None or value == previous:
            continue
        previous = value
        CheckIn.objects.create(
            key_result=key_result,
            value=Decimal(str(value)),
            comment=f"Updated from the metric “{key_result.metric_key}”.",
            source=CheckInSource.METRIC,
            created_at=at,
        )
        key_result.current_value = Decimal(str(value))
    key_result.save(update_fields=["current_value"])


def _history_write(key_result: KeyResult, spec: DemoKeyResult, author: User) -> None:
    now = timezone.now()
    for weeks_ago, value, confidence, comment in spec.history:
        CheckIn.objects.create(
            key_result=key_result,
            value=Decimal(value),
            confidence=Decimal(confidence),
            comment=comment,
            author=author,
            source=CheckInSource.MANUAL,
            created_at=now - timedelta(weeks=weeks_ago),
        )
    _, last_value, last_confidence, _ = spec.history[-1]
    key_result.current_value = Decimal(last_value)
    key_result.confidence = Decimal(last_confidence)
    key_result.save(update_fields=["current_value", "confidence"])
