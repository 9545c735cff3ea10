"""A chain check verifies one consistent snapshot: events written meanwhile never look like a break.

Before, the check read the chain head after walking the rows, so events appended during a check
looked like "rows removed from the end" (61 of 229 live checks failed while the chain was intact).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection

from workbench.audit.chain import chain_verify
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 2
APPENDS_PER_WRITER = 40


def _append(n: int, who: str = "writer") -> None:
    audit_record(
        actor=None,
        actor_username=who,
        action="test.append",
        outcome=AuditOutcome.DONE,
        detail={"n": n},
    )


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.mark.django_db
def test_events_appended_during_a_check_are_left_to_the_next_one() -> None:
    for n in range(10):
        _append(n)
    appended: list[int] = []

    def append_while_walking(checked: int, total: int) -> None:
        if checked:  # after each row another writer appends
            _append(1000 + checked)
            appended.append(checked)

    report = chain_verify(on_progress=append_while_walking, progress_every=1)

    assert report.is_intact, report.problem
    assert (report.head_sequence, report.rows_checked, len(appended)) == (10, 10, 10)
    later = chain_verify()
    assert later.is_intact, later.problem
    assert later.rows_checked == 20


@pytest.mark.django_db
def test_a_real_break_is_still_found_while_events_are_appended() -> None:
    for n in range(10):
        _append(n)
    _tamper("UPDATE audit_auditevent SET actor_username = %s WHERE sequence = %s", ["eve", 4])

    report = chain_verify(on_progress=lambda checked, total: _append(checked), progress_every=1)

    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("altered", 4)


def _run_writers_beside_checks() -> tuple[list[BaseException], list[object]]:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(APPENDS_PER_WRITER):
                _append(n, name)
        except BaseException as exc:  # handed to the test's assertion
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    problems: list[object] = []
    checks = 0
    while any(thread.is_alive() for thread in threads) or checks < 3:
        report = chain_verify()
        checks += 1
        if report.problem:
            problems.append(report.problem)
    for thread in threads:
        thread.join()
    return errors, problems


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database locks whole tables; the file-based test below "
    "covers SQLite",
)
@pytest.mark.django_db(transaction=True)
def test_checks_beside_concurrent_writers_never_report_a_break_postgresql() -> None:
    for n in range(20):
        _append(n)
    errors, problems = _run_writers_beside_checks()
    assert errors == []
    assert problems == []
    final = chain_verify()
    assert final.is_intact
    assert final.rows_checked == 20 + WRITERS * APPENDS_PER_WRITER


# The same race on a real SQLite file in WAL mode (how web, worker and beat share the embedded
# database), in a separate process so that it has its own file-based database.
_SQLITE_SCENARIO = """
import json, django
django.setup()
from django.db import connection
from django.contrib.auth import get_user_model
from workbench.audit.models import AuditChainHead, AuditEvent
with connection.schema_editor() as editor:  # just the chain's tables: no full migrate needed
    editor.create_model(get_user_model())
    editor.create_model(AuditChainHead)
    editor.create_model(AuditEvent)
from tests.audit import test_snapshot as scenario
for n in range(20):
    scenario._append(n)
errors, problems = scenario._run_writers_beside_checks()
from workbench.audit.chain import chain_verify
final = chain_verify()
print(json.dumps({"errors": [repr(e) for e in errors], "problems": [repr(p) for p in problems],
                  "final_rows": final.rows_checked, "final_intact": final.is_intact}))
"""


def test_checks_beside_concurrent_writers_never_report_a_break_sqlite_file(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "WORKBENCH_VAR_DIR": str(tmp_path),
        "WORKBENCH_AUDIT_KEY": settings.AUDIT_KEY,
        "WORKBENCH_LOG_LEVEL": "error",
        "DJANGO_SETTINGS_MODULE": "workbench.settings",
        "WORKBENCH_HTTPS": "0",
        "CELERY_BROKER_URL": "memory://",
    }
    result = subprocess.run(
        [sys.executable, "-c", _SQLITE_SCENARIO],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "errors": [],
        "problems": [],
        "final_rows": 20 + WRITERS * APPENDS_PER_WRITER,
        "final_intact": True,
    }
