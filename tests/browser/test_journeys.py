"""Journeys through the real pages in headless Chromium, finding things as a person would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from workbench.accounts.models import User

WRONG_PASSWORD = "not the right password"
CHAIN_CHECK_TIMEOUT_MS = 20_000


def test_business_user_signs_in_sees_home_and_navigation_opens_profile_and_signs_out(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")

    expect(page.get_by_role("heading", name=f"Welcome, {analyst.first_name}")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="API", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Audit trail")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Administration")).to_have_count(0)
    expect(page.get_by_role("article").get_by_role("heading", name="Business user")).to_be_visible()
    assert_no_serious_axe_violations(page)

    user_menu = navigation.get_by_role("button", name=analyst.get_full_name())
    user_menu.click()
    navigation.get_by_role("link", name="Your profile").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_text("analyst", exact=True)).to_be_visible()
    attributes = page.get_by_role("region", name="Attributes")
    expect(attributes.get_by_role("navigation", name="Department")).to_have_text("Growth Marketing")
    expect(attributes).to_contain_text(analyst.get_region_display())
    expect(attributes).to_contain_text(analyst.get_clearance_display())
    expect(page.get_by_role("region", name="Roles")).to_contain_text("Business user")
    assert_no_serious_axe_violations(page)

    user_menu.click()
    navigation.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/profile/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_failed_login_shows_error_and_keeps_username(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst", WRONG_PASSWORD)

    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Username")).to_have_value("analyst")
    assert_no_serious_axe_violations(page)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_repeated_failed_logins_are_throttled_with_clear_message(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("analyst", WRONG_PASSWORD)

    login("analyst")

    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_have_count(0)


def test_admin_opens_audit_page_and_finds_login_events(
    page: Page, live_server: Any, login: Login, analyst: User, admin: User
) -> None:
    login("analyst", WRONG_PASSWORD)
    login("admin")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()

    table = page.get_by_role("table")
    rows = table.get_by_role("row")
    admin_logins = rows.filter(has=page.get_by_role("cell", name="auth.login", exact=True)).filter(
        has=page.get_by_role("cell", name="admin", exact=True)
    )
    expect(admin_logins).to_have_count(1)
    analyst_failures = (
        rows.filter(has=page.get_by_role("cell", name="auth.login_failed", exact=True))
        .filter(has=page.get_by_role("cell", name="analyst", exact=True))
        .filter(has=page.get_by_role("cell", name="Denied", exact=True))
    )
    expect(analyst_failures).to_have_count(1)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Action", exact=True).fill("auth.login_failed")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"action=auth\.login_failed"))
    expect(table.get_by_role("cell", name="auth.login_failed", exact=True)).to_have_count(1)
    expect(table.get_by_role("cell", name="auth.login", exact=True)).to_have_count(0)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8")
    header = csv_text.splitlines()[0].split(",")
    assert "sequence" in header
    assert "action" in header
    assert "auth.login_failed" in csv_text


def test_keyboard_user_can_skip_to_content_and_reach_navigation(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")
    skip_link = page.get_by_role("link", name="Skip to main content")
    navigation = page.get_by_role("navigation", name="Main")

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Workbench")).to_be_focused()
    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Home", exact=True)).to_be_focused()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/#main")
    expect(page.get_by_role("main")).to_be_focused()


@pytest.mark.worker
def test_audit_chain_check_runs_on_the_worker_and_shows_progress_result(
    celery_worker: Any, live_server: Any, page: Page, login: Login, admin: User
) -> None:
    login("admin")
    page.goto(f"{live_server.url}/audit/")
    verification = page.get_by_test_id("verification")
    expect(verification).to_have_attribute("data-status", "none")

    page.get_by_role("button", name="Check the chain now").click()

    expect(verification).to_have_attribute("data-status", "passed", timeout=CHAIN_CHECK_TIMEOUT_MS)
    expect(verification).to_contain_text(re.compile(r"Intact: events 1 to \d+ checked"))


def test_outsider_sees_no_role_message_and_is_refused_audit_page(
    page: Page, live_server: Any, login: Login, outsider: User
) -> None:
    login("outsider")
    expect(page.get_by_text("Your account has no role yet")).to_be_visible()

    response = page.goto(f"{live_server.url}/audit/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()


def test_pages_are_usable_on_a_phone(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login("analyst")
    navigation = page.get_by_role("navigation", name="Main")
    home_link = navigation.get_by_role("link", name="Home", exact=True)
    toggler = navigation.get_by_role("button", name="Toggle navigation")

    expect(toggler).to_be_visible()
    expect(home_link).to_be_hidden()
    toggler.click()

    expect(home_link).to_be_visible()


def test_api_docs_render_offline_without_csp_errors(page: Page, login: Login, live_server) -> None:
    login("analyst")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("/api/me/").first).to_be_visible(timeout=10_000)
