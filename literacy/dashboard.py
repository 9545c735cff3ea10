"""Reads for the HR dashboard: tier shares by department against targets, trend, individuals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from literacy.models import TIER_ORDER, CourseProgress, LiteracySnapshot
from literacy.selectors import TierName, tiers_by_user
from workbench.accounts.models import Department, User

# Targets for the share of people at each tier or above (Awareness, Proficiency, Fluency).
TARGETS: dict[str, int] = {"bronze": 70, "silver": 25, "gold": 5}


@dataclass(frozen=True)
class TierCounts:
    headcount: int
    bronze: int  # at least Bronze
    silver: int  # at least Silver
    gold: int

    def percent(self, tier: str) -> float:
        count = {"bronze": self.bronze, "silver": self.silver, "gold": self.gold}[tier]
        return round(100 * count / self.headcount, 1) if self.headcount else 0.0

    @property
    def bronze_percent(self) -> float:
        return self.percent("bronze")

    @property
    def silver_percent(self) -> float:
        return self.percent("silver")

    @property
    def gold_percent(self) -> float:
        return self.percent("gold")

    def meets(self, tier: str) -> bool:
        return self.percent(tier) >= TARGETS[tier]

    @property
    def meets_all(self) -> bool:
        return all(self.meets(t) for t in TARGETS)


@dataclass(frozen=True)
class DepartmentProgress:
    department: Department
    counts: TierCounts


def _people() -> list[tuple[int, int | None]]:
    return list(
        User.objects.filter(is_active=True, department__isnull=False).values_list(
            "pk", "department_id"
        )
    )


def _count(user_ids: list[int], tiers: dict[int, TierName]) -> TierCounts:
    levels = [TIER_ORDER[tiers.get(u, "none")] for u in user_ids]
    return TierCounts(
        headcount=len(levels),
        bronze=sum(1 for x in levels if x >= 1),
        silver=sum(1 for x in levels if x >= 2),
        gold=sum(1 for x in levels if x >= 3),
    )


def literacy_progress() -> tuple[TierCounts, list[DepartmentProgress]]:
    """Organisation totals and one row per department with members (three queries)."""
    people = _people()
    tiers = tiers_by_user()
    by_department: dict[int, list[int]] = {}
    for user_id, department_id in people:
        by_department.setdefault(department_id or 0, []).append(user_id)
    departments = Department.objects.filter(pk__in=by_department).order_by("name")
    rows = [DepartmentProgress(d, _count(by_department[d.pk], tiers)) for d in departments]
    return _count([u for u, _ in people], tiers), rows


@dataclass(frozen=True)
class PersonProgress:
    user: User
    tier: TierName
    courses_completed: int
    last_activity: datetime | None


def department_people(department: Department) -> list[PersonProgress]:
    """The people of a department with tier and courses completed (HR drill-down)."""
    users = list(
        User.objects.filter(is_active=True, department=department)
        .annotate(
            courses_completed=Count(
                "course_progress", filter=Q(course_progress__completed_at__isnull=False)
            ),
            last_activity=Max("course_progress__last_seen_at"),
        )
        .order_by("last_name", "first_name", "username")
    )
    tiers = tiers_by_user([u.pk for u in users])
    return [
        PersonProgress(u, tiers.get(u.pk, "none"), u.courses_completed, u.last_activity)
        for u in users
    ]


def trend(*, department: Department | None = None, days: int = 180) -> list[LiteracySnapshot]:
    since = timezone.localdate() - timedelta(days=days)
    snapshots = LiteracySnapshot.objects.filter(taken_on__gte=since)
    if department is None:
        return list(snapshots.filter(department__isnull=True).order_by("taken_on"))
    return list(snapshots.filter(department=department).order_by("taken_on"))


def chart_data(
    totals: TierCounts, rows: list[DepartmentProgress], snapshots: list[LiteracySnapshot]
) -> dict[str, Any]:
    """What the charts draw (the same numbers the tables show)."""
    return {
        "targets": TARGETS,
        "departments": {
            "labels": [r.department.name for r in rows],
            "bronze": [r.counts.bronze_percent for r in rows],
            "silver": [r.counts.silver_percent for r in rows],
            "gold": [r.counts.gold_percent for r in rows],
        },
        "trend": {
            "labels": [s.taken_on.isoformat() for s in snapshots],
            "bronze": [_pct(s.at_least_bronze, s.headcount) for s in snapshots],
            "silver": [_pct(s.at_least_silver, s.headcount) for s in snapshots],
            "gold": [_pct(s.at_least_gold, s.headcount) for s in snapshots],
        },
        "organisation": {
            "bronze": totals.bronze_percent,
            "silver": totals.silver_percent,
            "gold": totals.gold_percent,
        },
    }


def _pct(count: int, headcount: int) -> float:
    return round(100 * count / headcount, 1) if headcount else 0.0


def completed_courses_count(user: User) -> int:
    return CourseProgress.objects.filter(user=user, completed_at__isnull=False).count()


def snapshot_dates() -> list[date]:
    return list(LiteracySnapshot.objects.values_list("taken_on", flat=True).distinct())
