"""Literacy fixtures: starter content, a signing key per test run, helpers to earn badges."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from literacy.keys import _load
from literacy.models import Course, QuestionKind, Quiz
from literacy.services import learning
from literacy.starter import literacy_starter_load
from workbench.accounts.models import User


@pytest.fixture(autouse=True)
def badge_key(settings, tmp_path) -> None:
    """Each test signs with its own key in a temporary file, generated on first use."""
    settings.LITERACY_BADGE_KEY_FILE = tmp_path / "badge_key.pem"
    settings.LITERACY_PUBLIC_URL = "https://workbench.example"
    _load.cache_clear()


@pytest.fixture
def starter(db: None) -> None:
    literacy_starter_load()


def right_answers(quiz: Quiz) -> dict[int, list[int]]:
    answers = {}
    for question in quiz.questions.prefetch_related("choices"):
        right = [c.pk for c in question.choices.all() if c.is_correct]
        answers[question.pk] = right[:1] if question.kind == QuestionKind.SINGLE else right
    return answers


def wrong_answers(quiz: Quiz) -> dict[int, list[int]]:
    answers = {}
    for question in quiz.questions.prefetch_related("choices"):
        wrong = [c.pk for c in question.choices.all() if not c.is_correct]
        answers[question.pk] = wrong[:1]
    return answers


@pytest.fixture
def complete_course() -> Callable[[User, str], None]:
    def complete(user: User, slug: str) -> None:
        course = Course.objects.get(slug=slug)
        for lesson in course.lessons.all():
            learning.lesson_complete(user=user, lesson=lesson)
        for quiz in course.quizzes.all():
            learning.quiz_attempt_submit(user=user, quiz=quiz, answers=right_answers(quiz))

    return complete


@pytest.fixture
def bronze_user(starter: None, analyst: User, complete_course) -> User:
    complete_course(analyst, "data-101")
    return analyst
