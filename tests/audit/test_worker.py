"""The chain check runs on a real Celery worker and ends in a recorded state."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from workbench.audit.models import AuditEvent, AuditOutcome, AuditVerification
from workbench.audit.services import audit_record, audit_verification_request

pytestmark = pytest.mark.worker


def _wait_until_finished(verification_id: int, seconds: float = 20) -> AuditVerification:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        verification = AuditVerification.objects.get(pk=verification_id)
        if verification.is_finished:
            return verification
        time.sleep(0.2)
    raise AssertionError(f"verification {verification_id} did not finish: {verification.status}")


def test_chain_check_passes_on_the_worker(celery_worker) -> None:
    for n in range(25):
        audit_record(actor=None, actor_username=f"u{n}", action="t", outcome=AuditOutcome.DONE)
    verification, created = audit_verification_request(requested_by=None)
    assert created
    finished = _wait_until_finished(verification.pk)
    assert finished.status == "passed"
    assert finished.rows_checked == finished.rows_total >= 26
    verdict = AuditEvent.objects.get(action="audit.verified")
    assert verdict.outcome == "done"
    requested = AuditEvent.objects.get(action="audit.verify_requested")
    assert verdict.request_id == requested.request_id or verdict.request_id


def test_chain_check_records_a_broken_chain(celery_worker) -> None:
    for n in range(5):
        audit_record(actor=None, actor_username=f"u{n}", action="t", outcome=AuditOutcome.DONE)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE audit_auditevent SET reason = 'forged' WHERE sequence = 3")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    verification, created = audit_verification_request(requested_by=None)
    assert created
    finished = _wait_until_finished(verification.pk)
    assert finished.status == "failed"
    assert finished.problem_sequence == 3
    assert "altered" in finished.problem
    assert AuditEvent.objects.get(action="audit.verified").outcome == "failed"
