"""What a new user hits first, in a real browser: refusals, sign-in notes, icon and the API docs."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.factories import TEST_PASSWORD
from workbench.accounts.models import User


def test_business_user_opening_admin_sees_the_403_page_not_a_redirect_loop(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")
    # A redirect loop makes goto raise net::ERR_TOO_MANY_REDIRECTS.
    response = page.goto(f"{live_server.url}/admin/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    expect(
        page.get_by_text("Administration is for people with the Platform admin role")
    ).to_be_visible()
    expect(page.get_by_text("audit.")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", name=f"Welcome, {analyst.first_name}")).to_be_visible()


def test_sent_to_sign_in_from_a_protected_page_says_so_and_returns_there(
    page: Page, live_server: Any, auditor: User
) -> None:
    page.goto(f"{live_server.url}/audit/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/audit/$"))
    expect(page.get_by_role("status")).to_have_text("Sign in to see that page.")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Username").fill("auditor")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/audit/")


def test_user_without_role_is_offered_only_the_profile(
    page: Page, login: Login, outsider: User
) -> None:
    login("outsider")
    expect(page.get_by_test_id("no-roles")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="API", exact=True)).to_have_count(0)
    offers = page.locator("[data-destination]")
    expect(offers).to_have_count(1)
    expect(offers.first).to_have_attribute("data-destination", "profile")
    assert_no_serious_axe_violations(page)


def test_favicon_is_served_at_the_root_and_linked(page: Page, live_server: Any) -> None:
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
    page.goto(f"{live_server.url}/accounts/login/")
    icon = page.locator('link[rel="icon"][sizes="any"]')
    linked = page.request.get(f"{live_server.url}{icon.get_attribute('href')}")
    assert linked.status == 200
    assert linked.body() == response.body()


def test_api_docs_lead_back_to_the_app(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("/api/me/").first).to_be_visible(timeout=10_000)
    page.get_by_role("link", name="Back to the workbench").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name=f"Welcome, {analyst.first_name}")).to_be_visible()
