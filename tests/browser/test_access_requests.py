"""Access requests in a real browser: a business user asks for access to a confidential table from
its page, the steward approves it in the queue, and the user's grant shows on the asset page and
the masked preview opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Classification
from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.catalog.catalog_fixtures import CANARY_EMAILS, CatalogWorld, catalog_world_build
from workbench.accounts.models import User
from workbench.governance.models import Grant
from workbench.governance.policy import asset_access_refresh


@pytest.fixture
def catalog(tmp_path: Path, steward: User) -> CatalogWorld:
    world = catalog_world_build(folder=tmp_path, steward=steward)
    world.customers.classification = Classification.CONFIDENTIAL
    world.customers.save(update_fields=["classification"])
    asset_access_refresh(world.customers)
    return world


def test_analyst_requests_access_and_steward_approves_in_the_queue(
    page: Page,
    live_server: Any,
    login: Login,
    analyst: User,
    steward: User,
    catalog: CatalogWorld,
) -> None:
    asset_url = f"{live_server.url}/catalog/assets/{catalog.customers.pk}/"
    login("analyst")
    page.goto(asset_url)
    panel = page.get_by_test_id("access-panel")
    expect(panel.locator("[data-access-action=preview]")).to_have_attribute("data-allowed", "no")
    expect(panel).to_contain_text("needs an approved access request")
    panel.get_by_role("link", name="Request access").click()

    expect(page.get_by_role("heading", name="Request access to main.customers")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("combobox", name="Purpose").select_option("analytics")
    page.get_by_label("Why do you need it?").fill("Too short")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_label("Why do you need it?")).to_have_value("Too short")  # kept
    page.get_by_label("Why do you need it?").fill(
        "Churn analysis for the retention campaign, masked values are enough."
    )
    page.get_by_label("For how many days?").fill("14")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the asset's stewards")
    expect(page.locator("[data-status=pending]").first).to_be_visible()

    page.context.clear_cookies()
    login("steward")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Access").click()
    page.get_by_test_id("access-tabs").get_by_role("link", name="Approval queue").click()
    card = page.get_by_test_id("queue").locator("article").first
    expect(card).to_contain_text("Churn analysis")
    expect(card.get_by_test_id("sla")).to_contain_text("due in")
    card.get_by_label("Comment (required to deny)").fill("Fine for the campaign.")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved")
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.context.clear_cookies()
    login("analyst")
    page.goto(asset_url)
    panel = page.get_by_test_id("access-panel")
    expect(panel.locator("[data-access-action=preview]")).to_have_attribute("data-allowed", "yes")
    grant = Grant.objects.get(user=analyst)
    expect(panel.locator(f"[data-grant='{grant.pk}']")).to_contain_text("You")
    page.get_by_role("link", name="Show masked preview").click()
    expect(page.get_by_test_id("preview-table")).to_be_visible()
    for value in CANARY_EMAILS:
        expect(page.locator("body")).not_to_contain_text(value)
