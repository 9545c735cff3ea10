"""A person creates a named API token on the profile page, sees it once, uses it, revokes it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from workbench.accounts.models import ApiToken, User


def test_token_is_created_shown_once_used_and_revoked(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")
    page.goto(f"{live_server.url}/accounts/profile/")
    tokens = page.get_by_role("region", name="API tokens")
    expect(tokens).to_contain_text("You have no API token.")

    tokens.get_by_label("Token name").fill("")
    tokens.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("region", name="API tokens")).to_contain_text("This field is required")

    page.get_by_label("Token name").fill("weekly report")
    page.get_by_label("Expires in").select_option("30")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Your new API token “weekly report”")).to_be_visible()
    assert_no_serious_axe_violations(page)
    key = page.get_by_label("Token", exact=True).input_value()
    assert len(key) == 43

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").json()["username"] == "analyst"

    page.get_by_role("link", name="Done").click()
    table = page.get_by_test_id("api-tokens")
    expect(table).to_contain_text("weekly report")
    expect(table).to_contain_text(key[:8])
    expect(page.locator("body")).not_to_contain_text(key)

    page.get_by_role("button", name="Revoke token weekly report").click()
    expect(page.get_by_role("status").first).to_contain_text("no longer works")
    expect(page.get_by_role("region", name="API tokens")).not_to_contain_text("weekly report")
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/me/").status_code == 401
