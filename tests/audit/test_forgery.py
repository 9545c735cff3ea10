"""Forgery by someone with write access to the database: the keyed chain and the signed
checkpoints outside the database catch what a plain SHA-256 chain could not."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from workbench.audit.chain import chain_verify, event_content, event_hash
from workbench.audit.checkpoints import checkpoint_file
from workbench.audit.keys import key_id_for, keyring_get
from workbench.audit.models import AuditChainHead, AuditEvent, AuditOutcome
from workbench.audit.services import audit_checkpoint_write, audit_record

pytestmark = pytest.mark.django_db


def _write_events(count: int) -> None:
    for n in range(1, count + 1):
        audit_record(
            actor=None,
            actor_username=f"user{n}",
            action="test.event",
            outcome=AuditOutcome.DONE,
            detail={"n": n},
        )


def _sql(sql: str, params: list[object]) -> None:
    """Raw SQL past the append-only trigger, as an attacker with database access would run it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _recompute_chain(hash_of) -> None:  # type: ignore[no-untyped-def]
    """Renumber the rows 1..n, relink them and recompute every hash and the head, as a forger."""
    previous = "0" * 64
    for number, event in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        event.sequence, event.prev_hash = number, previous
        previous = hash_of(event)
        _sql(
            "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [number, event.prev_hash, previous, event.pk],
        )
    AuditChainHead.objects.filter(pk=1).update(sequence=number, last_hash=previous)


def _rewrite_history() -> None:
    _sql("UPDATE audit_auditevent SET actor_username = %s WHERE sequence = %s", ["someone", 2])
    _sql("DELETE FROM audit_auditevent WHERE sequence = %s", [4])


def test_rewritten_history_with_plain_sha256_hashes_is_detected() -> None:
    _write_events(6)
    _rewrite_history()

    _recompute_chain(lambda event: hashlib.sha256(event_content(event)).hexdigest())

    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("altered", 1)


def test_rewritten_history_with_a_guessed_key_is_detected() -> None:
    _write_events(6)
    _rewrite_history()

    _recompute_chain(lambda event: event_hash(event, b"a guess at the key"))

    report = chain_verify()
    assert report.problem is not None
    assert report.problem.kind == "altered"


def test_row_claiming_another_key_id_is_detected() -> None:
    _write_events(3)
    forged_key = "forger's own key"
    _sql("UPDATE audit_auditevent SET key_id = %s WHERE sequence = %s", [key_id_for(forged_key), 2])
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("unknown_key", 2)


def test_truncated_tail_with_head_moved_back_is_caught_by_the_checkpoint() -> None:
    _write_events(5)
    assert audit_checkpoint_write(trigger="test") is not None  # anchors row 5
    kept = AuditEvent.objects.get(sequence=3)

    _sql("DELETE FROM audit_auditevent WHERE sequence > %s", [3])
    AuditChainHead.objects.filter(pk=1).update(sequence=3, last_hash=kept.hash)

    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("truncated", 4)
    assert "row 5" in report.problem.message
    with pytest.raises(CommandError, match="truncated or rolled back"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())


def test_truncation_without_any_checkpoint_is_what_checkpoints_are_for() -> None:
    _write_events(5)
    kept = AuditEvent.objects.get(sequence=3)
    _sql("DELETE FROM audit_auditevent WHERE sequence > %s", [3])
    AuditChainHead.objects.filter(pk=1).update(sequence=3, last_hash=kept.hash)

    assert chain_verify().is_intact  # the database alone cannot tell


def test_chain_rewritten_with_the_key_after_a_checkpoint_is_detected() -> None:
    _write_events(4)
    audit_checkpoint_write(trigger="test")  # anchors row 4
    keyring = keyring_get()
    _sql("UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["rewritten", 2])

    _recompute_chain(
        lambda event: event_hash(event, keyring.current_key)
    )  # an insider with the key

    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("rewritten", 4)


def _checkpoint_lines(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / "checkpoints.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("sequence", 999, id="sequence-raised"),
        pytest.param("hash", "f" * 64, id="hash-replaced"),
        pytest.param("signature", "0" * 64, id="signature-replaced"),
        pytest.param("key_id", "0123456789abcdef", id="unknown-key"),
    ],
)
def test_tampered_checkpoint_is_reported(
    audit_checkpoint_dir: Path, field: str, value: object
) -> None:
    _write_events(3)
    audit_checkpoint_write(trigger="test")
    lines = _checkpoint_lines(audit_checkpoint_dir)
    lines[0][field] = value
    checkpoint_file().write_text("".join(json.dumps(line) + "\n" for line in lines))

    report = chain_verify()

    assert report.problem is not None
    assert report.problem.kind == "checkpoint"
    assert "bad signature" in report.problem.message
    assert report.checkpoints_checked == 0


def test_damaged_checkpoint_line_is_reported(audit_checkpoint_dir: Path) -> None:
    _write_events(2)
    audit_checkpoint_write(trigger="test")
    with checkpoint_file().open("a") as handle:
        handle.write("{not json\n")
    report = chain_verify()
    assert report.problem is not None
    assert report.problem.kind == "checkpoint"
    assert "line 2" in report.problem.message


def test_checkpoint_is_signed_appended_and_recorded(audit_checkpoint_dir: Path) -> None:
    _write_events(3)
    first = audit_checkpoint_write(trigger="test")
    second = audit_checkpoint_write(trigger="test")
    assert first is not None
    assert second is not None
    assert (first.sequence, second.sequence) == (3, 4)  # the first checkpoint's own record is 4
    lines = _checkpoint_lines(audit_checkpoint_dir)
    assert [line["sequence"] for line in lines] == [3, 4]
    assert lines[0]["hash"] == AuditEvent.objects.get(sequence=3).hash
    assert lines[0]["key_id"] == keyring_get().current_id
    recorded = AuditEvent.objects.filter(action="audit.checkpoint").order_by("sequence")
    assert [(e.outcome, e.detail["sequence"]) for e in recorded] == [("done", 3), ("done", 4)]
    report = chain_verify()
    assert report.is_intact, report.problem
    assert report.checkpoints_checked == 2


def test_checkpoint_command_and_verify_with_an_offsite_copy(
    audit_checkpoint_dir: Path, tmp_path: Path, settings
) -> None:
    offsite = tmp_path / "offsite.jsonl"
    settings.AUDIT_CHECKPOINT_COMMAND = f"tee -a {offsite}"
    _write_events(3)
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "Checkpoint of row 3" in out.getvalue()
    assert offsite.read_text() == (audit_checkpoint_dir / "checkpoints.jsonl").read_text()

    checkpoint_file().unlink()  # the local copy is lost; the off-site copy still anchors
    kept = AuditEvent.objects.get(sequence=2)
    _sql("DELETE FROM audit_auditevent WHERE sequence > %s", [2])
    AuditChainHead.objects.filter(pk=1).update(sequence=2, last_hash=kept.hash)
    call_command("audit_verify", stdout=StringIO(), stderr=StringIO())  # local view: intact
    with pytest.raises(CommandError, match="truncated"):
        call_command("audit_verify", "--checkpoints", str(offsite), stdout=StringIO())


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param("directory", id="directory-is-a-file"),
        pytest.param("command", id="command-fails"),
    ],
)
def test_checkpoint_that_cannot_be_written_is_recorded_as_failed(
    audit_checkpoint_dir: Path, settings, broken: str
) -> None:
    if broken == "directory":
        audit_checkpoint_dir.parent.mkdir(parents=True, exist_ok=True)
        audit_checkpoint_dir.write_text("not a folder")
    else:
        settings.AUDIT_CHECKPOINT_COMMAND = "false"
    _write_events(1)
    with pytest.raises(CommandError, match="could not be written"):
        call_command("audit_checkpoint", stdout=StringIO())
    failure = AuditEvent.objects.get(action="audit.checkpoint")
    assert failure.outcome == "failed"
    assert failure.reason.startswith("Not written")
    problem = chain_verify().problem
    if broken == "directory":  # the checks cannot read the checkpoints either, and say so
        assert problem is not None
        assert "cannot be read" in problem.message
    else:
        assert problem is None


def test_rotated_key_keeps_old_rows_verifying(tmp_path: Path, settings) -> None:
    _write_events(3)
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a brand new audit key for the test"
    report = chain_verify()  # without the old key the old rows cannot be checked
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("unknown_key", 1)

    keys_file = tmp_path / "old-audit-keys"
    keys_file.write_text(f"# retired 2026-11\n{old_key}\n")
    settings.AUDIT_OLD_KEYS_FILE = str(keys_file)
    _write_events(2)
    rows = AuditEvent.objects.order_by("sequence")
    assert {e.key_id for e in rows[:3]} == {key_id_for(old_key)}
    assert {e.key_id for e in rows[3:]} == {key_id_for("a brand new audit key for the test")}
    report = chain_verify()
    assert report.is_intact, report.problem
    assert report.rows_checked == 5


@pytest.mark.parametrize(
    ("setting", "value", "error_id"),
    [
        pytest.param("AUDIT_VERIFY_RATE", "5 per minute", "audit.E001", id="rate"),
        pytest.param("AUDIT_OLD_KEYS_FILE", "/nonexistent/old-keys", "audit.E002", id="old-keys"),
        pytest.param("AUDIT_KEY", "", "audit.E002", id="empty-key"),
        pytest.param("AUDIT_CHECKPOINT_COMMAND", "no-such-program --x", "audit.E003", id="command"),
        pytest.param("AUDIT_CHECKPOINT_COMMAND", "'unclosed", "audit.E003", id="command-quotes"),
    ],
)
def test_bad_audit_settings_fail_the_system_check(
    settings, setting: str, value: str, error_id: str
) -> None:
    from workbench.audit.checks import audit_settings_check

    assert audit_settings_check() == []
    setattr(settings, setting, value)
    assert [error.id for error in audit_settings_check()] == [error_id]


def test_hourly_schedule_anchors_the_chain(audit_checkpoint_dir: Path) -> None:
    from django_celery_beat.models import PeriodicTask

    from workbench.audit.tasks import audit_checkpoint_task

    schedule = PeriodicTask.objects.select_related("crontab").get(name="Anchor the audit chain")
    assert (schedule.task, schedule.enabled, schedule.crontab.hour) == (
        "audit.checkpoint",
        True,
        "*",
    )
    _write_events(2)

    assert audit_checkpoint_task() == 2

    assert [line["sequence"] for line in _checkpoint_lines(audit_checkpoint_dir)] == [2]
    assert AuditEvent.objects.get(action="audit.checkpoint").detail["trigger"] == "schedule"
