"""Load the starter learning content (paths, courses, badges, tips); idempotent.

A course that already exists keeps its lessons and quiz as HR / L&D edited them: the loader only
adds what is missing, so running it again never duplicates or overwrites anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from literacy import starter_content as content
from literacy.models import (
    Badge,
    BadgeCriterion,
    Choice,
    Course,
    LearningPath,
    Lesson,
    Question,
    Quiz,
    Tip,
)


@dataclass(frozen=True)
class StarterSummary:
    courses_created: int
    badges_created: int
    tips_created: int


@transaction.atomic
def literacy_starter_load() -> StarterSummary:
    paths = {
        p["tier"]: LearningPath.objects.get_or_create(
            tier=p["tier"], defaults={"title": p["title"], "description": p["description"]}
        )[0]
        for p in content.PATHS
    }
    courses = sum(_course_ensure(spec, paths) for spec in content.COURSES)
    badges = sum(_badge_ensure(spec) for spec in content.BADGES)
    tips = sum(_tip_ensure(spec) for spec in content.TIPS)
    return StarterSummary(courses, badges, tips)


def _course_ensure(spec: dict, paths: dict[str, LearningPath]) -> bool:
    course, created = Course.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "path": paths[spec["path"]],
            "title": spec["title"],
            "summary": spec["summary"],
            "estimated_minutes": spec["minutes"],
            "position": spec["position"],
            "is_published": True,
        },
    )
    if not created:
        return False
    for position, (title, body) in enumerate(spec["lessons"], start=1):
        Lesson.objects.create(course=course, position=position, title=title, body_markdown=body)
    _quiz_create(course, spec["quiz"])
    return True


def _quiz_create(course: Course, spec: dict) -> None:
    quiz = Quiz.objects.create(
        course=course,
        title=spec["title"],
        position=1,
        pass_mark_percent=spec["pass_mark"],
        max_attempts=spec["attempts"],
    )
    for q_position, (text, kind, choices) in enumerate(spec["questions"], start=1):
        question = Question.objects.create(quiz=quiz, position=q_position, text=text, kind=kind)
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=c_position,
                text=c_text,
                is_correct=correct,
                feedback=feedback,
            )
            for c_position, (c_text, correct, feedback) in enumerate(choices, start=1)
        )


def _badge_ensure(spec: dict) -> bool:
    badge, created = Badge.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "tier": spec.get("tier", ""),
            "points": spec["points"],
            "colour": spec["colour"],
            "description": spec["description"],
            "criteria_narrative": spec["criteria_narrative"],
        },
    )
    if created:
        for criterion in spec["criteria"]:
            BadgeCriterion.objects.create(badge=badge, **_criterion_fields(criterion))
    return created


def _criterion_fields(spec: dict) -> dict:
    kind = spec["kind"]
    if kind == "course_completed":
        return {"kind": kind, "course": Course.objects.get(slug=spec["course"])}
    if kind == "badge_earned":
        return {"kind": kind, "required_badge": Badge.objects.get(slug=spec["badge"])}
    if kind == "platform_event":
        return {"kind": kind, "event_kind": spec["event"], "min_count": spec["count"]}
    return {"kind": kind, "awarder_role": spec["role"]}


def _tip_ensure(spec: dict[str, str]) -> bool:
    _, created = Tip.objects.get_or_create(
        key=spec["key"],
        defaults={
            "title": spec["title"],
            "body_markdown": spec["body"],
            "course": Course.objects.filter(slug=spec["course"]).first(),
        },
    )
    return created
