"""Literacy in a browser: a business user takes Data 101, passes the quiz, earns Bronze and
downloads the credential; HR sees the department chart change when someone earns a tier."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from literacy.credentials import baked_credential_extract
from literacy.models import BadgeAward, Course, QuestionKind
from literacy.services import learning
from literacy.starter import literacy_starter_load
from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from workbench.accounts.models import User


def _right_choice_ids(course: Course) -> list[int]:
    picks: list[int] = []
    for question in course.quizzes.get().questions.prefetch_related("choices"):
        right = [c.pk for c in question.choices.all() if c.is_correct]
        picks.extend(right[:1] if question.kind == QuestionKind.SINGLE else right)
    return picks


def test_business_user_takes_a_course_earns_bronze_and_downloads_it(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    literacy_starter_load()
    course = Course.objects.get(slug="data-101")
    login("analyst")
    page.get_by_role("link", name="Learning", exact=True).first.click()
    expect(page.get_by_test_id("my-tier")).to_contain_text("No tier yet")
    page.get_by_role("link", name=course.title, exact=True).click()
    page.get_by_role("link", name="Start the course").click()
    for _ in range(course.lessons.count()):
        expect(page.get_by_test_id("lesson")).to_be_visible()
        page.locator("[data-action=lesson-done]").click()

    expect(page.get_by_test_id("quiz-form")).to_be_visible()
    assert_no_serious_axe_violations(page)
    for choice_id in _right_choice_ids(course):
        page.locator(f"#c{choice_id}").check()
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_test_id("attempt-outcome")).to_contain_text("Passed")
    awards = page.get_by_test_id("new-awards")
    expect(awards).to_contain_text("Bronze: Data Awareness")
    expect(awards).to_contain_text("Bronze")
    assert_no_serious_axe_violations(page)
    with page.expect_download() as download_info:
        awards.get_by_role("link", name="download the credential").click()
    svg = download_info.value.path().read_text()
    award = BadgeAward.objects.get(user=analyst, badge__slug="bronze-data-awareness")
    assert baked_credential_extract(svg) == award.credential_jwt

    page.goto(f"{live_server.url}/literacy/credentials/{award.credential_id}/")
    expect(page.get_by_test_id("verification")).to_have_attribute("data-status", "valid")


def _department_bronze(page: Page, name: str) -> float:
    value: float = page.evaluate(
        """(name) => {
            const canvas = document.getElementById('literacy-departments-chart');
            const chart = window.Chart.getChart(canvas);
            const index = chart.data.labels.indexOf(name);
            return chart.data.datasets[0].data[index];
        }""",
        name,
    )
    return value


def test_hr_sees_the_department_chart_change(
    page: Page, live_server: Any, login: Login, hr: User, analyst: User, steward: User
) -> None:
    literacy_starter_load()
    department = analyst.department
    assert department is not None
    login("hr")
    page.get_by_role("link", name="Literacy dashboard", exact=True).click()
    chart = page.locator("#literacy-departments-chart")
    expect(chart).to_have_attribute("data-ready", "true")
    assert_no_serious_axe_violations(page)
    assert _department_bronze(page, department.name) == 0
    row = page.get_by_test_id("department-table").locator(
        f"tr[data-department='{department.name}']"
    )
    expect(row.locator("[data-col=bronze]")).to_have_text("0.0")

    course = Course.objects.get(slug="data-101")
    for lesson in course.lessons.all():
        learning.lesson_complete(user=analyst, lesson=lesson)
    quiz = course.quizzes.get()
    answers = {}
    for question in quiz.questions.prefetch_related("choices"):
        right = [c.pk for c in question.choices.all() if c.is_correct]
        answers[question.pk] = right[:1] if question.kind == QuestionKind.SINGLE else right
    learning.quiz_attempt_submit(user=analyst, quiz=quiz, answers=answers)

    page.reload()
    expect(chart).to_have_attribute("data-ready", "true")
    assert _department_bronze(page, department.name) == 33.3  # 1 of 3 people in the department
    expect(row.locator("[data-col=bronze]")).to_have_text("33.3")
    page.get_by_role("link", name=department.name).click()
    expect(page.get_by_test_id("people").locator("tr[data-person='analyst']")).to_contain_text(
        "Bronze"
    )


def test_literacy_pages_load_without_browser_errors(
    page: Page, live_server: Any, login: Login, hr: User
) -> None:
    literacy_starter_load()
    login("hr")
    for path, heading in [
        ("/literacy/", "Learning"),
        ("/literacy/badges/", "Badges"),
        ("/literacy/leaderboard/", "Leaderboard"),
        ("/literacy/manage/", "Author courses"),
        ("/literacy/buddies/", "Data buddies"),
        ("/literacy/verify/", "Verify a badge credential"),
        ("/literacy/badges/bronze-data-awareness/", "Bronze: Data Awareness"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_serious_axe_violations(page)
    page.goto(f"{live_server.url}/literacy/verify/")
    page.get_by_label("Credential").fill("eyJhbGciOiJFZERTQSJ9.e30.c2ln")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("verification")).to_have_attribute("data-status", "tampered")
    assert_no_serious_axe_violations(page)
