"""Concurrent writers never fork the chain: appends are serialised on the chain head."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from workbench.audit.chain import chain_verify
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.audit.services import audit_record

WRITERS = 4
EVENTS_PER_WRITER = 25


def _write(writer: int) -> None:
    try:
        for n in range(EVENTS_PER_WRITER):
            audit_record(
                actor=None,
                actor_username=f"writer{writer}",
                action="test.concurrent",
                outcome=AuditOutcome.DONE,
                detail={"n": n},
            )
    finally:
        close_old_connections()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a server database (CI runs on PG)"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_one_intact_chain() -> None:
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(_write, range(WRITERS)))
    total = WRITERS * EVENTS_PER_WRITER
    assert AuditEvent.objects.count() == total
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    report = chain_verify()
    assert report.is_intact, report.problem
    assert report.rows_checked == total
