"""An admin connects a SQLite source, tests it and watches a real scan finish, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Asset, DataSource
from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from workbench.accounts.models import User

SCAN_TIMEOUT_MS = 90_000


@pytest.mark.worker
def test_admin_adds_a_sqlite_source_tests_it_and_watches_the_scan_finish(
    celery_worker: Any,
    live_server: Any,
    page: Page,
    login: Login,
    admin: User,
    warehouse_path: Path,
) -> None:
    login("admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data sources").click()
    expect(page.get_by_role("heading", name="Data sources")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Add a source").click()

    page.get_by_role("textbox", name="Name", exact=True).fill("Shop warehouse")
    page.get_by_role("combobox", name="Kind").select_option(label="SQLite")
    page.get_by_role("textbox", name="Path").fill(str(warehouse_path))
    page.get_by_role("combobox", name="Schedule").fill("not a schedule")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert").first).to_contain_text("nothing was saved")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Shop warehouse")
    expect(page.get_by_role("textbox", name="Path")).to_have_value(str(warehouse_path))
    page.get_by_role("combobox", name="Schedule").fill("daily")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Shop warehouse")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Test connection").click()
    result = page.get_by_test_id("connection-result")
    expect(result).to_have_attribute("data-ok", "true")
    expect(result).to_contain_text("Connected")

    page.get_by_role("button", name="Scan now").click()
    expect(page).to_have_url(re.compile(r"/catalog/sources/scans/\d+/$"))
    progress = page.get_by_test_id("scan-progress")
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=SCAN_TIMEOUT_MS)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("scan-log")).to_contain_text("Found 17 tables and views")
    expect(page.get_by_test_id("scan-changes")).to_contain_text("Table added")

    source = DataSource.objects.get(name="Shop warehouse")
    assert Asset.objects.filter(source=source).count() == 17
    page.get_by_role("link", name="Data sources").first.click()
    row = page.locator("tr", has_text="Shop warehouse")
    expect(row).to_contain_text("Succeeded")
    expect(row).to_contain_text("17")
