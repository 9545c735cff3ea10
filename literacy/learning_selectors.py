"""Reads for learning: the catalogue of courses, a learner's progress and where to resume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from literacy.models import (
    Course,
    CourseProgress,
    LearningPath,
    Lesson,
    LessonCompletion,
    Quiz,
    QuizAttempt,
)
from workbench.accounts.models import User


def course_list(*, include_drafts: bool = False) -> QuerySet[Course]:
    courses = Course.objects.select_related("path").annotate(
        lesson_count=Count("lessons", distinct=True), quiz_count=Count("quizzes", distinct=True)
    )
    return courses if include_drafts else courses.filter(is_published=True)


def access_course(user: User, slug: str) -> Course | None:
    """The course with `slug`, if the user may see it (drafts only for authors)."""
    include_drafts = user.has_perm("literacy.author_course")
    return course_list(include_drafts=include_drafts).filter(slug=slug).first()


@dataclass(frozen=True)
class CourseStatus:
    course: Course
    lessons_done: int
    lessons_total: int
    quizzes_passed: int
    quizzes_total: int
    is_completed: bool
    resume_lesson_id: int | None
    is_started: bool

    @property
    def percent(self) -> int:
        total = self.lessons_total + self.quizzes_total
        done = self.lessons_done + self.quizzes_passed
        return round(100 * done / total) if total else 0


@dataclass(frozen=True)
class PathStatus:
    path: LearningPath
    courses: list[CourseStatus]

    @property
    def completed(self) -> int:
        return sum(1 for c in self.courses if c.is_completed)


def learning_overview(user: User, *, include_drafts: bool = False) -> list[PathStatus]:
    """Every path with each course's progress for `user` (a fixed number of queries)."""
    courses = list(course_list(include_drafts=include_drafts))
    statuses = course_statuses(user, courses)
    paths = list(LearningPath.objects.all())
    return [
        PathStatus(path=p, courses=[statuses[c.pk] for c in courses if c.path_id == p.pk])
        for p in paths
    ]


def course_statuses(user: User, courses: list[Course]) -> dict[int, CourseStatus]:
    ids = [c.pk for c in courses]
    progress = {p.course_id: p for p in CourseProgress.objects.filter(user=user, course_id__in=ids)}
    read = _count_by_course(
        LessonCompletion.objects.filter(user=user, lesson__course_id__in=ids), "lesson__course_id"
    )
    passed = _count_by_course(
        QuizAttempt.objects.filter(user=user, passed=True, quiz__course_id__in=ids)
        .values("quiz_id", "quiz__course_id")
        .distinct(),
        "quiz__course_id",
    )
    return {
        c.pk: CourseStatus(
            course=c,
            lessons_done=read.get(c.pk, 0),
            lessons_total=getattr(c, "lesson_count", 0),
            quizzes_passed=passed.get(c.pk, 0),
            quizzes_total=getattr(c, "quiz_count", 0),
            is_completed=bool(progress.get(c.pk) and progress[c.pk].completed_at),
            resume_lesson_id=progress[c.pk].last_lesson_id if c.pk in progress else None,
            is_started=c.pk in progress,
        )
        for c in courses
    }


def _count_by_course(queryset: QuerySet[Any, Any], field: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in queryset.values(field):
        counts[row[field]] = counts.get(row[field], 0) + 1
    return counts


def course_lessons(course: Course) -> list[Lesson]:
    return list(course.lessons.all())


def course_quizzes(course: Course) -> list[Quiz]:
    return list(course.quizzes.prefetch_related(Prefetch("questions")).all())


def lessons_read(user: User, course: Course) -> set[int]:
    return set(
        LessonCompletion.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )


def quiz_attempts(user: User, quiz: Quiz) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-number"))


def resume_target(user: User) -> CourseProgress | None:
    """The course the learner touched last and has not finished, to resume from the home page."""
    return (
        CourseProgress.objects.filter(
            user=user, completed_at__isnull=True, course__is_published=True
        )
        .select_related("course", "last_lesson")
        .order_by("-last_seen_at")
        .first()
    )
