"""Authoring pages for HR / L&D: courses, lessons (Markdown with a preview), quizzes, questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from literacy import learning_selectors
from literacy.forms import CHOICE_ROWS, CourseForm, LessonForm, QuestionForm, QuizForm
from literacy.markdown import markdown_render
from literacy.models import Course, Lesson, Question, Quiz
from literacy.services import learning as services
from literacy.services.learning import ChoiceDraft, LearningError
from literacy.views.learning import _user
from workbench.core.permissions import require_permission

AUTHOR = "literacy.author_course"


@require_GET
@require_permission(AUTHOR)
def manage_view(request: HttpRequest) -> HttpResponse:
    courses = learning_selectors.course_list(include_drafts=True)
    return render(request, "literacy/manage.html", {"courses": courses})


@require_http_methods(["GET", "POST"])
@require_permission(AUTHOR, audit_action="literacy.course.change")
def course_edit_view(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug) if slug else None
    initial = _course_initial(course) if course else None
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_save(
                actor=_user(request),
                course=course,
                path=data["path"],
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                estimated_minutes=data["estimated_minutes"],
                is_published=data["is_published"],
                position=data["position"],
            )
        except LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved “{course.title}”.")
            return redirect("literacy:course_manage", slug=course.slug)
    context: dict[str, Any] = {"form": form, "course": course}
    if course is not None:
        context["lessons"] = learning_selectors.course_lessons(course)
        context["quizzes"] = learning_selectors.course_quizzes(course)
    status = 400 if form.errors else 200
    return render(request, "literacy/course_form.html", context, status=status)


def _course_initial(course: Course) -> dict[str, Any]:
    return {
        "title": course.title,
        "slug": course.slug,
        "path": course.path_id,
        "summary": course.summary,
        "estimated_minutes": course.estimated_minutes,
        "position": course.position,
        "is_published": "1" if course.is_published else "0",
    }


@require_http_methods(["GET", "POST"])
@require_permission(AUTHOR, audit_action="literacy.lesson.save")
def lesson_edit_view(request: HttpRequest, slug: str, lesson_id: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    lesson = get_object_or_404(Lesson, pk=lesson_id, course=course) if lesson_id else None
    initial = {"title": lesson.title, "body_markdown": lesson.body_markdown} if lesson else None
    form = LessonForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = markdown_render(form.cleaned_data["body_markdown"])
        else:
            try:
                services.lesson_save(
                    actor=_user(request),
                    course=course,
                    lesson=lesson,
                    title=form.cleaned_data["title"],
                    body_markdown=form.cleaned_data["body_markdown"],
                )
            except LearningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Lesson saved.")
                return redirect("literacy:course_manage", slug=course.slug)
    context = {"form": form, "course": course, "lesson": lesson, "preview": preview}
    return render(request, "literacy/lesson_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@require_permission(AUTHOR, audit_action="literacy.quiz.save")
def quiz_edit_view(request: HttpRequest, slug: str, quiz_id: int | None = None) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    quiz = get_object_or_404(Quiz, pk=quiz_id, course=course) if quiz_id else None
    initial = (
        {
            "title": quiz.title,
            "pass_mark_percent": quiz.pass_mark_percent,
            "max_attempts": quiz.max_attempts,
        }
        if quiz
        else None
    )
    form = QuizForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = services.quiz_save(
                actor=_user(request),
                course=course,
                quiz=quiz,
                title=form.cleaned_data["title"],
                pass_mark_percent=form.cleaned_data["pass_mark_percent"],
                max_attempts=form.cleaned_data["max_attempts"],
            )
        except LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Quiz saved.")
            return redirect("literacy:quiz_manage", slug=course.slug, quiz_id=quiz.pk)
    questions = list(quiz.questions.prefetch_related("choices")) if quiz else []
    context = {"form": form, "course": course, "quiz": quiz, "questions": questions}
    return render(request, "literacy/quiz_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@require_permission(AUTHOR, audit_action="literacy.question.save")
def question_edit_view(
    request: HttpRequest, quiz_id: int, question_id: int | None = None
) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
    question = get_object_or_404(Question, pk=question_id, quiz=quiz) if question_id else None
    form = QuestionForm(request.POST or None, initial=_question_initial(question))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        drafts = [
            ChoiceDraft(data[f"choice_{i}"], data[f"correct_{i}"], data[f"feedback_{i}"])
            for i in range(1, CHOICE_ROWS + 1)
        ]
        try:
            services.question_save(
                actor=_user(request),
                quiz=quiz,
                question=question,
                text=data["text"],
                kind=data["kind"],
                choices=drafts,
            )
        except LearningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Question saved.")
            return redirect("literacy:quiz_manage", slug=quiz.course.slug, quiz_id=quiz.pk)
    context = {"form": form, "quiz": quiz, "course": quiz.course, "question": question}
    return render(
        request, "literacy/question_form.html", context, status=400 if form.errors else 200
    )


def _question_initial(question: Question | None) -> dict[str, Any] | None:
    if question is None:
        return None
    initial: dict[str, Any] = {"text": question.text, "kind": question.kind}
    for i, choice in enumerate(question.choices.all()[:CHOICE_ROWS], start=1):
        initial[f"choice_{i}"] = choice.text
        initial[f"correct_{i}"] = choice.is_correct
        initial[f"feedback_{i}"] = choice.feedback
    return initial
