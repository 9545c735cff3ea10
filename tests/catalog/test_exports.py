"""OpenMetadata exports of a scanned source: the build from catalog rows (validated again by
OpenMetadata's own models), the queue and the worker, failures, pages, API and the command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    Asset,
    AssetStatus,
    CatalogExport,
    Classification,
    Column,
    DataSource,
    ExportStatus,
    PiiSuggestion,
    ScanKind,
    TableProfile,
    Tag,
)
from catalog.services import exports as services
from catalog.services.exports import (
    ExportError,
    catalog_export_execute,
    catalog_export_start,
    openmetadata_export_build,
)
from catalog.services.sources import source_create
from tests.catalog.sources_fixtures import RunScan
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

REFUSED = ["outsider", "analyst"]


def _lines(content: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.splitlines()]


def _validate(entities: list[dict[str, Any]]) -> None:
    from metadata.generated.schema.entity.data.database import Database
    from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
    from metadata.generated.schema.entity.data.table import Table

    models: dict[str, Any] = {
        "database": Database,
        "databaseSchema": DatabaseSchema,
        "table": Table,
    }
    for entity in entities:
        models[entity["entityType"]].model_validate(entity["entity"])


def _curate(source: DataSource, steward: User, admin: User) -> None:
    payments = Asset.objects.get(source=source, name="payments")
    payments.description = "Payments for orders."
    payments.owner = admin
    payments.classification = Classification.CONFIDENTIAL
    payments.save()
    payments.stewards.add(steward)
    payments.tags.add(Tag.objects.create(name="finance"))
    iban = Column.objects.get(asset=payments, name="iban")
    iban.description = "Payer's bank account."
    iban.pii_kinds = ["iban"]
    iban.classification = Classification.RESTRICTED
    iban.save()
    method = Column.objects.get(asset=payments, name="method")
    PiiSuggestion.objects.create(column=method, kind="person_name", confidence="0.500")


@pytest.fixture
def scanned(sqlite_source: DataSource, run_scan: RunScan) -> DataSource:
    """The sample warehouse after a metadata scan: assets and columns (quick)."""
    run = run_scan(sqlite_source, kind=ScanKind.METADATA)
    assert run.status == "succeeded", run.error
    return sqlite_source


@pytest.fixture
def profiled(sqlite_source: DataSource, run_scan: RunScan) -> DataSource:
    """The sample warehouse after a full scan: assets, columns, PII suggestions and profiles."""
    run = run_scan(sqlite_source, kind=ScanKind.FULL)
    assert run.status in ("succeeded", "partial"), run.error
    return sqlite_source


def _wait_finished(export: CatalogExport, seconds: float = 90) -> CatalogExport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            export.refresh_from_db()
        except OperationalError:  # SQLite's shared cache: the worker holds the table a moment
            time.sleep(0.1)
            continue
        if export.is_finished:
            return export
        time.sleep(0.2)
    raise AssertionError(f"export {export.pk} did not finish: {export.status}")


def _queued(source: DataSource, admin: User) -> CatalogExport:
    export, created = catalog_export_start(source=source, requested_by=admin)
    assert created
    return export


def _succeeded(source: DataSource, admin: User) -> CatalogExport:
    export = catalog_export_execute(export_id=_queued(source, admin).pk)
    assert export is not None
    assert export.status == ExportStatus.SUCCEEDED, export.error
    return export


# --- the build --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_build_gives_valid_openmetadata_entities_with_curation_and_profiles(
    profiled: DataSource, steward: User, admin: User
) -> None:
    scanned = profiled
    _curate(scanned, steward, admin)

    entities = _lines(openmetadata_export_build(source=scanned))

    _validate(entities)
    kinds = [entity["entityType"] for entity in entities]
    active = Asset.objects.filter(source=scanned, status=AssetStatus.ACTIVE).count()
    assert kinds[:2] == ["database", "databaseSchema"]
    assert kinds.count("table") == active
    assert entities[0]["entity"]["serviceType"] == "SQLite"
    tables = {e["entity"]["name"]: e["entity"] for e in entities if e["entityType"] == "table"}
    payments = tables["payments"]
    assert payments["fullyQualifiedName"] == 'Warehouse."warehouse.sqlite3".main.payments'
    assert payments["description"] == "Payments for orders."
    assert [owner["name"] for owner in payments["owners"]] == ["admin", "steward"]
    assert {tag["tagFQN"] for tag in payments["tags"]} == {
        "WorkbenchClassification.Confidential",
        "WorkbenchTags.finance",
    }
    columns = {column["name"]: column for column in payments["columns"]}
    assert columns["iban"]["description"] == "Payer's bank account."
    assert [tag["tagFQN"] for tag in columns["iban"]["tags"]] == [
        "WorkbenchClassification.Restricted",
        "PII.Sensitive",
        "WorkbenchPII.iban",
    ]
    suggested = [t for t in columns["method"]["tags"] if t["state"] == "Suggested"]
    assert [t["tagFQN"] for t in suggested] == ["WorkbenchPII.person_name"]
    assert suggested[0]["labelType"] == "Automated"
    stored = TableProfile.objects.filter(asset__source=scanned, asset__name="payments").first()
    assert stored is not None
    assert payments["profile"]["rowCount"] == stored.row_count
    assert payments["profile"]["profileSample"] == stored.sample_size
    amount = stored.column_profiles.get(column__name="amount").metrics
    assert columns["amount"]["profile"]["nullCount"] == amount["null_count"]
    assert columns["amount"]["profile"]["mean"] == pytest.approx(amount["mean"])
    constraints = {c["constraintType"]: c for c in payments["tableConstraints"]}
    assert constraints["PRIMARY_KEY"]["columns"] == ["payment_id"]


@pytest.mark.django_db
def test_build_uses_each_assets_latest_profile_and_skips_removed_assets(
    profiled: DataSource, run_scan: RunScan
) -> None:
    payments = Asset.objects.get(source=profiled, name="payments")
    older = TableProfile.objects.get(asset=payments)
    TableProfile.objects.create(
        run=run_scan(profiled),
        asset=payments,
        row_count=123_456,
        sample_size=older.sample_size,
        metrics=older.metrics,
    )
    Asset.objects.filter(source=profiled, name="orders").update(
        status=AssetStatus.REMOVED, removed_at=timezone.now()
    )

    tables = {
        e["entity"]["name"]: e["entity"]
        for e in _lines(openmetadata_export_build(source=profiled))
        if e["entityType"] == "table"
    }

    assert "orders" not in tables
    assert tables["payments"]["profile"]["rowCount"] == 123_456
    assert "profile" in tables["customers"]


@pytest.mark.django_db
def test_build_reads_in_a_fixed_number_of_queries(
    profiled: DataSource, steward: User, admin: User, django_assert_max_num_queries: Any
) -> None:
    scanned = profiled
    _curate(scanned, steward, admin)
    openmetadata_export_build(source=scanned)  # import openmetadata-ingestion outside the count

    # 1 assets + 3 asset M2Ms + 1 columns + 3 column relations + 2 profiles, whatever the size.
    with django_assert_max_num_queries(10):
        openmetadata_export_build(source=scanned)


@pytest.mark.django_db
def test_a_source_without_active_assets_cannot_be_built(scanned: DataSource) -> None:
    Asset.objects.filter(source=scanned).update(status=AssetStatus.REMOVED)

    with pytest.raises(ExportError, match="no active tables"):
        openmetadata_export_build(source=scanned)


# --- queue and outcome ------------------------------------------------------------------------


@pytest.mark.django_db
def test_start_queues_once_audits_and_enqueues_after_commit(
    scanned: DataSource, admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export, created = catalog_export_start(source=scanned, requested_by=admin)
        again, created_again = catalog_export_start(source=scanned, requested_by=admin)

    assert created
    assert not created_again
    assert again.pk == export.pk
    assert export.status == ExportStatus.QUEUED
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="catalog.export_requested", actor=admin).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "age", "reason"),
    [
        (ExportStatus.RUNNING, timedelta(minutes=16), "stopped before it finished"),
        (ExportStatus.QUEUED, timedelta(hours=2), "No worker picked this export up"),
    ],
    ids=["running-worker-died", "queued-no-worker"],
)
def test_a_lost_export_no_longer_blocks_a_new_one(
    scanned: DataSource, admin: User, status: str, age: timedelta, reason: str
) -> None:
    lost = _queued(scanned, admin)
    old = timezone.now() - age
    CatalogExport.objects.filter(pk=lost.pk).update(status=status, created_at=old, started_at=old)

    fresh, created = catalog_export_start(source=scanned, requested_by=admin)

    assert created
    assert fresh.pk != lost.pk
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED
    assert reason in lost.error


@pytest.mark.django_db
def test_a_recent_running_export_is_returned_not_failed(scanned: DataSource, admin: User) -> None:
    running = _queued(scanned, admin)
    CatalogExport.objects.filter(pk=running.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=5)
    )

    again, created = catalog_export_start(source=scanned, requested_by=admin)

    assert not created
    assert again.pk == running.pk
    assert again.status == ExportStatus.RUNNING


@pytest.mark.django_db
@pytest.mark.parametrize("persona", REFUSED)
def test_start_refuses_those_who_may_not_administer_sources(
    request: pytest.FixtureRequest, scanned: DataSource, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        catalog_export_start(source=scanned, requested_by=request.getfixturevalue(persona))
    assert not CatalogExport.objects.exists()


@pytest.mark.django_db
def test_start_refuses_an_unscanned_source(sqlite_source: DataSource, admin: User) -> None:
    with pytest.raises(ValidationError, match="scan it first"):
        catalog_export_start(source=sqlite_source, requested_by=admin)
    assert not CatalogExport.objects.exists()


@pytest.mark.django_db
def test_execute_stores_the_file_and_runs_once(scanned: DataSource, admin: User) -> None:
    export = _succeeded(scanned, admin)

    assert catalog_export_execute(export_id=export.pk) is None  # already done: nothing happens
    entities = _lines(export.content)
    _validate(entities)
    assert export.entity_count == len(entities)
    assert export.size_bytes == len(export.content.encode())
    assert export.started_at
    assert export.finished_at
    assert export.filename.startswith("warehouse-openmetadata-")
    assert export.filename.endswith(".jsonl")


@pytest.mark.django_db
def test_assets_removed_after_queueing_end_in_a_recorded_failure(
    scanned: DataSource, admin: User
) -> None:
    export = _queued(scanned, admin)
    Asset.objects.filter(source=scanned).update(status=AssetStatus.REMOVED)

    failed = catalog_export_execute(export_id=export.pk)

    assert failed is not None
    assert failed.status == ExportStatus.FAILED
    assert "no active tables" in failed.error
    assert failed.content == ""
    event = AuditEvent.objects.get(action="catalog.export_built")
    assert event.outcome == "failed"


@pytest.mark.django_db
def test_a_corrupt_stored_profile_fails_the_export_naming_the_table(
    profiled: DataSource, admin: User
) -> None:
    scanned = profiled
    TableProfile.objects.filter(asset__source=scanned, asset__name="payments").update(
        row_count=None, metrics={"row_count": "lots"}
    )
    export = _queued(scanned, admin)

    failed = catalog_export_execute(export_id=export.pk)

    assert failed is not None
    assert failed.status == ExportStatus.FAILED
    assert "main.payments" in failed.error
    assert "scan the source again" in failed.error


@pytest.mark.django_db
def test_old_exports_are_pruned(
    scanned: DataSource, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "EXPORTS_KEPT_PER_SOURCE", 2)
    first = _succeeded(scanned, admin)
    _succeeded(scanned, admin)
    _succeeded(scanned, admin)

    assert CatalogExport.objects.filter(source=scanned).count() == 2
    assert not CatalogExport.objects.filter(pk=first.pk).exists()


# --- the real worker --------------------------------------------------------------------------


@pytest.mark.worker
def test_an_export_runs_on_the_worker_end_to_end(
    celery_worker: Any, scanned: DataSource, admin: User
) -> None:
    export, _ = catalog_export_start(source=scanned, requested_by=admin)
    export = _wait_finished(export)

    assert export.status == ExportStatus.SUCCEEDED, export.error
    entities = _lines(export.content)
    _validate(entities)
    assert sum(e["entityType"] == "table" for e in entities) == scanned.assets.count()


@pytest.mark.worker
def test_a_failed_export_on_the_worker_is_shown_on_the_page(
    celery_worker: Any, profiled: DataSource, admin: User, client_for: Any
) -> None:
    scanned = profiled
    TableProfile.objects.filter(asset__source=scanned, asset__name="payments").update(
        row_count=None, metrics={"row_count": "lots"}
    )
    export, _ = catalog_export_start(source=scanned, requested_by=admin)
    export = _wait_finished(export)

    page = client_for(admin).get(reverse("catalog:source_detail", args=[scanned.pk]))

    assert export.status == ExportStatus.FAILED
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-status="failed"' in body
    assert "The stored profile of main.payments cannot be read" in body
    assert 'hx-trigger="every 2s"' not in body  # finished: the panel stops polling


# --- pages ------------------------------------------------------------------------------------


def _page_requests(source: DataSource, export: CatalogExport) -> list[tuple[str, str]]:
    return [
        ("post", reverse("catalog:export_start", args=[source.pk])),
        ("get", reverse("catalog:export_panel", args=[source.pk])),
        ("get", reverse("catalog:export_download", args=[source.pk, export.pk])),
    ]


@pytest.mark.django_db
def test_pages_send_anonymous_visitors_to_sign_in(scanned: DataSource, admin: User) -> None:
    export = _succeeded(scanned, admin)
    for method, url in _page_requests(scanned, export):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert "/login" in response["Location"] or "/accounts/" in response["Location"]
    assert CatalogExport.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", REFUSED)
def test_pages_refuse_members_without_the_permission(
    request: pytest.FixtureRequest, client_for: Any, scanned: DataSource, admin: User, persona: str
) -> None:
    export = _succeeded(scanned, admin)
    client = client_for(request.getfixturevalue(persona))
    for method, url in _page_requests(scanned, export):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert b'"entityType"' not in b"".join(getattr(response, "streaming_content", [b""]))
    assert CatalogExport.objects.count() == 1
    assert not AuditEvent.objects.filter(action="catalog.export_downloaded", outcome="done")
    assert AuditEvent.objects.filter(action="catalog.export_downloaded", outcome="denied")


@pytest.mark.django_db
def test_admin_sees_the_panel_and_queues_an_export(
    client_for: Any, scanned: DataSource, admin: User
) -> None:
    client = client_for(admin)
    detail = client.get(reverse("catalog:source_detail", args=[scanned.pk]))
    assert detail.status_code == 200
    assert b'data-action="export-openmetadata"' in detail.content
    assert b"No exports yet." in detail.content

    response = client.post(reverse("catalog:export_start", args=[scanned.pk]))

    assert response.status_code == 302
    export = CatalogExport.objects.get()
    assert export.requested_by == admin
    panel = client.get(reverse("catalog:export_panel", args=[scanned.pk]))
    assert b'hx-trigger="every 2s"' in panel.content  # queued: the panel polls
    assert b'data-status="queued"' in panel.content


@pytest.mark.django_db
def test_htmx_start_answers_with_the_panel_and_shows_refusals(
    client_for: Any, sqlite_source: DataSource, admin: User
) -> None:
    response = client_for(admin).post(
        reverse("catalog:export_start", args=[sqlite_source.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert b'data-testid="export-error"' in response.content
    assert b"scan it first" in response.content
    assert not CatalogExport.objects.exists()


@pytest.mark.django_db
def test_admin_downloads_the_file_and_the_download_is_audited(
    client_for: Any, scanned: DataSource, admin: User
) -> None:
    export = _succeeded(scanned, admin)

    response = client_for(admin).get(
        reverse("catalog:export_download", args=[scanned.pk, export.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert f'filename="{export.filename}"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body == export.content
    _validate(_lines(body))
    event = AuditEvent.objects.get(action="catalog.export_downloaded", outcome="done")
    assert event.actor == admin
    assert event.detail["export"] == export.pk


@pytest.mark.django_db
def test_download_through_another_sources_address_is_not_found(
    client_for: Any, scanned: DataSource, admin: User, tmp_path: Path
) -> None:
    export = _succeeded(scanned, admin)
    other = source_create(actor=admin, name="Other", kind="sqlite", path=str(tmp_path / "o.db"))
    client = client_for(admin)

    wrong = client.get(reverse("catalog:export_download", args=[other.pk, export.pk]))
    missing = client.get(reverse("catalog:export_download", args=[scanned.pk, export.pk + 99]))

    assert wrong.status_code == 404
    assert missing.status_code == 404
    assert not AuditEvent.objects.filter(action="catalog.export_downloaded", outcome="done")


@pytest.mark.django_db
def test_an_unfinished_export_has_no_file(
    client_for: Any, scanned: DataSource, admin: User
) -> None:
    export = _queued(scanned, admin)
    response = client_for(admin).get(
        reverse("catalog:export_download", args=[scanned.pk, export.pk])
    )
    assert response.status_code == 404


# --- API --------------------------------------------------------------------------------------


def _api_urls(source: DataSource, export: CatalogExport) -> list[tuple[str, str]]:
    return [
        ("post", f"/api/catalog/sources/{source.pk}/exports/"),
        ("get", f"/api/catalog/exports/{export.pk}/"),
        ("get", f"/api/catalog/exports/{export.pk}/download/"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("outsider", 403), ("analyst", 403)],
)
def test_api_refuses_anonymous_and_members_without_the_permission(
    request: pytest.FixtureRequest,
    api_client_for: Any,
    scanned: DataSource,
    admin: User,
    persona: str,
    expected: int,
) -> None:
    export = _succeeded(scanned, admin)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = api_client_for(user)
    for method, url in _api_urls(scanned, export):
        response = getattr(client, method)(url)
        assert response.status_code == expected, url
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert "entityType" not in response.content.decode()
    assert CatalogExport.objects.count() == 1


@pytest.mark.django_db
def test_api_queues_follows_and_downloads_an_export(
    api_client_for: Any, scanned: DataSource, admin: User
) -> None:
    client = api_client_for(admin)

    queued = client.post(f"/api/catalog/sources/{scanned.pk}/exports/")
    again = client.post(f"/api/catalog/sources/{scanned.pk}/exports/")

    assert queued.status_code == 202
    assert again.status_code == 200
    assert again.json()["id"] == queued.json()["id"]
    export_id = queued.json()["id"]
    assert queued.json()["status"] == "queued"
    assert queued.json()["download_url"] is None
    assert client.get(f"/api/catalog/exports/{export_id}/download/").status_code == 404

    catalog_export_execute(export_id=export_id)
    detail = client.get(f"/api/catalog/exports/{export_id}/").json()
    assert detail["status"] == "succeeded"
    assert detail["entity_count"] > 2
    download = client.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/x-ndjson"
    lines = _lines(b"".join(download.streaming_content).decode())
    assert len(lines) == detail["entity_count"]
    _validate(lines)


@pytest.mark.django_db
def test_api_answers_bad_requests_with_the_error_format(
    api_client_for: Any, sqlite_source: DataSource, admin: User
) -> None:
    client = api_client_for(admin)

    unscanned = client.post(f"/api/catalog/sources/{sqlite_source.pk}/exports/")
    missing_source = client.post("/api/catalog/sources/999999/exports/")
    missing_export = client.get("/api/catalog/exports/999999/")
    not_a_number = client.get("/api/catalog/exports/abc/download/")

    assert unscanned.status_code == 400
    assert "scan it first" in json.dumps(unscanned.json()["error"])
    assert missing_source.status_code == 404
    assert missing_export.status_code == 404
    assert missing_export.json()["error"]["code"] == "not_found"
    assert not_a_number.status_code == 404
    assert not CatalogExport.objects.exists()


# --- the management command -------------------------------------------------------------------


@pytest.mark.django_db
def test_command_writes_the_file_and_says_so(
    scanned: DataSource, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "catalog.jsonl"

    call_command("catalog_export_openmetadata", "Warehouse", "-o", str(output))

    entities = _lines(output.read_text(encoding="utf-8"))
    _validate(entities)
    said = capsys.readouterr().out
    assert f"Wrote {len(entities)} OpenMetadata entities of Warehouse to {output}" in said
    assert AuditEvent.objects.filter(
        action="catalog.export_built", actor_username="manage.py"
    ).exists()


@pytest.mark.django_db
def test_command_prints_to_standard_output_without_a_file(
    scanned: DataSource, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("catalog_export_openmetadata", "Warehouse")

    captured = capsys.readouterr()
    entities = _lines(captured.out)
    assert entities[0]["entityType"] == "database"
    assert f"Exported {len(entities)} OpenMetadata entities" in captured.err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "output", "message"),
    [
        ("Nowhere", None, "No data source named 'Nowhere'"),
        ("Warehouse", "missing-folder/x.jsonl", "does not exist"),
    ],
    ids=["unknown-source", "missing-folder"],
)
def test_command_refuses_bad_input_clearly(
    sqlite_source: DataSource, tmp_path: Path, name: str, output: str | None, message: str
) -> None:
    args = [name] if output is None else [name, "-o", str(tmp_path / output)]
    with pytest.raises(CommandError, match=message):
        call_command("catalog_export_openmetadata", *args)


@pytest.mark.django_db
def test_command_refuses_an_unscanned_source(sqlite_source: DataSource) -> None:
    with pytest.raises(CommandError, match="scan it first"):
        call_command("catalog_export_openmetadata", "Warehouse")


# --- the request path -------------------------------------------------------------------------


def test_the_request_path_never_imports_openmetadata_ingestion(settings: Any) -> None:
    """It takes seconds to import: pages and API load every view without it (workers use it)."""
    script = (
        "import sys, django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "import catalog.views.exports, catalog.api.exports, catalog.services.exports, "
        "catalog.tasks; "
        "print(sorted(m for m in sys.modules if m == 'metadata' or m.startswith('metadata.')))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "WORKBENCH_VAR_DIR": str(settings.VAR_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=str(settings.BASE_DIR),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
