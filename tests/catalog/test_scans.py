"""The scan pipeline on real sources: metadata, change detection, idempotence, PII suggestions,
profiles, quality results, failures and the stale-run sweep."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pymysql
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalog.models import (
    Asset,
    AssetStatus,
    ChangeKind,
    Column,
    ColumnProfile,
    DataSource,
    PiiSuggestion,
    QualityCheck,
    QualityResult,
    ScanKind,
    ScanRun,
    ScanStatus,
    SchemaChange,
    SuggestionStatus,
    TableProfile,
)
from catalog.search import SearchQuery, asset_search
from catalog.services import scans as scan_services
from catalog.services.scans import (
    ScanSourceUnavailable,
    scan_run_execute,
    scan_run_start,
    scan_runs_fail_stale,
)
from catalog.services.sources import source_create
from tests.catalog.sources_fixtures import RunScan, sqlite_execute
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.demo.warehouse import WAREHOUSE_TABLES, WAREHOUSE_VIEWS

pytestmark = pytest.mark.django_db

SCRATCH = (
    "CREATE TABLE scratch (id INTEGER PRIMARY KEY, label TEXT)",
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, score INTEGER)",
)


def _asset_names(source: DataSource, status: str = AssetStatus.ACTIVE) -> set[str]:
    return set(Asset.objects.filter(source=source, status=status).values_list("name", flat=True))


def _catalog_state(source: DataSource) -> list[tuple[object, ...]]:
    assets = Asset.objects.filter(source=source).order_by("name")
    columns = Column.objects.filter(asset__source=source).order_by("asset__name", "name")
    return [
        *assets.values_list("name", "status", "kind", "row_count", "updated_at", "primary_key"),
        *columns.values_list("asset__name", "name", "data_type", "status", "ordinal"),
    ]


def test_first_scan_catalogs_every_table_view_and_column(
    sqlite_source: DataSource, run_scan: RunScan
) -> None:
    run = run_scan(sqlite_source)

    assert run.status == ScanStatus.SUCCEEDED, run.error
    expected = {table.name for table in WAREHOUSE_TABLES} | {view.name for view in WAREHOUSE_VIEWS}
    assert _asset_names(sqlite_source) == expected
    customers = Asset.objects.get(source=sqlite_source, name="customers")
    assert customers.domain == sqlite_source.domain
    assert customers.primary_key == ["customer_id"]
    assert customers.row_count
    assert customers.row_count > 0
    assert customers.last_seen_at is not None
    assert Column.objects.filter(asset=customers, name="email", is_primary_key=False).exists()
    view = Asset.objects.get(source=sqlite_source, name=WAREHOUSE_VIEWS[0].name)
    assert view.kind == "view"
    assert "select" in view.view_sql.lower()
    assert run.counts["tables"] == len(expected)
    assert run.progress_percent == 100
    assert run.started_at
    assert run.finished_at
    assert run.duration_seconds is not None
    assert run.log_entries.filter(message__startswith="Found").exists()
    # The baseline scan records what it found but mails nobody.
    assert run.changes.filter(kind=ChangeKind.TABLE_ADDED).count() == len(expected)
    assert mail.outbox == []
    finished = AuditEvent.objects.get(action="catalog.scan_finished")
    assert finished.outcome == "done"
    assert finished.detail["counts"]["tables"] == len(expected)


def test_scanned_tables_are_found_by_search_on_names_and_column_names(
    sqlite_source: DataSource, run_scan: RunScan, admin: User
) -> None:
    run_scan(sqlite_source)

    by_name = asset_search(user=admin, query=SearchQuery(text="customers"), with_facets=False)
    by_column = asset_search(
        user=admin, query=SearchQuery(text="credit_card_number"), with_facets=False
    )

    assert "customers" in {asset.name for asset in by_name.assets}
    assert "customers" in {asset.name for asset in by_column.assets}


def test_rescanning_an_unchanged_source_changes_nothing(
    sqlite_source: DataSource, run_scan: RunScan
) -> None:
    run_scan(sqlite_source)
    before = _catalog_state(sqlite_source)
    changes_before = SchemaChange.objects.count()

    second = run_scan(sqlite_source)

    assert second.status == ScanStatus.SUCCEEDED
    assert _catalog_state(sqlite_source) == before
    assert SchemaChange.objects.count() == changes_before
    assert second.changes.count() == 0
    assert mail.outbox == []


def test_changes_are_recorded_per_run_and_mailed_to_the_stewards(
    sqlite_source: DataSource, warehouse_path: Path, run_scan: RunScan, retail_steward: User
) -> None:
    sqlite_execute(warehouse_path, *SCRATCH)
    run_scan(sqlite_source)
    sqlite_execute(
        warehouse_path,
        "DROP TABLE scratch",
        "DROP TABLE notes",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, score REAL, tag TEXT)",
    )

    run = run_scan(sqlite_source)

    found = set(run.changes.values_list("asset__name", "kind", "column_name", "before", "after"))
    assert found == {
        ("scratch", ChangeKind.TABLE_REMOVED, "", "", ""),
        ("notes", ChangeKind.COLUMN_REMOVED, "body", "text", ""),
        ("notes", ChangeKind.COLUMN_RETYPED, "score", "integer", "real"),
        ("notes", ChangeKind.COLUMN_ADDED, "tag", "", "text"),
    }
    scratch = Asset.objects.get(source=sqlite_source, name="scratch")
    assert scratch.status == AssetStatus.REMOVED
    assert scratch.removed_at is not None
    assert Column.objects.get(asset__name="notes", name="body").status == AssetStatus.REMOVED
    assert not run.changes.filter(notified_at__isnull=True).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [retail_steward.email]
    assert "main.notes.score (integer → real)" in message.body
    assert "Table removed: main.scratch" in message.body

    sqlite_execute(warehouse_path, "CREATE TABLE scratch (id INTEGER PRIMARY KEY, label TEXT)")
    third = run_scan(sqlite_source)
    assert list(third.changes.values_list("asset__name", "kind")) == [
        ("scratch", ChangeKind.TABLE_RESTORED)
    ]
    assert Asset.objects.get(pk=scratch.pk).status == AssetStatus.ACTIVE


def test_a_table_that_disappears_mid_scan_is_a_warning_not_a_crash(
    sqlite_source: DataSource,
    warehouse_path: Path,
    run_scan: RunScan,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqlite_execute(warehouse_path, *SCRATCH)
    real_metadata = scan_services.phase_metadata

    def metadata_then_drop(context: scan_services.ScanContext) -> None:
        real_metadata(context)
        sqlite_execute(warehouse_path, "DROP TABLE scratch")  # gone before it is profiled

    monkeypatch.setattr(scan_services, "phase_metadata", metadata_then_drop)
    run = run_scan(sqlite_source, kind=ScanKind.FULL)

    assert run.status == ScanStatus.PARTIAL
    assert "scratch" in run.error
    assert run.log_entries.filter(level="warning", message__contains="scratch").exists()
    profiled = set(TableProfile.objects.filter(run=run).values_list("asset__name", flat=True))
    assert "customers" in profiled
    assert "scratch" not in profiled


def test_full_scan_stores_profiles_pii_suggestions_and_quality_results(
    sqlite_source: DataSource, run_scan: RunScan, admin: User
) -> None:
    run_scan(sqlite_source)
    customers = Asset.objects.get(source=sqlite_source, name="customers")
    email = Column.objects.get(asset=customers, name="email")
    passing = QualityCheck.objects.create(
        asset=customers, column=email, name="Email present", kind="not_null"
    )
    failing = QualityCheck.objects.create(
        asset=customers, name="Millions of customers", kind="row_count", params={"min": 10**6}
    )

    run = run_scan(sqlite_source, kind=ScanKind.FULL)

    assert run.status == ScanStatus.SUCCEEDED, run.error
    suggestion = PiiSuggestion.objects.get(column=email, kind="email")
    assert suggestion.status == SuggestionStatus.PENDING
    assert suggestion.confidence > 0.5
    assert suggestion.fingerprint
    assert suggestion.run == run
    profile = TableProfile.objects.get(run=run, asset=customers)
    assert profile.row_count == customers.row_count
    email_profile = ColumnProfile.objects.get(table_profile=profile, column=email)
    assert email_profile.metrics["null_count"] == 0
    # Personal data stays in the source: no top values or extremes of the email column.
    assert not email_profile.metrics.get("top_values")
    assert email_profile.metrics.get("max") is None
    assert QualityResult.objects.get(quality_check=passing, run=run).status == "passed"
    assert QualityResult.objects.get(quality_check=failing, run=run).status == "failed"
    passing.refresh_from_db()
    assert passing.last_status == "passed"
    assert passing.last_run_at is not None
    assert run.counts["quality_passed"] == 1
    assert run.counts["quality_failed"] == 1


@pytest.fixture
def people_db(tmp_path: Path) -> Path:
    path = tmp_path / "people.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, contact TEXT)")
        connection.executemany(
            "INSERT INTO people (contact) VALUES (?)",
            [(f"person{n}@example.org",) for n in range(60)],
        )
    return path


def test_a_rejected_suggestion_stays_rejected_until_the_data_changes(
    admin: User, people_db: Path, run_scan: RunScan
) -> None:
    source = source_create(actor=admin, name="People", kind="sqlite", path=str(people_db))
    run_scan(source, kind=ScanKind.FULL)
    suggestion = PiiSuggestion.objects.get(column__name="contact", kind="email")
    PiiSuggestion.objects.filter(pk=suggestion.pk).update(
        status=SuggestionStatus.REJECTED, decided_by=admin, decided_at=timezone.now()
    )
    rejected = PiiSuggestion.objects.get(pk=suggestion.pk)

    again = run_scan(source, kind=ScanKind.FULL)

    unchanged = PiiSuggestion.objects.get(pk=suggestion.pk)
    assert unchanged.status == SuggestionStatus.REJECTED
    assert (unchanged.updated_at, unchanged.fingerprint) == (
        rejected.updated_at,
        rejected.fingerprint,
    )
    assert again.counts.get("pii_suggestions", 0) == 0

    with sqlite3.connect(people_db) as connection:
        connection.execute("UPDATE people SET contact = 'unknown' WHERE id % 3 = 0")
    changed = run_scan(source, kind=ScanKind.FULL)

    back = PiiSuggestion.objects.get(pk=suggestion.pk)
    assert back.fingerprint != rejected.fingerprint
    assert back.status == SuggestionStatus.PENDING
    assert back.decided_by is None
    assert changed.counts["pii_suggestions"] == 1


def test_scan_start_returns_the_active_run_instead_of_a_second(
    sqlite_source: DataSource, admin: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        first, created = scan_run_start(source=sqlite_source, requested_by=admin)
        second, created_again = scan_run_start(source=sqlite_source, requested_by=admin)
    assert created
    assert not created_again
    assert second.pk == first.pk
    assert ScanRun.objects.filter(source=sqlite_source).count() == 1
    assert len(queued) == 1
    assert AuditEvent.objects.filter(action="catalog.scan_requested").count() == 1


@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward"])
def test_people_without_the_permission_cannot_start_a_scan(
    request: pytest.FixtureRequest,
    sqlite_source: DataSource,
    persona: str,
    django_capture_on_commit_callbacks,
) -> None:
    user: User = request.getfixturevalue(persona)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(PermissionDenied):
        scan_run_start(source=sqlite_source, requested_by=user)
    assert not ScanRun.objects.exists()
    assert queued == []


def test_a_switched_off_source_is_not_scanned(
    sqlite_source: DataSource, admin: User, django_capture_on_commit_callbacks
) -> None:
    DataSource.objects.filter(pk=sqlite_source.pk).update(is_active=False)
    sqlite_source.refresh_from_db()
    with django_capture_on_commit_callbacks() as queued, pytest.raises(ValidationError):
        scan_run_start(source=sqlite_source, requested_by=admin)
    assert not ScanRun.objects.exists()
    assert queued == []


def test_a_claimed_run_is_not_run_twice(sqlite_source: DataSource, run_scan: RunScan) -> None:
    run = run_scan(sqlite_source)
    assert scan_run_execute(run_id=run.pk) is None
    assert scan_run_execute(run_id=999_999) is None


def test_missing_sqlite_file_fails_with_a_clear_message(admin: User, run_scan: RunScan) -> None:
    source = source_create(
        actor=admin, name="Gone", kind="sqlite", path="/nonexistent/warehouse.sqlite3"
    )
    run = run_scan(source)
    assert run.status == ScanStatus.FAILED
    assert "/nonexistent/warehouse.sqlite3" in run.error
    assert not Asset.objects.filter(source=source).exists()
    assert run.log_entries.filter(level="error").exists()


def test_malformed_csv_names_the_file_and_line(
    admin: User, tmp_path: Path, run_scan: RunScan
) -> None:
    (tmp_path / "good.csv").write_text("id,name\n1,a\n2,b\n")
    (tmp_path / "bad.csv").write_text("id,name\n1,a\n2,b\n3,c,extra,fields\n4,d\n")
    source = source_create(actor=admin, name="Files", kind="files", path=str(tmp_path))
    run = run_scan(source)
    assert run.status in (ScanStatus.FAILED, ScanStatus.PARTIAL)
    assert "bad.csv" in run.error
    assert "line 4" in run.error


def test_files_source_catalogs_csv_and_parquet(
    admin: User, tmp_path: Path, run_scan: RunScan
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "orders.csv").write_text(
        "id,amount,placed_on\n1,9.5,2026-01-02\n2,3.0,2026-01-03\n"
    )
    pq.write_table(pa.table({"id": [1, 2], "city": ["Lyon", "Graz"]}), tmp_path / "cities.parquet")
    source = source_create(actor=admin, name="Drop folder", kind="files", path=str(tmp_path))
    run = run_scan(source)
    assert run.status == ScanStatus.SUCCEEDED, run.error
    assert _asset_names(source) == {"orders", "cities"}
    assert set(Column.objects.filter(asset__name="orders").values_list("name", flat=True)) == {
        "id",
        "amount",
        "placed_on",
    }


def test_unreachable_host_is_retried_then_failed(
    admin: User, django_capture_on_commit_callbacks
) -> None:
    source = source_create(
        actor=admin,
        name="Down",
        kind="postgresql",
        host="127.0.0.1",
        port=1,
        database="nothing",
        username="nobody",
        password="s3cret-never-shown",
    )
    run, _ = scan_run_start(source=source, requested_by=admin)

    with pytest.raises(ScanSourceUnavailable):
        scan_run_execute(run_id=run.pk, is_last_attempt=False)
    run.refresh_from_db()
    assert run.status == ScanStatus.QUEUED
    assert run.attempt == 1
    assert "127.0.0.1:1" in run.error

    final = scan_run_execute(run_id=run.pk, is_last_attempt=True)
    assert final is not None
    assert final.status == ScanStatus.FAILED
    assert final.attempt == 2
    assert "Could not reach 127.0.0.1:1" in final.error
    everything = " ".join(final.log_entries.values_list("message", flat=True)) + final.error
    assert "s3cret-never-shown" not in everything


def test_stale_runs_are_failed_and_an_abandoned_worker_stops(
    sqlite_source: DataSource, admin: User
) -> None:
    run, _ = scan_run_start(source=sqlite_source, requested_by=admin)
    long_ago = timezone.now() - timedelta(hours=2)
    ScanRun.objects.filter(pk=run.pk).update(
        status=ScanStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    fresh_source = source_create(actor=admin, name="Fresh", kind="sqlite", path="/tmp/x.db")
    fresh, _ = scan_run_start(source=fresh_source, requested_by=admin)

    assert scan_runs_fail_stale(heartbeat_seconds=600, queued_seconds=3600) == 1

    run.refresh_from_db()
    assert run.status == ScanStatus.FAILED
    assert "stopped responding" in run.error
    assert ScanRun.objects.get(pk=fresh.pk).status == ScanStatus.QUEUED
    # A new run can start now that the stuck one is out of the way.
    retry, created = scan_services.scan_run_retry(run=run, requested_by=admin)
    assert created
    assert retry.pk != run.pk


def test_scheduled_scan_queues_one_run_per_source(
    sqlite_source: DataSource, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        first = scan_services.scan_scheduled(source_id=sqlite_source.pk)
        second = scan_services.scan_scheduled(source_id=sqlite_source.pk)
    assert first is not None
    assert second is not None
    assert first.pk == second.pk
    assert first.requested_by is None
    assert len(queued) == 1


def test_postgresql_warehouse_scan(
    admin: User, pg_warehouse_url: tuple[str, str], run_scan: RunScan
) -> None:
    from catalog.scans.connectors import ConnectionSpec

    url, schema = pg_warehouse_url
    spec = ConnectionSpec.from_url(url)
    source = source_create(
        actor=admin,
        name="PG warehouse",
        kind="postgresql",
        host=spec.host,
        port=spec.port,
        database=spec.database,
        username=spec.username,
        password=spec.password,
        include_schemas=[schema],
    )
    run = run_scan(source, kind=ScanKind.FULL)
    assert run.status == ScanStatus.SUCCEEDED, run.error
    expected = {table.name for table in WAREHOUSE_TABLES} | {view.name for view in WAREHOUSE_VIEWS}
    assert _asset_names(source) == expected
    assert set(Asset.objects.filter(source=source).values_list("schema_name", flat=True)) == {
        schema
    }
    assert PiiSuggestion.objects.filter(column__asset__source=source, kind="email").exists()
    second = run_scan(source)
    assert second.changes.count() == 0


@pytest.fixture
def mariadb_database() -> Iterator[str]:
    """A throw-away MariaDB database with two tables (CI runs MariaDB; locally when it answers)."""
    try:
        server = pymysql.connect(host="127.0.0.1", user="root", password="", connect_timeout=2)
    except pymysql.err.MySQLError:
        if os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1":
            pytest.fail("MariaDB must answer on CI")
        pytest.skip("no MariaDB server on 127.0.0.1:3306")
    name = f"wbscan_{uuid.uuid4().hex[:10]}"
    with server.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}`")
        cursor.execute(
            f"CREATE TABLE `{name}`.customers (id INT PRIMARY KEY, email VARCHAR(120) NOT NULL)"
        )
        cursor.executemany(
            f"INSERT INTO `{name}`.customers VALUES (%s, %s)",
            [(n, f"client{n}@example.com") for n in range(50)],
        )
        cursor.execute(
            f"CREATE TABLE `{name}`.orders (id INT PRIMARY KEY, customer_id INT, "
            f"FOREIGN KEY (customer_id) REFERENCES `{name}`.customers (id))"
        )
    server.commit()
    yield name
    with server.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    server.close()


def test_mariadb_source_scan(admin: User, mariadb_database: str, run_scan: RunScan) -> None:
    source = source_create(
        actor=admin,
        name="Maria",
        kind="mysql",
        host="127.0.0.1",
        port=3306,
        database=mariadb_database,
        username="root",
        include_schemas=[mariadb_database],
    )
    run = run_scan(source, kind=ScanKind.FULL)
    assert run.status == ScanStatus.SUCCEEDED, run.error
    assert _asset_names(source) == {"customers", "orders"}
    orders = Asset.objects.get(source=source, name="orders")
    assert orders.foreign_keys[0]["referred_table"] == "customers"
    assert PiiSuggestion.objects.filter(column__name="email", kind="email").exists()
    assert run_scan(source).changes.count() == 0
