"""The hash chain: every kind of tampering is found by audit_verify, and PG refuses rewrites."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from workbench.audit.chain import chain_verify, event_hash
from workbench.audit.keys import keyring_get
from workbench.audit.models import AuditChainHead, AuditEvent, AuditOutcome
from workbench.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _write_events(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            actor_username=f"user{n}",
            action="test.event",
            outcome=AuditOutcome.DONE,
            detail={"n": n, "nested": {"b": [1, 2], "a": "x"}},
        )
        for n in range(1, count + 1)
    ]


def _tamper(sql: str, params: list[object]) -> None:
    """Run raw SQL past the append-only trigger, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_events_chain_to_each_other() -> None:
    events = _write_events(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].hash
    stored = AuditEvent.objects.get(sequence=2)
    assert stored.key_id == keyring_get().current_id
    assert event_hash(stored, keyring_get().current_key) == stored.hash
    assert AuditChainHead.objects.get().sequence == 3


def test_intact_chain_verifies() -> None:
    _write_events(5)
    report = chain_verify()
    assert report.is_intact
    assert report.rows_checked == 5


def test_audit_verify_command_reports_intact_chain() -> None:
    _write_events(4)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue().lower()
    assert "4" in out.getvalue()


def test_altered_row_is_detected() -> None:
    _write_events(5)
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["nothing to see", 3])
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("altered", 3)
    assert report.rows_checked == 2


def test_deleted_row_is_detected() -> None:
    _write_events(5)
    _tamper("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("removed", 2)


def test_deleted_last_rows_are_detected() -> None:
    _write_events(5)
    _tamper("DELETE FROM audit_auditevent WHERE sequence >= %s", [4])
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("removed", 4)


def test_reordered_rows_are_detected() -> None:
    _write_events(5)
    # Swap rows 2 and 3 through a temporary number, as a direct database edit would.
    _tamper("UPDATE audit_auditevent SET sequence = 1000 WHERE sequence = %s", [2])
    _tamper("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = %s", [3])
    _tamper("UPDATE audit_auditevent SET sequence = 3 WHERE sequence = %s", [1000])
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("out_of_order", 2)


def test_audit_verify_command_fails_on_tampering() -> None:
    _write_events(3)
    _tamper("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["forged", 1])
    out = StringIO()
    with pytest.raises(CommandError, match="Row 1 was altered"):
        call_command("audit_verify", stdout=out)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_auditevent SET reason = 'x'", id="update"),
        pytest.param("DELETE FROM audit_auditevent", id="delete"),
    ],
)
def test_postgresql_refuses_update_and_delete(statement: str) -> None:
    _write_events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 2
    assert chain_verify().is_intact
