"""The catalog in a real browser: an analyst searches, filters by a facet, opens an asset and sees a
masked preview; a steward accepts a PII suggestion and certifies the asset."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from catalog.models import Asset, Column
from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.catalog.catalog_fixtures import (
    CANARY_EMAILS,
    CANARY_NAMES,
    CatalogWorld,
    catalog_world_build,
)
from tests.catalog.factories import asset_with_columns
from workbench.accounts.models import User


@pytest.fixture
def catalog(tmp_path: Path, steward: User) -> CatalogWorld:
    return catalog_world_build(folder=tmp_path, steward=steward)


def test_analyst_finds_and_previews_masked_then_steward_reviews_and_certifies(
    page: Page,
    live_server: Any,
    login: Login,
    analyst: User,
    steward: User,
    catalog: CatalogWorld,
) -> None:
    asset_with_columns("note", source=catalog.customers.source, name="customer_notes")  # no domain
    login("analyst")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    expect(page.get_by_role("heading", name="Data catalog")).to_be_visible()

    page.get_by_label("Search the catalog").fill("customer")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("link", name="main.customers")).to_be_visible()
    expect(results.get_by_role("link", name="main.customer_notes")).to_be_visible()
    expect(results.get_by_role("link", name="main.payroll")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.get_by_role("navigation", name="Domain").get_by_role("link", name="Sales").click()
    expect(
        page.get_by_test_id("search-results").get_by_role("link", name="main.customer_notes")
    ).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/catalog/?q=customer&domain=sales")
    page.get_by_test_id("search-results").get_by_role("link", name="main.customers").click()

    expect(page.get_by_test_id("asset-name")).to_contain_text("main.customers")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Show masked preview").click()
    preview = page.get_by_test_id("preview-table")
    expect(preview).to_be_visible()
    expect(preview.locator("[data-masked=email]")).to_have_text("masked")
    expect(preview.locator("[data-masked=full_name]")).to_have_text("masked")
    expect(preview).to_contain_text("NL")
    for value in [*CANARY_EMAILS, *CANARY_NAMES]:
        expect(page.locator("body")).not_to_contain_text(value)
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.context.clear_cookies()
    login("steward")
    page.goto(f"{live_server.url}/catalog/assets/{catalog.customers.pk}/")
    suggestion = page.locator("[data-suggestion=person_name]")
    suggestion.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("Person name on full_name accepted")
    expect(page.locator("[data-column=full_name] [data-pii=person_name]")).to_be_visible()

    until = (timezone.localdate() + timedelta(days=365)).isoformat()
    page.get_by_label("Certified until").fill(until)
    page.get_by_role("button", name="Certify as a trusted dataset").click()
    expect(page.get_by_role("status")).to_contain_text("The asset is certified.")
    expect(page.get_by_test_id("asset-name").locator("[data-badge=certified]")).to_contain_text(
        f"Certified until {until}"
    )

    assert Column.objects.get(pk=catalog.name.pk).pii_kinds == ["person_name"]
    assert Asset.objects.get(pk=catalog.customers.pk).is_certification_current
