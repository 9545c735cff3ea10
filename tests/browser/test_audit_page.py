"""The audit page in a browser: action suggestions, invalid filters, one chain check at a time."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from workbench.accounts.models import User
from workbench.audit.models import AuditVerification


def test_auditor_finds_login_events_by_typing_login(
    page: Page, live_server: Any, login: Login, admin: User
) -> None:
    login("admin")
    page.goto(f"{live_server.url}/audit/")
    action = page.get_by_label("Action", exact=True)
    expect(action).to_have_attribute("list", "audit-action-codes")
    expect(page.locator("#audit-action-codes option[value='auth.login']")).to_have_count(1)

    action.fill("login")
    page.get_by_role("button", name="Apply").click()

    table = page.get_by_test_id("audit-table")
    expect(table.get_by_role("cell", name="auth.login", exact=True).first).to_be_visible()
    assert_no_serious_axe_violations(page)
    expect(table.get_by_role("cell", name="audit.view", exact=True)).to_have_count(0)


def test_invalid_filter_shows_the_error_and_lists_nothing(
    page: Page, live_server: Any, login: Login, admin: User
) -> None:
    login("admin")
    response = page.goto(f"{live_server.url}/audit/?outcome=failure")

    assert response is not None
    assert response.status == 400
    expect(page.get_by_test_id("audit-invalid-filters")).to_be_visible()
    expect(page.get_by_text("Select a valid choice")).to_be_visible()
    assert_no_serious_axe_violations(page)
    expect(page.get_by_test_id("audit-table")).to_have_count(0)


def test_asking_twice_without_a_worker_queues_one_check_and_says_so(
    page: Page, live_server: Any, login: Login, admin: User
) -> None:
    login("admin")
    page.goto(f"{live_server.url}/audit/")
    button = page.get_by_role("button", name="Check the chain now")
    verification = page.get_by_test_id("verification")

    button.click()
    expect(verification).to_have_attribute("data-status", "queued")
    button.click()

    expect(verification).to_contain_text("waiting for a worker")
    expect(verification).not_to_contain_text("of ?")
    assert AuditVerification.objects.count() == 1
