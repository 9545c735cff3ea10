"""The data source and scan API: four personas, write-only password, 200 vs 202, error format."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from catalog.crypto import credential_decrypt
from catalog.models import DataSource, ScanRun
from catalog.services.sources import source_create
from tests.catalog.sources_fixtures import RunScan
from workbench.accounts.models import User

pytestmark = pytest.mark.django_db

SECRET = "api-secret-never-returned"
SOURCES = "/api/catalog/sources/"
SCANS = "/api/catalog/scans/"
REFUSED = ["outsider", "analyst", "steward", "auditor"]


def _body(path: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {"name": "API source", "kind": "sqlite", "path": path}
    body.update(overrides)
    return body


def _calls(source: DataSource, run: ScanRun, path: str) -> list[tuple[str, str, dict[str, object]]]:
    return [
        ("get", SOURCES, {}),
        ("post", SOURCES, _body(path)),
        ("get", f"{SOURCES}{source.pk}/", {}),
        ("patch", f"{SOURCES}{source.pk}/", {"name": "Renamed"}),
        ("put", f"{SOURCES}{source.pk}/", _body(path)),
        ("post", f"{SOURCES}{source.pk}/test/", {}),
        ("post", f"{SOURCES}{source.pk}/scans/", {}),
        ("get", SCANS, {}),
        ("get", f"{SCANS}{run.pk}/", {}),
    ]


@pytest.fixture
def finished_run(sqlite_source: DataSource, run_scan: RunScan) -> ScanRun:
    return run_scan(sqlite_source)


def test_anonymous_calls_get_401(
    api_client_for, sqlite_source: DataSource, finished_run: ScanRun, warehouse_path: Path
) -> None:
    client: APIClient = api_client_for(None)
    for method, url, body in _calls(sqlite_source, finished_run, str(warehouse_path)):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 401, url
        assert response.json()["error"]["code"] == "not_authenticated"
    assert DataSource.objects.get().name == "Warehouse"
    assert ScanRun.objects.count() == 1


@pytest.mark.parametrize("persona", REFUSED)
def test_people_who_are_not_admins_get_403_and_nothing_changes(
    request: pytest.FixtureRequest,
    api_client_for,
    sqlite_source: DataSource,
    finished_run: ScanRun,
    warehouse_path: Path,
    persona: str,
    django_capture_on_commit_callbacks,
) -> None:
    client: APIClient = api_client_for(request.getfixturevalue(persona))
    with django_capture_on_commit_callbacks() as queued:
        for method, url, body in _calls(sqlite_source, finished_run, str(warehouse_path)):
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code == 403, url
            assert response.json()["error"]["code"] == "permission_denied"
            assert str(warehouse_path) not in response.content.decode()
    assert queued == []
    assert DataSource.objects.get().name == "Warehouse"
    assert ScanRun.objects.count() == 1


def test_admin_lists_sources_without_any_password(
    api_client_for, admin: User, finished_run: ScanRun, django_assert_max_num_queries
) -> None:
    for n in range(4):
        source_create(
            actor=admin,
            name=f"PG {n}",
            kind="postgresql",
            host="db",
            database="d",
            username="u",
            password=SECRET,
            schedule="hourly",
        )
    client: APIClient = api_client_for(admin)
    with django_assert_max_num_queries(6):
        response = client.get(SOURCES)
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert len(rows) == 5
    assert SECRET not in response.content.decode()
    assert all("password" not in row and "password_encrypted" not in row for row in rows.values())
    assert rows["PG 0"]["has_password"] is True
    assert rows["PG 0"]["schedule"] == "hourly"
    assert rows["PG 0"]["next_scan_at"] is not None
    assert rows["PG 0"]["last_scan"] is None
    warehouse = rows["Warehouse"]
    assert warehouse["has_password"] is False
    assert warehouse["last_scan"] == {
        "id": finished_run.pk,
        "status": "succeeded",
        "created_at": warehouse["last_scan"]["created_at"],
    }
    assert warehouse["asset_count"] == 17


def test_admin_creates_and_updates_a_source_with_a_write_only_password(
    api_client_for, admin: User, warehouse_path: Path
) -> None:
    client: APIClient = api_client_for(admin)
    created = client.post(
        SOURCES,
        _body(str(warehouse_path), password=SECRET, schedule="15 3 * * *"),
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert "password" not in body
    assert body["has_password"] is True
    assert body["schedule"] == "15 3 * * *"
    source = DataSource.objects.get(pk=body["id"])
    assert credential_decrypt(source.password_encrypted) == SECRET

    patched = client.patch(f"{SOURCES}{source.pk}/", {"description": "Shop"}, format="json")
    assert patched.status_code == 200
    source.refresh_from_db()
    assert source.description == "Shop"
    assert credential_decrypt(source.password_encrypted) == SECRET
    assert SECRET not in patched.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "sqlite", "path": ""}, "path"),
        ({"kind": "sqlite", "path": "/x.db", "schedule": "sometimes"}, "schedule"),
        ({"kind": "postgresql", "database": "d", "username": "u"}, "host"),
        ({"kind": "nosql", "path": "/x"}, "kind"),
        ({"kind": "sqlite", "path": "/x.db", "port": 0}, "port"),
        ({"kind": "sqlite", "path": "/x.db", "options": ["not", "an", "object"]}, "options"),
    ],
)
def test_invalid_bodies_get_400_with_the_field_named(
    api_client_for, admin: User, body: dict[str, object], field: str
) -> None:
    response = api_client_for(admin).post(
        SOURCES, {"name": "Bad", "password": SECRET, **body}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert SECRET not in response.content.decode()
    assert not DataSource.objects.exists()


def test_connection_test_endpoint(api_client_for, admin: User, sqlite_source: DataSource) -> None:
    response = api_client_for(admin).post(f"{SOURCES}{sqlite_source.pk}/test/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["elapsed_ms"] >= 0


def test_scan_endpoint_returns_202_then_the_active_run_with_200(
    api_client_for, admin: User, sqlite_source: DataSource, django_capture_on_commit_callbacks
) -> None:
    client: APIClient = api_client_for(admin)
    with django_capture_on_commit_callbacks() as queued:
        first = client.post(f"{SOURCES}{sqlite_source.pk}/scans/", {"kind": "metadata"})
        second = client.post(f"{SOURCES}{sqlite_source.pk}/scans/", {})
    assert first.status_code == 202
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["status"] == "queued"
    assert first.json()["kind"] == "metadata"
    assert len(queued) == 1
    bad = client.post(f"{SOURCES}{sqlite_source.pk}/scans/", {"kind": "everything"})
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]["fields"]


def test_scan_detail_has_progress_log_and_changes(
    api_client_for, admin: User, finished_run: ScanRun, django_assert_max_num_queries
) -> None:
    client: APIClient = api_client_for(admin)
    with django_assert_max_num_queries(6):
        response = client.get(f"{SCANS}{finished_run.pk}/")
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["progress_percent"] == 100
    assert body["is_finished"] is True
    assert body["duration_seconds"] is not None
    assert any(entry["message"].startswith("Found") for entry in body["log"])
    assert {change["kind"] for change in body["changes"]} == {"table_added"}
    with django_assert_max_num_queries(6):
        listing = client.get(f"{SCANS}?source={finished_run.source_id}")
    assert [row["id"] for row in listing.json()["results"]] == [finished_run.pk]
    assert client.get(f"{SCANS}?source=abc").status_code == 400
