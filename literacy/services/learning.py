"""Writes for learning: authoring courses, lessons and quizzes; progress and quiz attempts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from literacy.models import (
    Choice,
    Course,
    CourseProgress,
    LearningPath,
    Lesson,
    LessonCompletion,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
)
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record


class LearningError(Exception):
    """A learning action cannot be done; the message says why, in the learner's words."""


# --- Authoring ------------------------------------------------------------------------------------


def course_save(
    *,
    actor: User,
    path: LearningPath,
    slug: str,
    title: str,
    summary: str,
    estimated_minutes: int,
    is_published: bool,
    position: int = 0,
    course: Course | None = None,
) -> Course:
    """Create a course or change one; audited."""
    created = course is None
    course = course or Course(created_by=actor)
    course.path, course.slug, course.title = path, slug, title.strip()
    course.summary, course.estimated_minutes = summary, estimated_minutes
    course.is_published, course.position, course.updated_at = is_published, position, timezone.now()
    if not course.title:
        raise LearningError("Give the course a title.")
    if is_published and not created and not course.lessons.exists():
        raise LearningError("Add at least one lesson before publishing the course.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                course.save()
        except IntegrityError:
            raise LearningError(f"Another course already uses the address “{slug}”.") from None
        audit_record(
            actor=actor,
            action="literacy.course.create" if created else "literacy.course.change",
            outcome=AuditOutcome.DONE,
            target=course,
            detail={"published": is_published, "path": path.tier},
        )
    return course


def lesson_save(
    *, actor: User, course: Course, title: str, body_markdown: str, lesson: Lesson | None = None
) -> Lesson:
    """Add a lesson at the end of the course, or change one; audited."""
    if not title.strip() or not body_markdown.strip():
        raise LearningError("A lesson needs a title and some text.")
    with transaction.atomic():
        if lesson is None:
            last = course.lessons.aggregate(last=Max("position"))["last"]
            lesson = Lesson(course=course, position=(last or 0) + 1)
        lesson.title, lesson.body_markdown = title.strip(), body_markdown
        lesson.save()
        Course.objects.filter(pk=course.pk).update(updated_at=timezone.now())
        audit_record(
            actor=actor, action="literacy.lesson.save", outcome=AuditOutcome.DONE, target=lesson
        )
    return lesson


def quiz_save(
    *,
    actor: User,
    course: Course,
    title: str,
    pass_mark_percent: int,
    max_attempts: int | None,
    quiz: Quiz | None = None,
) -> Quiz:
    if not 1 <= pass_mark_percent <= 100:
        raise LearningError("The pass mark is a percentage between 1 and 100.")
    if max_attempts is not None and max_attempts < 1:
        raise LearningError("Allow at least one attempt, or leave the limit empty for unlimited.")
    with transaction.atomic():
        if quiz is None:
            last = course.quizzes.aggregate(last=Max("position"))["last"]
            quiz = Quiz(course=course, position=(last or 0) + 1)
        quiz.title, quiz.pass_mark_percent, quiz.max_attempts = (
            title.strip(),
            pass_mark_percent,
            max_attempts,
        )
        quiz.save()
        audit_record(
            actor=actor, action="literacy.quiz.save", outcome=AuditOutcome.DONE, target=quiz
        )
    return quiz


@dataclass(frozen=True)
class ChoiceDraft:
    text: str
    is_correct: bool
    feedback: str = ""


def question_save(
    *,
    actor: User,
    quiz: Quiz,
    text: str,
    kind: str,
    choices: Iterable[ChoiceDraft],
    question: Question | None = None,
) -> Question:
    """Add or replace a question with its choices; a question must be answerable."""
    drafts = [c for c in choices if c.text.strip()]
    _question_check(text, kind, drafts)
    with transaction.atomic():
        if question is None:
            last = quiz.questions.aggregate(last=Max("position"))["last"]
            question = Question(quiz=quiz, position=(last or 0) + 1)
        question.text, question.kind = text.strip(), kind
        question.save()
        question.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(
                question=question,
                position=i,
                text=d.text.strip(),
                is_correct=d.is_correct,
                feedback=d.feedback.strip(),
            )
            for i, d in enumerate(drafts, start=1)
        )
        audit_record(
            actor=actor, action="literacy.question.save", outcome=AuditOutcome.DONE, target=question
        )
    return question


def _question_check(text: str, kind: str, drafts: list[ChoiceDraft]) -> None:
    if not text.strip():
        raise LearningError("Write the question.")
    if kind not in QuestionKind.values:
        raise LearningError("Choose single or multiple choice.")
    if len(drafts) < 2:
        raise LearningError("Give at least two answers to choose from.")
    correct = sum(1 for d in drafts if d.is_correct)
    if correct == 0:
        raise LearningError("Mark at least one answer as correct.")
    if kind == QuestionKind.SINGLE and correct != 1:
        raise LearningError("A single-choice question has exactly one correct answer.")


# --- Progress -------------------------------------------------------------------------------------


def lesson_open(*, user: User, lesson: Lesson) -> CourseProgress:
    """Remember the lesson as where the learner is in its course (to resume there)."""
    now = timezone.now()
    progress, created = CourseProgress.objects.get_or_create(
        user=user, course=lesson.course, defaults={"last_lesson": lesson, "last_seen_at": now}
    )
    if not created:
        CourseProgress.objects.filter(pk=progress.pk).update(last_lesson=lesson, last_seen_at=now)
        progress.last_lesson, progress.last_seen_at = lesson, now
    return progress


def lesson_complete(*, user: User, lesson: Lesson) -> bool:
    """Mark a lesson read (once); returns whether this completed the course."""
    lesson_open(user=user, lesson=lesson)
    LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    return course_completion_check(user=user, course=lesson.course)


def course_completion_check(*, user: User, course: Course) -> bool:
    """Complete the course when every lesson is read and every quiz passed; badges follow."""
    from literacy.services.badges import badges_evaluate

    if not _course_done(user, course):
        return False
    updated = CourseProgress.objects.filter(
        user=user, course=course, completed_at__isnull=True
    ).update(completed_at=timezone.now())
    if updated:
        audit_record(
            actor=user, action="literacy.course.complete", outcome=AuditOutcome.DONE, target=course
        )
        badges_evaluate(user=user)
    return bool(updated)


def _course_done(user: User, course: Course) -> bool:
    lessons = set(course.lessons.values_list("pk", flat=True))
    read = set(
        LessonCompletion.objects.filter(user=user, lesson__course=course).values_list(
            "lesson_id", flat=True
        )
    )
    quizzes = set(course.quizzes.values_list("pk", flat=True))
    passed = set(
        QuizAttempt.objects.filter(user=user, quiz__course=course, passed=True).values_list(
            "quiz_id", flat=True
        )
    )
    return bool(lessons or quizzes) and lessons <= read and quizzes <= passed


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    picked: list[int]
    is_correct: bool
    feedback: list[tuple[Choice, bool]]  # (choice, picked) for every choice of the question


def quiz_attempt_submit(*, user: User, quiz: Quiz, answers: dict[int, list[int]]) -> QuizAttempt:
    """Mark an attempt: every question must be answered; the attempts limit is enforced."""
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise LearningError("This quiz has no questions yet.")
    _answers_check(questions, answers)
    with transaction.atomic():
        # Lock the learner's row so two submissions cannot both take the last attempt.
        User.objects.select_for_update().filter(pk=user.pk).first()
        used = QuizAttempt.objects.filter(user=user, quiz=quiz).count()
        if quiz.max_attempts is not None and used >= quiz.max_attempts:
            raise LearningError(
                f"You have used all {quiz.max_attempts} attempts at this quiz. Ask HR / L&D if "
                "you need another."
            )
        attempt = _attempt_mark(user, quiz, questions, answers, number=used + 1)
    lesson_progress_touch(user=user, course=quiz.course)
    if attempt.passed:
        course_completion_check(user=user, course=quiz.course)
        from literacy.services.badges import badges_evaluate

        badges_evaluate(user=user)
    return attempt


def _answers_check(questions: list[Question], answers: dict[int, list[int]]) -> None:
    missing = [q for q in questions if not answers.get(q.pk)]
    if missing:
        raise LearningError(f"Answer every question ({len(missing)} left unanswered).")
    for question in questions:
        valid = {c.pk for c in question.choices.all()}
        picked = answers[question.pk]
        if not set(picked) <= valid:
            raise LearningError("One of the answers does not belong to its question.")
        if question.kind == QuestionKind.SINGLE and len(picked) != 1:
            raise LearningError("Pick exactly one answer for single-choice questions.")


def _attempt_mark(
    user: User, quiz: Quiz, questions: list[Question], answers: dict[int, list[int]], *, number: int
) -> QuizAttempt:
    correct = sum(1 for q in questions if _is_correct(q, answers[q.pk]))
    score = round(100 * correct / len(questions))
    attempt = QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        answers={str(k): sorted(v) for k, v in answers.items()},
        correct_count=correct,
        question_count=len(questions),
        score_percent=score,
        passed=score >= quiz.pass_mark_percent,
    )
    audit_record(
        actor=user,
        action="literacy.quiz.attempt",
        outcome=AuditOutcome.DONE,
        target=quiz,
        detail={"attempt": number, "score_percent": score, "passed": attempt.passed},
    )
    return attempt


def _is_correct(question: Question, picked: list[int]) -> bool:
    right = {c.pk for c in question.choices.all() if c.is_correct}
    return set(picked) == right


def attempt_results(attempt: QuizAttempt) -> list[QuestionResult]:
    """Per question: what was picked, whether it was right, and each choice's feedback."""
    results = []
    for question in attempt.quiz.questions.prefetch_related("choices"):
        picked = [int(x) for x in attempt.answers.get(str(question.pk), [])]
        choices = list(question.choices.all())
        results.append(
            QuestionResult(
                question=question,
                picked=picked,
                is_correct=_is_correct(question, picked),
                feedback=[(c, c.pk in picked) for c in choices],
            )
        )
    return results


def lesson_progress_touch(*, user: User, course: Course) -> None:
    CourseProgress.objects.get_or_create(user=user, course=course)
    CourseProgress.objects.filter(user=user, course=course).update(last_seen_at=timezone.now())


def answers_from_post(data: Any, quiz: Quiz) -> dict[int, list[int]]:
    """Picks from a submitted form (`q<question id>` fields); junk values are ignored."""
    answers: dict[int, list[int]] = {}
    for question_id in quiz.questions.values_list("pk", flat=True):
        picks = []
        for raw in data.getlist(f"q{question_id}"):
            if str(raw).isdigit():
                picks.append(int(raw))
        if picks:
            answers[question_id] = picks
    return answers
