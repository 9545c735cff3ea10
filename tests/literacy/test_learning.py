"""Learning: progress and resume, quizzes (pass mark, attempts, feedback), safe Markdown, and the
learner pages four ways; authoring pages for HR / L&D only."""

from __future__ import annotations

import pytest

from literacy.markdown import markdown_render
from literacy.models import Course, CourseProgress, LearningPath, Lesson, QuizAttempt
from literacy.services import learning
from literacy.services.learning import LearningError
from tests.literacy.conftest import right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def _data101() -> Course:
    return Course.objects.get(slug="data-101")


def test_lesson_open_records_where_to_resume(client_for, starter, analyst) -> None:
    lessons = list(_data101().lessons.all())
    client = client_for(analyst)
    client.get(f"/literacy/courses/data-101/lessons/{lessons[1].pk}/")
    progress = CourseProgress.objects.get(user=analyst, course=_data101())
    assert progress.last_lesson == lessons[1]
    home = client.get("/literacy/")
    assert f"/literacy/courses/data-101/lessons/{lessons[1].pk}/".encode() in home.content
    assert b'data-testid="resume"' in home.content


def test_marking_the_last_lesson_leads_to_the_quiz(client_for, starter, analyst) -> None:
    lessons = list(_data101().lessons.all())
    response = client_for(analyst).post(f"/literacy/courses/data-101/lessons/{lessons[-1].pk}/")
    quiz = _data101().quizzes.get()
    assert response.status_code == 302
    assert response["Location"] == f"/literacy/quizzes/{quiz.pk}/"


def test_failed_attempt_shows_feedback_but_not_the_right_answers(client_for, starter, analyst):
    quiz = _data101().quizzes.get()
    client = client_for(analyst)
    answers = wrong_answers(quiz)
    data = {f"q{qid}": picks for qid, picks in answers.items()}
    response = client.post(f"/literacy/quizzes/{quiz.pk}/", data)
    attempt = QuizAttempt.objects.get(user=analyst)
    assert response["Location"] == f"/literacy/quizzes/{quiz.pk}/attempts/{attempt.pk}/"
    assert not attempt.passed
    page = client.get(response["Location"]).content.decode()
    assert "Not passed yet" in page
    assert "The data can be right" in page  # feedback on the picked answer
    assert "Also right" not in page


def test_unanswered_quiz_keeps_the_answers_and_uses_no_attempt(client_for, starter, analyst):
    quiz = _data101().quizzes.get()
    first_question = quiz.questions.first()
    pick = first_question.choices.first().pk
    response = client_for(analyst).post(
        f"/literacy/quizzes/{quiz.pk}/", {f"q{first_question.pk}": pick}
    )
    assert response.status_code == 400
    assert b"Answer every question" in response.content
    assert f'value="{pick}" id="c{pick}" checked'.encode() in response.content
    assert not QuizAttempt.objects.exists()


def test_attempts_limit_is_enforced(starter, analyst) -> None:
    quiz = _data101().quizzes.get()
    assert quiz.max_attempts == 3
    for _ in range(3):
        learning.quiz_attempt_submit(user=analyst, quiz=quiz, answers=wrong_answers(quiz))
    with pytest.raises(LearningError, match="all 3 attempts"):
        learning.quiz_attempt_submit(user=analyst, quiz=quiz, answers=right_answers(quiz))
    assert QuizAttempt.objects.filter(user=analyst).count() == 3


def test_multiple_choice_is_right_only_with_every_right_pick(starter, analyst) -> None:
    quiz = _data101().quizzes.get()
    answers = right_answers(quiz)
    multiple = quiz.questions.get(kind="multiple")
    answers[multiple.pk] = answers[multiple.pk][:1]
    attempt = learning.quiz_attempt_submit(user=analyst, quiz=quiz, answers=answers)
    assert attempt.correct_count == attempt.question_count - 1
    assert attempt.score_percent == 75
    assert attempt.passed  # 75 % >= pass mark 70 %


def test_someone_elses_attempt_is_a_404(client_for, starter, analyst, steward) -> None:
    quiz = _data101().quizzes.get()
    attempt = learning.quiz_attempt_submit(user=analyst, quiz=quiz, answers=right_answers(quiz))
    path = f"/literacy/quizzes/{quiz.pk}/attempts/{attempt.pk}/"
    assert client_for(steward).get(path).status_code == 404
    assert client_for(analyst).get(path).status_code == 200


def test_markdown_escapes_html_and_drops_script_links() -> None:
    html = markdown_render("<script>alert(1)</script>\n\n[x](javascript:alert(1)) **bold**")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


def test_draft_courses_are_hidden_from_learners(client_for, starter, analyst, hr) -> None:
    Course.objects.filter(slug="data-101").update(is_published=False)
    assert client_for(analyst).get("/literacy/courses/data-101/").status_code == 404
    assert client_for(hr).get("/literacy/courses/data-101/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("analyst", 200)]
)
@pytest.mark.parametrize(
    "path",
    ["/literacy/", "/literacy/courses/data-101/", "/literacy/badges/", "/literacy/leaderboard/"],
)
def test_learner_pages_four_way(request, client_for, starter, persona, status, path) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(path)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("analyst", 403), ("hr", 200)],
)
@pytest.mark.parametrize("path", ["/literacy/manage/", "/literacy/manage/courses/new/"])
def test_authoring_pages_four_way(request, client_for, starter, persona, status, path) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert client_for(user).get(path).status_code == status


def test_hr_authors_a_course_with_a_lesson_and_a_quiz(client_for, starter, hr, analyst) -> None:
    client = client_for(hr)
    path = LearningPath.objects.get(tier="bronze").pk
    data = {
        "title": "SQL joins",
        "slug": "sql-joins",
        "path": path,
        "summary": "Joins.",
        "estimated_minutes": 10,
        "position": 5,
        "is_published": "0",
    }
    assert client.post("/literacy/manage/courses/new/", data).status_code == 302
    lesson = {"title": "Inner joins", "body_markdown": "# Joins\n<img src=x onerror=alert(1)>"}
    assert client.post("/literacy/manage/courses/sql-joins/lessons/new/", lesson).status_code == 302
    quiz = {"title": "Joins check", "pass_mark_percent": 50, "max_attempts": ""}
    response = client.post("/literacy/manage/courses/sql-joins/quizzes/new/", quiz)
    quiz_id = int(response["Location"].rstrip("/").split("/")[-1])
    question = {
        "text": "Which join keeps unmatched left rows?",
        "kind": "single",
        "choice_1": "LEFT JOIN",
        "correct_1": "on",
        "feedback_1": "Yes.",
        "choice_2": "INNER JOIN",
        "feedback_2": "Drops them.",
    }
    assert (
        client.post(f"/literacy/manage/quizzes/{quiz_id}/questions/new/", question).status_code
        == 302
    )
    publish = {**data, "is_published": "1"}
    assert client.post("/literacy/manage/courses/sql-joins/", publish).status_code == 302
    page = client_for(analyst).get(
        f"/literacy/courses/sql-joins/lessons/{Lesson.objects.get(title='Inner joins').pk}/"
    )
    assert page.status_code == 200
    assert b"<img src=x" not in page.content
    assert b"&lt;img src=x onerror=alert(1)&gt;" in page.content


def test_invalid_question_keeps_what_was_typed(client_for, starter, hr) -> None:
    quiz = _data101().quizzes.get()
    question = {"text": "Typed question", "kind": "single", "choice_1": "Only answer"}
    response = client_for(hr).post(f"/literacy/manage/quizzes/{quiz.pk}/questions/new/", question)
    assert response.status_code == 400
    assert b"at least two answers" in response.content
    assert b"Typed question" in response.content
    assert b"Only answer" in response.content


def test_quiz_api_marks_and_gives_feedback(api_client_for, starter, analyst) -> None:
    quiz = _data101().quizzes.get()
    body = {"answers": [{"question": q, "choices": c} for q, c in right_answers(quiz).items()]}
    response = api_client_for(analyst).post(
        f"/api/literacy/quizzes/{quiz.pk}/attempts/", body, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["passed"] is True
    detail = api_client_for(analyst).get("/api/literacy/courses/data-101/").json()
    assert "is_correct" not in str(detail)  # the right answers never leave before marking
