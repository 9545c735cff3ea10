"""The governed data path in a real browser: an analyst previews a customer table masked and
filtered to their region, exports it as CSV with a purpose (the file holds no canary), and is
refused a confidential table with a way to request access; an admin reads the masking page and
detokenises a vault token in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.governance.data.conftest import DataWorld, assert_no_canary
from tests.governance.data.conftest import data_world as data_world  # noqa: PLC0414
from workbench.accounts.models import User
from workbench.governance.models import RowFilter, VaultToken

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def region_rows(data_world: DataWorld) -> DataWorld:
    RowFilter.objects.create(
        name="Customers by region",
        asset=data_world.customers,
        column="region",
        user_attribute="region",
    )
    return data_world


def test_analyst_previews_and_exports_masked_rows_of_their_region(
    page: Page,
    live_server: Any,
    login: Login,
    analyst: User,
    region_rows: DataWorld,
    tmp_path: Path,
) -> None:
    world = region_rows
    login("analyst")
    page.goto(f"{live_server.url}/catalog/assets/{world.customers.pk}/")
    page.get_by_role("link", name="Show masked preview").click()
    preview = page.get_by_test_id("preview-table")
    expect(preview).to_be_visible()
    assert_no_serious_axe_violations(page)
    expect(preview.locator("[data-operator=iban]")).to_have_text("tokenize")
    expect(page.get_by_test_id("preview-reason")).to_contain_text("only rows where region")
    expect(preview.locator("tbody tr")).to_have_count(3)  # the EU customers only
    assert_no_canary(page.locator("body").inner_text(), world.canaries)

    page.get_by_role("link", name="Export CSV").click()
    expect(page.get_by_test_id("export-plan")).to_contain_text("iban")
    page.get_by_label("Purpose category").select_option("analytics")
    page.get_by_label("Purpose", exact=True).fill("Spring campaign audience")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / "export.csv"
    download_info.value.save_as(saved)
    text = saved.read_text()
    assert text.splitlines()[0].startswith("id,full_name,email")
    assert len(text.splitlines()) == 4
    assert_no_canary(text, world.canaries)

    page.goto(f"{live_server.url}/governance/data/assets/{world.ledger.pk}/export/")
    expect(page.get_by_test_id("export-decision")).to_contain_text("access request")
    expect(page.get_by_role("link", name="Request access")).to_be_visible()


def test_admin_reads_the_masking_page_and_detokenises(
    page: Page,
    live_server: Any,
    login: Login,
    admin: User,
    region_rows: DataWorld,
) -> None:
    from workbench.governance.services import data_preview

    data_preview(user=admin, asset=region_rows.customers)  # tokenises the IBANs
    token = VaultToken.objects.order_by("pk").first()
    assert token is not None
    login("admin")
    page.goto(f"{live_server.url}/governance/")
    page.get_by_role("link", name="Masking and row filters").click()
    expect(page.get_by_test_id("masking-rules")).to_contain_text("Emails → keyed hash")
    expect(page.get_by_test_id("row-filters")).to_contain_text("Customers by region")
    form = page.get_by_test_id("detokenize-form")
    form.get_by_label("Token").fill(token.token)
    form.get_by_label("Purpose category").select_option("compliance")
    form.get_by_label("Purpose", exact=True).fill("Check a refund for a customer")
    form.get_by_role("button", name="Detokenise").click()
    expect(page.get_by_test_id("detokenized-value")).to_contain_text("NL91CANARY-")
