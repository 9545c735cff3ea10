"""Data source and scan pages: four personas each, the form's bad input, htmx partials."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from catalog.crypto import credential_decrypt
from catalog.models import Asset, DataSource, ScanRun, ScanStatus
from catalog.services.sources import source_create
from tests.catalog.sources_fixtures import RunScan
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "form-secret-never-echoed"
REFUSED = ["outsider", "analyst", "steward", "auditor"]


def _form(path: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Shop DB",
        "kind": "sqlite",
        "path": path,
        "residency": "EU",
        "schedule": "daily",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def _pages(source: DataSource, run: ScanRun) -> list[tuple[str, str]]:
    return [
        ("get", reverse("catalog:source_list")),
        ("get", reverse("catalog:source_create")),
        ("get", reverse("catalog:source_detail", args=[source.pk])),
        ("get", reverse("catalog:source_edit", args=[source.pk])),
        ("get", reverse("catalog:scan_detail", args=[run.pk])),
        ("get", reverse("catalog:scan_progress", args=[run.pk])),
        ("post", reverse("catalog:source_create")),
        ("post", reverse("catalog:source_edit", args=[source.pk])),
        ("post", reverse("catalog:source_test", args=[source.pk])),
        ("post", reverse("catalog:scan_start", args=[source.pk])),
        ("post", reverse("catalog:scan_retry", args=[run.pk])),
    ]


@pytest.fixture
def finished_run(sqlite_source: DataSource, run_scan: RunScan) -> ScanRun:
    return run_scan(sqlite_source)


def test_anonymous_visitors_are_sent_to_sign_in(
    client_for, sqlite_source: DataSource, finished_run: ScanRun, warehouse_path: Path
) -> None:
    client = client_for(None)
    for method, url in _pages(sqlite_source, finished_run):
        response = getattr(client, method)(url, _form(str(warehouse_path)))
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert DataSource.objects.count() == 1
    assert ScanRun.objects.count() == 1


@pytest.mark.parametrize("persona", REFUSED)
def test_people_who_are_not_admins_get_403_and_nothing_changes(
    request: pytest.FixtureRequest,
    client_for,
    sqlite_source: DataSource,
    finished_run: ScanRun,
    warehouse_path: Path,
    persona: str,
    django_capture_on_commit_callbacks,
) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    with django_capture_on_commit_callbacks() as queued:
        for method, url in _pages(sqlite_source, finished_run):
            response = getattr(client, method)(url, _form(str(warehouse_path), name="Sneaky"))
            assert response.status_code == 403, url
            assert str(warehouse_path) not in response.content.decode(), url
    assert queued == []
    assert list(DataSource.objects.values_list("name", flat=True)) == ["Warehouse"]
    assert ScanRun.objects.count() == 1
    assert not AuditEvent.objects.filter(action="catalog.source_connection_tested").exists()
    denials = AuditEvent.objects.filter(actor=user, outcome="denied")
    assert denials.filter(action="catalog.scan_requested").exists()
    assert denials.filter(action="catalog.source_create").exists()


def test_admin_sees_the_list_with_last_scan_and_asset_counts(
    client_for, admin: User, finished_run: ScanRun, django_assert_max_num_queries
) -> None:
    for n in range(3):
        source_create(actor=admin, name=f"Extra {n}", kind="sqlite", path=f"/x{n}.db")
    client = client_for(admin)
    client.get(reverse("catalog:source_list"))  # warm the session and permission caches
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalog:source_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Warehouse" in html
    assert "Succeeded" in html
    assert f">{Asset.objects.filter(source=finished_run.source).count()}<" in html
    assert "Never scanned" in html
    assert html.count('aria-current="page"') == 1
    active = html.split('aria-current="page"')[1].split(">")[0]
    assert 'data-nav="sources"' in active


def test_admin_adds_a_source_through_the_form(
    client_for, admin: User, warehouse_path: Path
) -> None:
    response = client_for(admin).post(
        reverse("catalog:source_create"), _form(str(warehouse_path), password=SECRET)
    )
    source = DataSource.objects.get(name="Shop DB")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:source_detail", args=[source.pk])
    assert credential_decrypt(source.password_encrypted) == SECRET
    assert source.scan_schedule is not None
    detail = client_for(admin).get(response["Location"]).content.decode()
    assert SECRET not in detail
    assert str(warehouse_path) in detail


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(client_for, admin: User) -> None:
    response = client_for(admin).post(
        reverse("catalog:source_create"),
        _form("", name="Typed name", schedule="every tuesday", password=SECRET),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Typed name"' in html
    assert 'value="every tuesday"' in html
    assert "crontab" in html
    assert "nothing was saved" in html
    assert SECRET not in html
    assert not DataSource.objects.exists()


def test_the_form_reports_service_rules_per_field(client_for, admin: User) -> None:
    response = client_for(admin).post(
        reverse("catalog:source_create"),
        _form("", kind="postgresql", database="sales", options='{"sslmode": '),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Not valid JSON" in html
    response = client_for(admin).post(
        reverse("catalog:source_create"), _form("", kind="postgresql", database="sales")
    )
    assert response.status_code == 400
    assert "Required for a PostgreSQL source" in response.content.decode()
    assert not DataSource.objects.exists()


def test_editing_with_an_empty_password_keeps_the_stored_one(
    client_for, admin: User, warehouse_path: Path
) -> None:
    source = source_create(
        actor=admin,
        name="PG",
        kind="postgresql",
        host="db",
        database="d",
        username="u",
        password=SECRET,
    )
    url = reverse("catalog:source_edit", args=[source.pk])
    page = client_for(admin).get(url).content.decode()
    assert "Leave empty to keep the stored one" in page
    assert SECRET not in page
    form = _form("", kind="postgresql", name="PG", host="db2", database="d", username="u")
    response = client_for(admin).post(url, form)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.host == "db2"
    assert credential_decrypt(source.password_encrypted) == SECRET


def test_connection_test_answers_inline_for_htmx(
    client_for, admin: User, sqlite_source: DataSource
) -> None:
    response = client_for(admin).post(
        reverse("catalog:source_test", args=[sqlite_source.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-ok="true"' in html
    assert "Connected" in html
    assert "<html" not in html


def test_scan_now_queues_one_run_and_opens_its_page(
    client_for, admin: User, sqlite_source: DataSource, django_capture_on_commit_callbacks
) -> None:
    client: Client = client_for(admin)
    url = reverse("catalog:scan_start", args=[sqlite_source.pk])
    with django_capture_on_commit_callbacks() as queued:
        first = client.post(url)
        second = client.post(url)
    run = ScanRun.objects.get()
    assert first["Location"] == second["Location"] == reverse("catalog:scan_detail", args=[run.pk])
    assert len(queued) == 1
    page = client.get(first["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Waiting for a worker" in page


def test_a_finished_scan_page_stops_polling_and_shows_the_log(
    client_for, admin: User, finished_run: ScanRun
) -> None:
    html = client_for(admin).get(reverse("catalog:scan_progress", args=[finished_run.pk]))
    text = html.content.decode()
    assert "hx-trigger" not in text
    assert 'value="100"' in text
    assert "Found 17 tables and views" in text
    assert "Table added" in text
    assert "Tables and views</dt>" in text


def test_retry_of_a_failed_run_starts_a_new_one(
    client_for, admin: User, sqlite_source: DataSource, django_capture_on_commit_callbacks
) -> None:
    failed = ScanRun.objects.create(source=sqlite_source, status=ScanStatus.FAILED, error="x")
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(admin).post(reverse("catalog:scan_retry", args=[failed.pk]))
    new = ScanRun.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == reverse("catalog:scan_detail", args=[new.pk])
    assert new.status == ScanStatus.QUEUED
    assert len(queued) == 1


def test_unknown_ids_are_404(client_for, admin: User) -> None:
    client = client_for(admin)
    assert client.get(reverse("catalog:source_detail", args=[999])).status_code == 404
    assert client.get(reverse("catalog:scan_detail", args=[999])).status_code == 404
    assert client.post(reverse("catalog:scan_start", args=[999])).status_code == 404
