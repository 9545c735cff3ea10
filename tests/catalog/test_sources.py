"""Data sources: the services (encrypted password, schedule, validation, connection test)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pymysql
import pytest
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from catalog.crypto import credential_decrypt
from catalog.models import DataSource
from catalog.services.sources import (
    schedule_normalise,
    source_connection_test,
    source_create,
    source_update,
)
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "pa55-w0rd-that-must-not-leak"


def _audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("reason", "detail", "target_label")))


@pytest.fixture
def pg_source(admin: User) -> DataSource:
    return source_create(
        actor=admin,
        name="Sales DB",
        kind="postgresql",
        host="db.internal",
        port=5432,
        database="sales",
        username="reader",
        password=SECRET,
        schedule="hourly",
    )


def test_create_encrypts_the_password_and_schedules_the_scan(
    pg_source: DataSource, admin: User
) -> None:
    stored = DataSource.objects.get(pk=pg_source.pk)
    assert stored.password_encrypted
    assert SECRET not in stored.password_encrypted
    assert credential_decrypt(stored.password_encrypted) == SECRET
    assert stored.has_password
    assert stored.created_by == admin
    task = PeriodicTask.objects.get(pk=stored.scan_schedule_id)
    assert task.task == "catalog.scan_scheduled"
    assert json.loads(task.args) == [stored.pk]
    assert (task.crontab.minute, task.crontab.hour) == ("0", "*")
    assert task.enabled
    event = AuditEvent.objects.get(action="catalog.source_created")
    assert event.detail["password_set"] is True
    assert event.detail["host"] == "db.internal"
    assert SECRET not in _audit_text()


def test_update_keeps_the_stored_password_unless_a_new_one_is_given(
    pg_source: DataSource, admin: User
) -> None:
    source_update(source=pg_source, actor=admin, password="", host="db2.internal")
    kept = DataSource.objects.get(pk=pg_source.pk)
    assert credential_decrypt(kept.password_encrypted) == SECRET
    assert kept.host == "db2.internal"

    source_update(source=kept, actor=admin, password="new-secret-1")
    changed = DataSource.objects.get(pk=pg_source.pk)
    assert credential_decrypt(changed.password_encrypted) == "new-secret-1"
    events = AuditEvent.objects.filter(action="catalog.source_updated").order_by("sequence")
    first, second = list(events)
    assert first.detail["changed"] == {"host": {"before": "db.internal", "after": "db2.internal"}}
    assert first.detail["password_changed"] is False
    assert second.detail == {"changed": {}, "password_changed": True}
    assert "new-secret-1" not in _audit_text()
    assert SECRET not in _audit_text()


def test_schedule_edits_reach_the_beat_table(pg_source: DataSource, admin: User) -> None:
    source_update(source=pg_source, actor=admin, schedule="30 4 * * 1-5")
    task = PeriodicTask.objects.get(pk=DataSource.objects.get(pk=pg_source.pk).scan_schedule_id)
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_week) == ("30", "4", "1-5")

    source_update(source=pg_source, actor=admin, is_active=False)
    assert not PeriodicTask.objects.get(pk=task.pk).enabled

    source_update(source=pg_source, actor=admin, schedule="off")
    assert DataSource.objects.get(pk=pg_source.pk).scan_schedule is None
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()
    event = AuditEvent.objects.filter(action="catalog.source_updated").latest("sequence")
    assert event.detail["changed"]["schedule"] == {"before": "30 4 * * 1-5", "after": "off"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "off"),
        ("Off", "off"),
        ("daily", "0 2 * * *"),
        ("hourly", "0 * * * *"),
        ("  15  3 * * 0 ", "15 3 * * 0"),
        ("*/10 * * * *", "*/10 * * * *"),
    ],
)
def test_schedule_presets_and_crontab_expressions(text: str, expected: str) -> None:
    assert schedule_normalise(text) == expected


@pytest.mark.parametrize(
    "text", ["every day", "* * *", "61 * * * *", "0 25 * * *", "0 0 * * 9", "a b c d e"]
)
def test_bad_schedules_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValidationError, match="crontab"):
        schedule_normalise(text)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"kind": "postgresql", "database": "x", "username": "u"}, "host"),
        ({"kind": "mysql", "host": "h", "username": "u"}, "database"),
        ({"kind": "sqlite"}, "path"),
        ({"kind": "files", "path": "  "}, "path"),
        (
            {"kind": "postgresql", "host": "h", "database": "d", "username": "u", "port": 70000},
            "port",
        ),
        ({"kind": "sqlite", "path": "/x.db", "schedule": "whenever"}, "schedule"),
        ({"kind": "oracle", "path": "/x"}, "kind"),
    ],
)
def test_invalid_sources_are_refused_and_nothing_is_saved(
    admin: User, fields: dict[str, object], error_field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        source_create(actor=admin, name="Bad", password=SECRET, **fields)  # type: ignore[arg-type]
    assert error_field in caught.value.message_dict
    assert not DataSource.objects.exists()
    assert not PeriodicTask.objects.filter(task="catalog.scan_scheduled").exists()
    assert not AuditEvent.objects.filter(action__startswith="catalog.").exists()


def test_duplicate_names_are_refused(pg_source: DataSource, admin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        source_create(actor=admin, name="Sales DB", kind="sqlite", path="/x.db")
    assert "name" in caught.value.message_dict
    assert DataSource.objects.count() == 1


def test_connection_test_on_a_real_sqlite_warehouse(sqlite_source: DataSource, admin: User) -> None:
    check = source_connection_test(source=sqlite_source, actor=admin)
    assert check.ok, check.message
    assert check.server_version
    event = AuditEvent.objects.get(action="catalog.source_connection_tested")
    assert event.outcome == "done"


def test_connection_test_names_a_missing_file(admin: User, tmp_path: Path) -> None:
    source = source_create(
        actor=admin, name="Gone", kind="sqlite", path=str(tmp_path / "nothing.sqlite3")
    )
    check = source_connection_test(source=source, actor=admin)
    assert not check.ok
    assert "nothing.sqlite3" in check.message
    assert AuditEvent.objects.get(action="catalog.source_connection_tested").outcome == "failed"


def test_connection_test_says_an_unreachable_host_cannot_be_reached(admin: User) -> None:
    source = source_create(
        actor=admin,
        name="Down",
        kind="postgresql",
        host="127.0.0.1",
        port=1,
        database="d",
        username="u",
        password=SECRET,
    )
    check = source_connection_test(source=source, actor=admin)
    assert not check.ok
    assert "Could not reach 127.0.0.1:1" in check.message
    assert SECRET not in check.message
    assert SECRET not in _audit_text()


def _mariadb_reachable() -> bool:
    try:
        pymysql.connect(host="127.0.0.1", user="root", password="", connect_timeout=2).close()
    except pymysql.err.MySQLError:
        return False
    return True


def test_connection_test_reports_a_wrong_password_without_echoing_it(admin: User) -> None:
    if not _mariadb_reachable():
        if os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1":
            pytest.fail("MariaDB must answer on CI")
        pytest.skip("no MariaDB server on 127.0.0.1:3306")
    source = source_create(
        actor=admin,
        name="Maria",
        kind="mysql",
        host="127.0.0.1",
        port=3306,
        database="mysql",
        username="root",
        password=SECRET,
    )
    check = source_connection_test(source=source, actor=admin)
    assert not check.ok
    assert "refused user 'root'" in check.message
    assert SECRET not in check.message
    assert SECRET not in _audit_text()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "sqlite", "path": "relative/warehouse.db"}, "absolute path"),
        ({"kind": "files", "path": "/etc"}, "must be inside"),
        ({"kind": "sqlite", "path": "/srv/data/../../etc/shop.db"}, "must be inside"),
        (
            {
                "kind": "postgresql",
                "host": "h",
                "database": "d",
                "username": "u",
                "options": {"sslmode": "require", "application_name": "x"},
            },
            "Unknown option application_name",
        ),
    ],
)
def test_paths_outside_the_allowed_roots_and_unknown_options_are_refused(
    admin: User, settings, fields: dict[str, object], message: str
) -> None:
    settings.CATALOG_SOURCE_ROOTS = ["/srv/data"]
    with pytest.raises(ValidationError, match=message):
        source_create(actor=admin, name="Outside", **fields)  # type: ignore[arg-type]
    assert not DataSource.objects.exists()


def test_paths_inside_the_allowed_roots_are_accepted(admin: User, settings) -> None:
    settings.CATALOG_SOURCE_ROOTS = ["/srv/data"]
    source = source_create(actor=admin, name="Inside", kind="files", path="/srv/data/exports")
    assert source.path == "/srv/data/exports"


def test_next_scheduled_run_is_on_the_whole_minute(pg_source: DataSource, admin: User) -> None:
    from datetime import UTC, datetime

    from catalog.selectors.sources import schedule_next_run

    source_update(source=pg_source, actor=admin, schedule="daily")
    task = DataSource.objects.get(pk=pg_source.pk).scan_schedule
    now = datetime(2026, 3, 4, 10, 0, 0, 500_000, tzinfo=UTC)
    assert schedule_next_run(task, now=now) == datetime(2026, 3, 5, 2, 0, tzinfo=UTC)
    source_update(source=pg_source, actor=admin, is_active=False)
    assert schedule_next_run(DataSource.objects.get(pk=pg_source.pk).scan_schedule) is None
