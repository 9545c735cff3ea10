"""Notifications and accessibility in a real browser: the bell's unread count, marking read with
htmx, following a notification, choosing channels, a refused webhook that keeps what was typed;
and a keyboard-only path through the catalog (skip link, search, open an asset). Each page is
checked with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.catalog.catalog_fixtures import CatalogWorld, catalog_world_build
from workbench.accounts.models import User
from workbench.notifications import services
from workbench.notifications.models import ChatWebhook, NotificationKind


def _notify(user: User, title: str, url: str = "/catalog/") -> None:
    services.notify(
        recipients=[user], kind=NotificationKind.ACCESS_REQUEST_DECIDED, title=title, url=url
    )


def test_analyst_reads_notifications_and_follows_one(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    _notify(analyst, "Your access request for sales.orders was approved")
    _notify(analyst, "Your grant on hr.payroll ends in 3 days")
    login("analyst")
    bell = page.get_by_role("link", name="Notifications 2 unread")
    expect(bell).to_be_visible()
    assert_no_serious_axe_violations(page)
    bell.click()

    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    items = page.get_by_test_id("notification-list").get_by_role("listitem")
    expect(items).to_have_count(2)
    assert_no_serious_axe_violations(page)

    items.filter(has_text="hr.payroll").get_by_role("button", name="Mark read").click()
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    expect(page.locator("[data-read=true]")).to_have_count(1)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Your access request for sales.orders was approved").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_empty_centre_and_channel_choices(
    page: Page, live_server: Any, login: Login, analyst: User
) -> None:
    login("analyst")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("notifications-empty")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Choose channels").click()
    expect(page.get_by_role("heading", name="Notification choices")).to_be_visible()
    assert_no_serious_axe_violations(page)
    metric_email = page.get_by_label("Metric turned red: Email")
    expect(metric_email).not_to_be_checked()
    metric_email.check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your notification choices are saved.")
    expect(page.get_by_label("Metric turned red: Email")).to_be_checked()

    page.get_by_label("Name").fill("Team channel")
    page.get_by_label("Webhook address").fill("https://10.0.0.5/hooks/x")
    page.get_by_label("Chat service").select_option("teams")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("is not an allowed chat service")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Team channel")
    expect(page.get_by_label("Webhook address")).to_have_value("https://10.0.0.5/hooks/x")
    expect(page.get_by_label("Chat service")).to_have_value("teams")
    assert_no_serious_axe_violations(page)
    assert not ChatWebhook.objects.exists()


def test_admin_sees_failing_webhooks(
    page: Page, live_server: Any, login: Login, admin: User, analyst: User
) -> None:
    hook = services.webhook_create(
        actor=analyst, owner=analyst, name="Analyst chat", url="https://hooks.slack.com/services/a"
    )
    ChatWebhook.objects.filter(pk=hook.pk).update(consecutive_failures=2, last_error="answered 500")
    login("admin")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Chat webhooks").click()
    table = page.get_by_test_id("failing-webhooks")
    expect(table).to_contain_text("Analyst chat")
    expect(table).to_contain_text("answered 500")
    assert_no_serious_axe_violations(page)


@pytest.fixture
def catalog(tmp_path: Path, steward: User) -> CatalogWorld:
    return catalog_world_build(folder=tmp_path, steward=steward)


def test_keyboard_only_search_and_open_an_asset(
    page: Page, live_server: Any, login: Login, analyst: User, catalog: CatalogWorld
) -> None:
    login("analyst")
    page.goto(f"{live_server.url}/catalog/")
    # From the top of the page: the skip link, then straight into the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    search = page.get_by_label("Search the catalog")
    for _ in range(10):
        page.keyboard.press("Tab")
        if search.evaluate("element => element === document.activeElement"):
            break
    expect(search).to_be_focused()
    page.keyboard.type("customers")
    page.keyboard.press("Enter")
    result = page.get_by_test_id("search-results").get_by_role("link", name="main.customers")
    expect(result).to_be_visible()
    assert_no_serious_axe_violations(page)
    for _ in range(40):
        page.keyboard.press("Tab")
        if result.evaluate("element => element === document.activeElement"):
            break
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("asset-name")).to_contain_text("main.customers")
    assert_no_serious_axe_violations(page)
