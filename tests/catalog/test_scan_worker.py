"""Scans on a real Celery worker (the configured broker), and the task's retry chain."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from catalog.models import Asset, DataSource, ScanKind, ScanRun, ScanStatus, TableProfile
from catalog.services.scans import scan_run_start
from catalog.services.sources import source_create
from catalog.tasks import scan_run_task
from workbench.accounts.models import User


def _wait_until_finished(run_id: int, seconds: float = 90) -> ScanRun:
    deadline = time.monotonic() + seconds
    run = ScanRun.objects.get(pk=run_id)
    while time.monotonic() < deadline:
        run = ScanRun.objects.get(pk=run_id)
        if run.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"scan {run_id} did not finish: {run.status} in phase {run.phase}")


@pytest.mark.worker
def test_a_full_scan_runs_on_the_worker(
    celery_worker, sqlite_source: DataSource, admin: User
) -> None:
    run, created = scan_run_start(source=sqlite_source, requested_by=admin, kind=ScanKind.FULL)
    assert created

    finished = _wait_until_finished(run.pk)

    assert finished.status == ScanStatus.SUCCEEDED, finished.error
    assert finished.attempt == 1
    assert finished.progress_done == finished.progress_total > 0
    assert Asset.objects.filter(source=sqlite_source).count() == 17
    assert TableProfile.objects.filter(run=finished).count() > 0


@pytest.mark.worker
def test_a_failing_source_does_not_block_the_others(
    celery_worker, sqlite_source: DataSource, admin: User, tmp_path: Path
) -> None:
    broken = source_create(
        actor=admin, name="Broken", kind="sqlite", path=str(tmp_path / "missing.sqlite3")
    )
    failing, _ = scan_run_start(source=broken, requested_by=admin, kind=ScanKind.METADATA)
    working, _ = scan_run_start(source=sqlite_source, requested_by=admin, kind=ScanKind.METADATA)

    assert _wait_until_finished(failing.pk).status == ScanStatus.FAILED
    assert _wait_until_finished(working.pk).status == ScanStatus.SUCCEEDED
    assert Asset.objects.filter(source=sqlite_source).exists()
    assert not Asset.objects.filter(source=broken).exists()


@pytest.mark.django_db
def test_an_unreachable_source_is_retried_with_back_off_then_failed(admin: User) -> None:
    source = source_create(
        actor=admin,
        name="Down",
        kind="postgresql",
        host="127.0.0.1",
        port=1,
        database="d",
        username="u",
    )
    run = ScanRun.objects.create(source=source, kind=ScanKind.METADATA)

    # Run in this process; each retry runs at once instead of after its back-off.
    scan_run_task.apply(args=[run.pk])

    run.refresh_from_db()
    assert run.status == ScanStatus.FAILED
    assert run.attempt == 1 + (scan_run_task.max_retries or 0)
    assert "Could not reach 127.0.0.1:1" in run.error
    retries = run.log_entries.filter(message__contains="Trying again shortly")
    assert retries.count() == scan_run_task.max_retries
    assert scan_run_task.retry_backoff  # back-off, not hammering a server that is down
