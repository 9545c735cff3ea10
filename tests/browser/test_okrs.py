"""OKRs in a real browser: a team lead opens OKRs from the navigation, checks in a key result (a
typo first: the error shows in place and what was typed stays), and sees the progress change."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from literacy.models import CheckIn
from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.literacy.okr_fixtures import OkrWorld, okr_world

__all__ = ["okr_world"]


def test_team_lead_checks_in_and_sees_progress_change(
    page: Page, live_server: Any, login: Login, okr_world: OkrWorld
) -> None:
    login("lead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="OKRs").click()
    expect(page.get_by_role("heading", name="Team OKRs")).to_be_visible()
    assert_no_serious_axe_violations(page)
    growth = page.locator('[data-team="growth"]')
    expect(growth).to_contain_text("Grow with data")
    expect(page.get_by_test_id("data-ai-check")).to_contain_text("Growth Marketing")
    expect(page.locator('[data-team="finance"]')).to_have_count(0)
    growth.get_by_role("link", name="Grow with data").click()

    card = page.locator('[data-kr="Campaigns measured with certified data"]')
    expect(card).to_have_attribute("data-percent", "20")
    expect(page.get_by_test_id("objective-progress")).to_have_attribute("data-percent", "20")

    card.get_by_label("New value").fill("eight")
    card.get_by_label("Comment").fill("Three launches this month")
    card.get_by_role("button", name="Check in").click()
    card = page.locator('[data-kr="Campaigns measured with certified data"]')
    expect(card.locator(".invalid-feedback")).to_be_visible()
    expect(card.get_by_label("Comment")).to_have_value("Three launches this month")
    assert not CheckIn.objects.exists()

    card.get_by_label("New value").fill("8")
    card.get_by_label("Confidence (0–1)").fill("0.8")
    card.get_by_role("button", name="Check in").click()
    card = page.locator('[data-kr="Campaigns measured with certified data"]')
    expect(card.get_by_test_id("check-in-saved")).to_be_visible()
    expect(card).to_have_attribute("data-percent", "80")
    expect(card.get_by_test_id("kr-progress")).to_contain_text("On track")
    expect(page.get_by_test_id("objective-progress")).to_have_attribute("data-percent", "80")
    card.get_by_text("History (1 check-in)").click()
    expect(card.get_by_test_id("history")).to_contain_text("Three launches this month")

    page.reload()  # the check-in is stored, not only shown
    expect(page.locator('[data-kr="Campaigns measured with certified data"]')).to_have_attribute(
        "data-percent", "80"
    )
    assert CheckIn.objects.get().author == okr_world.lead


def test_check_in_from_the_key_result_page(
    page: Page, live_server: Any, login: Login, okr_world: OkrWorld
) -> None:
    login("lead")
    page.goto(f"{live_server.url}/literacy/okrs/objectives/{okr_world.objective.pk}/")
    page.get_by_role("link", name="Campaigns measured with certified data").click()
    expect(page.get_by_test_id("history")).to_be_visible()  # open on its own page
    assert_no_serious_axe_violations(page)
    card = page.locator('[data-kr="Campaigns measured with certified data"]')
    card.get_by_label("New value").fill("10")
    card.get_by_role("button", name="Check in").click()
    expect(page.locator('[data-kr="Campaigns measured with certified data"]')).to_have_attribute(
        "data-percent", "100"
    )
    expect(page.get_by_test_id("objective-progress")).to_have_attribute("data-percent", "100")
