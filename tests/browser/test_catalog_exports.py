"""An admin exports a scanned source for OpenMetadata from its page and downloads the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from catalog.models import CatalogExport, DataSource, ExportStatus, ScanKind
from tests.browser.conftest import Login
from tests.catalog.sources_fixtures import RunScan

EXPORT_TIMEOUT_MS = 90_000


@pytest.fixture
def scanned(sqlite_source: DataSource, run_scan: RunScan) -> DataSource:
    # Requested before the worker starts, which purges the queue: this scan runs here, once.
    assert run_scan(sqlite_source, kind=ScanKind.METADATA).status == "succeeded"
    return sqlite_source


@pytest.mark.worker
def test_admin_exports_a_source_for_openmetadata_and_downloads_it(
    scanned: DataSource,
    celery_worker: Any,
    live_server: Any,
    page: Page,
    login: Login,
    tmp_path: Path,
) -> None:
    login("admin")
    page.goto(f"{live_server.url}/catalog/sources/{scanned.pk}/")
    panel = page.get_by_test_id("export-panel")
    expect(panel).to_contain_text("No exports yet.")

    panel.get_by_role("button", name="Export for OpenMetadata").click()

    row = panel.locator("tr[data-export]").first
    expect(row).to_have_attribute("data-status", "succeeded", timeout=EXPORT_TIMEOUT_MS)
    expect(row).to_contain_text("admin")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("warehouse-openmetadata-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    export = CatalogExport.objects.get(source=scanned)
    assert export.status == ExportStatus.SUCCEEDED
    assert len(lines) == export.entity_count
    assert sum(line["entityType"] == "table" for line in lines) == scanned.assets.count()
