"""The migration to the keyed chain re-signs old SHA-256 rows, but never launders a broken chain."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from workbench.audit.chain import chain_verify
from workbench.audit.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db
migration: ModuleType = importlib.import_module(
    "workbench.audit.migrations.0004_rechain_events_with_audit_key"
)


class _SchemaEditor:
    """What the migration function uses of a schema editor, inside the test's transaction."""

    connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _write_legacy_events(count: int) -> None:
    """Rows as the foundation wrote them: plain SHA-256 chain, no key id."""
    previous = migration.GENESIS_HASH
    for n in range(1, count + 1):
        event = AuditEvent(
            sequence=n,
            occurred_at=f"2026-01-01T00:00:{n:02d}Z",
            actor_username=f"user{n}",
            action="legacy.event",
            outcome="done",
            detail={"n": n},
            prev_hash=previous,
            key_id="",
        )
        event.occurred_at = AuditEvent._meta.get_field("occurred_at").to_python(event.occurred_at)
        event.hash = previous = migration.legacy_hash(event)
        event.save(force_insert=True)
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"sequence": count, "last_hash": previous}
    )


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_intact_legacy_chain_is_re_signed_and_verifies() -> None:
    _write_legacy_events(5)
    assert chain_verify().problem.kind == "unknown_key"  # type: ignore[union-attr]

    migration.rechain(apps, _SchemaEditor())

    report = chain_verify()
    assert report.is_intact, report.problem
    assert report.rows_checked == 6
    marker = AuditEvent.objects.get(sequence=6)
    assert (marker.action, marker.outcome, marker.detail["rows"]) == ("audit.rechained", "done", 5)
    assert AuditEvent.objects.get(sequence=3).actor_username == "user3"


def test_broken_legacy_chain_is_re_signed_only_up_to_the_break() -> None:
    _write_legacy_events(5)
    _tamper("UPDATE audit_auditevent SET actor_username = %s WHERE sequence = %s", ["eve", 3])

    migration.rechain(apps, _SchemaEditor())

    assert list(AuditEvent.objects.order_by("sequence").values_list("key_id", flat=True))[3:5] == [
        "",
        "",
    ]
    report = chain_verify()
    assert report.problem is not None
    assert (report.problem.kind, report.problem.sequence) == ("unknown_key", 3)
    assert report.rows_checked == 2
    marker = AuditEvent.objects.get(action="audit.rechained")
    assert marker.outcome == "failed"
    assert "row 3 was altered" in marker.reason
