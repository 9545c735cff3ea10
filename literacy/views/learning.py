"""Learner pages: the learning home, courses, lessons, quizzes and their results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from literacy import learning_selectors as selectors
from literacy.community_selectors import buddy_pairings_for
from literacy.markdown import markdown_render
from literacy.models import Lesson, Quiz, QuizAttempt
from literacy.selectors import active_awards, literacy_tier
from literacy.services import learning as services
from workbench.accounts.models import User
from workbench.core.permissions import require_permission

LEARN = "literacy.take_course"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@require_permission(LEARN)
def learning_home_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mentoring, mentored_by = buddy_pairings_for(user)
    context = {
        "paths": selectors.learning_overview(user),
        "tier": literacy_tier(user),
        "awards": list(active_awards(user)),
        "resume": selectors.resume_target(user),
        "mentoring": mentoring,
        "mentored_by": mentored_by,
        "may_author": user.has_perm("literacy.author_course"),
    }
    return render(request, "literacy/home.html", context)


def _course_or_404(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    course = selectors.access_course(_user(request), slug)
    if course is None:
        raise Http404("No such course.")
    return course


@require_GET
@require_permission(LEARN)
def course_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    course = _course_or_404(request, slug)
    status = selectors.course_statuses(user, [course])[course.pk]
    quizzes = selectors.course_quizzes(course)
    lessons = selectors.course_lessons(course)
    passed = {a.quiz_id for q in quizzes for a in selectors.quiz_attempts(user, q) if a.passed}
    context = {
        "course": course,
        "status": status,
        "lessons": lessons,
        "read": selectors.lessons_read(user, course),
        "quizzes": quizzes,
        "passed": passed,
        "start_lesson_id": status.resume_lesson_id or (lessons[0].pk if lessons else None),
    }
    return render(request, "literacy/course_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_permission(LEARN)
def lesson_view(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    user = _user(request)
    course = _course_or_404(request, slug)
    lesson = get_object_or_404(Lesson, pk=lesson_id, course=course)
    lessons = selectors.course_lessons(course)
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    following = lessons[index + 1] if index + 1 < len(lessons) else None
    if request.method == "POST":
        completed = services.lesson_complete(user=user, lesson=lesson)
        if completed:
            messages.success(request, f"You completed “{course.title}”.")
        if following is not None:
            return redirect("literacy:lesson", slug=course.slug, lesson_id=following.pk)
        first_quiz = course.quizzes.first()
        if first_quiz is not None and not completed:
            return redirect("literacy:quiz", quiz_id=first_quiz.pk)
        return redirect("literacy:course", slug=course.slug)
    services.lesson_open(user=user, lesson=lesson)
    context = {
        "course": course,
        "lesson": lesson,
        "body": markdown_render(lesson.body_markdown),
        "previous": lessons[index - 1] if index > 0 else None,
        "following": following,
        "position": index + 1,
        "total": len(lessons),
        "is_read": lesson.pk in selectors.lessons_read(user, course),
    }
    return render(request, "literacy/lesson.html", context)


def _quiz_or_404(request: HttpRequest, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    _course_or_404(request, quiz.course.slug)  # drafts stay hidden from learners
    return quiz


@require_http_methods(["GET", "POST"])
@require_permission(LEARN)
def quiz_view(request: HttpRequest, quiz_id: int) -> HttpResponse:
    user = _user(request)
    quiz = _quiz_or_404(request, quiz_id)
    attempts = selectors.quiz_attempts(user, quiz)
    error, picked = "", {}
    if request.method == "POST":
        answers = services.answers_from_post(request.POST, quiz)
        try:
            attempt = services.quiz_attempt_submit(user=user, quiz=quiz, answers=answers)
        except services.LearningError as exc:
            error, picked = str(exc), answers
        else:
            return redirect("literacy:attempt", quiz_id=quiz.pk, attempt_id=attempt.pk)
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(attempts))
    context = {
        "quiz": quiz,
        "course": quiz.course,
        "questions": list(quiz.questions.prefetch_related("choices")),
        "attempts": attempts,
        "attempts_left": left,
        "has_passed": any(a.passed for a in attempts),
        "error": error,
        "picked": {qid: set(v) for qid, v in picked.items()},
    }
    return render(request, "literacy/quiz.html", context, status=400 if error else 200)


@require_GET
@require_permission(LEARN)
def attempt_view(request: HttpRequest, quiz_id: int, attempt_id: int) -> HttpResponse:
    quiz = _quiz_or_404(request, quiz_id)
    # Only the learner's own attempts: another person's id is a 404, not a peek.
    attempt = get_object_or_404(QuizAttempt, pk=attempt_id, quiz=quiz, user=_user(request))
    context = {
        "quiz": quiz,
        "course": quiz.course,
        "attempt": attempt,
        "results": services.attempt_results(attempt),
        "tier": literacy_tier(_user(request)),
        "new_awards": list(
            active_awards(_user(request)).filter(awarded_at__gte=attempt.submitted_at)
        ),
    }
    return render(request, "literacy/attempt.html", context)
