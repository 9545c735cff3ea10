"""Reads for the community: leaderboards (people, departments), buddies, tips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Count, Min, Q
from django.utils import timezone

from literacy.models import (
    BadgeAward,
    BuddyPairing,
    LearnerProfile,
    LessonCompletion,
    PlatformEvent,
    QuizAttempt,
    Tip,
)
from workbench.accounts.models import Department, User

LESSON_POINTS = 1
QUIZ_POINTS = 5
EVENT_POINTS = 2
PERIODS = {
    "week": "Last 7 days",
    "month": "Last 30 days",
    "quarter": "This quarter",
    "year": "This year",
    "all": "All time",
}
NEIGHBOURS = 2
Ranked = TypeVar("Ranked")
TOP = 10


def period_start(period: str, now: datetime | None = None) -> datetime | None:
    """Start of a leaderboard period ("all" has none); unknown periods read as "month"."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if period == "all":
        return None
    if period == "week":
        return now - timedelta(days=7)
    if period == "quarter":
        first_month = 3 * ((local.month - 1) // 3) + 1
        return local.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == "year":
        return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return now - timedelta(days=30)


def points_by_user(since: datetime | None) -> dict[int, int]:
    """Points earned since `since` (lessons read, quizzes first passed, badges, platform events)."""
    points: dict[int, int] = {}

    def add(user_id: int, value: int) -> None:
        points[user_id] = points.get(user_id, 0) + value

    lessons = LessonCompletion.objects.all()
    events = PlatformEvent.objects.all()
    awards = BadgeAward.objects.filter(revoked_at__isnull=True)
    if since is not None:
        lessons = lessons.filter(completed_at__gte=since)
        events = events.filter(occurred_at__gte=since)
        awards = awards.filter(awarded_at__gte=since)
    for row in lessons.values("user_id").annotate(n=Count("pk")):
        add(row["user_id"], row["n"] * LESSON_POINTS)
    for row in events.values("user_id").annotate(n=Count("pk")):
        add(row["user_id"], row["n"] * EVENT_POINTS)
    for user_id, badge_points in awards.values_list("user_id", "badge__points"):
        add(user_id, badge_points)
    first_passes = (
        QuizAttempt.objects.filter(passed=True)
        .values("user_id", "quiz_id")
        .annotate(first=Min("submitted_at"))
    )
    for first_pass in first_passes:
        if since is None or first_pass["first"] >= since:
            add(first_pass["user_id"], QUIZ_POINTS)
    return points


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    points: int
    name: str  # "Anonymous learner" unless the person opted in
    department: str
    is_viewer: bool
    is_named: bool


@dataclass(frozen=True)
class PersonLeaderboard:
    top: list[LeaderboardRow]
    around_viewer: list[LeaderboardRow]
    viewer_rank: int | None
    participants: int


def _learners() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .select_related("department", "learner_profile")
    )


def _ranked(scores: list[tuple[Ranked, float]]) -> list[tuple[int, Ranked, float]]:
    """Standard competition ranking (1, 2, 2, 4) by points, highest first."""
    ordered = sorted(scores, key=lambda item: -item[1])
    ranked: list[tuple[int, Ranked, float]] = []
    for position, (item, value) in enumerate(ordered, start=1):
        rank = ranked[-1][0] if ranked and ranked[-1][2] == value else position
        ranked.append((rank, item, value))
    return ranked


def person_leaderboard(*, viewer: User, period: str) -> PersonLeaderboard:
    """The people's leaderboard: names only of those who opted in; the viewer sees their place."""
    points = points_by_user(period_start(period))
    learners = _learners()
    ranked = _ranked([(u, points.get(u.pk, 0)) for u in learners])
    rows = [_row(rank, user, int(value), viewer) for rank, user, value in ranked]
    viewer_index = next((i for i, r in enumerate(rows) if r.is_viewer), None)
    around: list[LeaderboardRow] = []
    if viewer_index is not None:
        around = rows[max(0, viewer_index - NEIGHBOURS) : viewer_index + NEIGHBOURS + 1]
    return PersonLeaderboard(
        top=rows[:TOP],
        around_viewer=around,
        viewer_rank=rows[viewer_index].rank if viewer_index is not None else None,
        participants=len(rows),
    )


def _is_named(user: User) -> bool:
    try:
        return bool(user.learner_profile.show_on_leaderboard)
    except LearnerProfile.DoesNotExist:
        return False


def _row(rank: int, user: User, value: int, viewer: User) -> LeaderboardRow:
    named = _is_named(user)
    is_viewer = user.pk == viewer.pk
    if named:
        name = user.display_name
    else:
        name = "You (anonymous to others)" if is_viewer else "Anonymous learner"
    department = user.department.name if (named and user.department) else ""
    return LeaderboardRow(rank, value, name, department, is_viewer, named)


@dataclass(frozen=True)
class DepartmentRow:
    rank: int
    department: str
    members: int
    points: int
    points_per_member: float
    is_viewers: bool


def department_leaderboard(*, viewer: User, period: str) -> list[DepartmentRow]:
    """Departments ranked by points per member (fair to small teams)."""
    points = points_by_user(period_start(period))
    totals: dict[int, list[int]] = {}
    for user in _learners():
        if user.department_id is None:
            continue
        entry = totals.setdefault(user.department_id, [0, 0])
        entry[0] += 1
        entry[1] += points.get(user.pk, 0)
    names = dict(Department.objects.filter(pk__in=totals).values_list("pk", "name"))
    scores: list[tuple[tuple[int, int, int], float]] = [
        ((pk, n, p), round(p / n, 1)) for pk, (n, p) in totals.items()
    ]
    rows = []
    for rank, (pk, members, total), value in _ranked(scores):
        rows.append(
            DepartmentRow(rank, names[pk], members, total, float(value), pk == viewer.department_id)
        )
    return rows


def buddy_pairings_for(user: User) -> tuple[list[BuddyPairing], list[BuddyPairing]]:
    """(pairings where the user mentors, pairings where the user is mentored), current first."""
    today = timezone.localdate()
    current = Q(ended_at__isnull=True, quarter_end__gt=today)
    base = BuddyPairing.objects.filter(current).select_related(
        "mentor", "newcomer", "mentor__department", "newcomer__department"
    )
    return list(base.filter(mentor=user)), list(base.filter(newcomer=user))


def tip_get(key: str) -> Tip | None:
    return Tip.objects.select_related("course").filter(key=key).first()
