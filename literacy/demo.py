"""Demo literacy data: starter courses, people at every tier (earned the real way, through the
courses, quizzes and buddy pairing), a mentoring pair, leaderboard opt-ins and a trend history.

Idempotent: progress, awards, pairings and events are unique per person, so a second run adds
nothing; the trend history is written per day with update_or_create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from literacy.models import BuddyPairing, Course, LiteracySnapshot, QuestionKind, Quiz
from literacy.selectors import literacy_tier
from literacy.services import learning
from literacy.services.badges import platform_event_record
from literacy.services.community import (
    CommunityError,
    buddy_pair,
    learner_profile_set,
    quarter_bounds,
)
from literacy.services.snapshots import literacy_snapshot_take
from literacy.starter import literacy_starter_load
from workbench.accounts.models import User

BRONZE_COURSES = ["data-101"]
SILVER_COURSES = [
    *BRONZE_COURSES,
    "ai-assistants-and-agents",
    "privacy-in-practice",
    "prompt-patterns-and-red-lines",
]
GOLD_COURSES = [*SILVER_COURSES, "quality-and-feedback"]
# Named personas: the business user at Bronze, the steward at Silver, the data owner at Gold.
PERSONA_COURSES = {
    "analyst": BRONZE_COURSES,
    "steward": SILVER_COURSES,
    "owner": GOLD_COURSES,
    "hr": SILVER_COURSES,
    "reviewer": BRONZE_COURSES,
}
SHOWN_ON_LEADERBOARD = ("analyst", "steward", "owner", "hr")
TREND_WEEKS = 8


@dataclass(frozen=True)
class LiteracyDemoSummary:
    tiers: dict[str, int]
    snapshots: int


def literacy_demo_load() -> LiteracyDemoSummary:
    literacy_starter_load()
    people = {
        u.username: u for u in User.objects.filter(is_active=True, groups__isnull=False).distinct()
    }
    for username, courses in PERSONA_COURSES.items():
        if username in people:
            _complete_courses(people[username], courses)
    _extra_people(people)
    _mentoring(people)
    for username in SHOWN_ON_LEADERBOARD:
        if username in people:
            learner_profile_set(user=people[username], show_on_leaderboard=True)
    _platform_events(people)
    snapshots = _trend_history()
    tiers: dict[str, int] = {}
    for user in people.values():
        tier = literacy_tier(user)
        tiers[tier] = tiers.get(tier, 0) + 1
    return LiteracyDemoSummary(tiers=tiers, snapshots=snapshots)


def _complete_courses(user: User, slugs: list[str]) -> None:
    """Read every lesson and pass every quiz, as the person would have done."""
    for course in Course.objects.filter(slug__in=slugs).prefetch_related("lessons", "quizzes"):
        for lesson in course.lessons.all():
            learning.lesson_complete(user=user, lesson=lesson)
        for quiz in course.quizzes.all():
            if not quiz.attempts.filter(user=user, passed=True).exists():
                learning.quiz_attempt_submit(user=user, quiz=quiz, answers=_right_answers(quiz))


def _right_answers(quiz: Quiz) -> dict[int, list[int]]:
    answers = {}
    for question in quiz.questions.prefetch_related("choices"):
        right = [c.pk for c in question.choices.all() if c.is_correct]
        answers[question.pk] = right[:1] if question.kind == QuestionKind.SINGLE else right
    return answers


def _extra_people(people: dict[str, User]) -> None:
    """Spread the rest of the organisation over the ladder: about half Bronze, a few Silver."""
    others = sorted(u for u in people if "." in u)
    for index, username in enumerate(others):
        if index % 6 == 0:
            _complete_courses(people[username], SILVER_COURSES)
        elif index % 2 == 0:
            _complete_courses(people[username], BRONZE_COURSES)
        elif index % 3 == 1:
            _start_course(people[username], "data-101")


def _start_course(user: User, slug: str) -> None:
    course = Course.objects.filter(slug=slug).first()
    lesson = course.lessons.first() if course else None
    if lesson is not None:
        learning.lesson_complete(user=user, lesson=lesson)


def _mentoring(people: dict[str, User]) -> None:
    """The data owner mentors the analyst this quarter (which completes the owner's Gold)."""
    mentor, newcomer, hr = people.get("owner"), people.get("analyst"), people.get("hr")
    if not (mentor and newcomer and hr):
        return
    start, _ = quarter_bounds(timezone.localdate())
    exists = BuddyPairing.objects.filter(
        newcomer=newcomer, quarter_start=start, ended_at__isnull=True
    )
    if not exists.exists():
        try:
            buddy_pair(actor=hr, mentor=mentor, newcomer=newcomer)
        except CommunityError:
            return


def _platform_events(people: dict[str, User]) -> None:
    analyst = people.get("analyst")
    if analyst is not None:
        for run in range(1, 9):
            platform_event_record(user=analyst, kind="sandbox.prompt_run", ref=f"demo-run-{run}")


def _trend_history() -> int:
    """Weekly snapshots for the last weeks, growing towards today's real counts, then today's."""
    literacy_snapshot_take()
    today = timezone.localdate()
    current = list(LiteracySnapshot.objects.filter(taken_on=today))
    for week in range(1, TREND_WEEKS + 1):
        share = (TREND_WEEKS + 1 - week) / (TREND_WEEKS + 1)
        day = today - timedelta(weeks=week)
        for snap in current:
            bronze = round(snap.at_least_bronze * share)
            silver = min(bronze, round(snap.at_least_silver * share * share))
            gold = min(silver, round(snap.at_least_gold * share * share * share))
            LiteracySnapshot.objects.update_or_create(
                taken_on=day,
                department=snap.department,
                defaults={
                    "headcount": snap.headcount,
                    "at_least_bronze": bronze,
                    "at_least_silver": silver,
                    "at_least_gold": gold,
                },
            )
    return LiteracySnapshot.objects.count()
