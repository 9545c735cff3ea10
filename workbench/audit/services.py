"""Writes to the audit trail: the one way every feature records what happened."""

from __future__ import annotations

import json
import logging
import subprocess
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from workbench.accounts.models import User
from workbench.audit.chain import (
    GENESIS_HASH,
    ChainReport,
    chain_head_snapshot,
    chain_verify,
    event_hash,
)
from workbench.audit.checkpoints import Checkpoint, checkpoint_append, checkpoint_sign
from workbench.audit.keys import keyring_get
from workbench.audit.models import (
    ACTIVE_VERIFICATION_STATUSES,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
    AuditVerification,
    VerificationStatus,
)
from workbench.core.request_context import request_context_get

logger = logging.getLogger(__name__)


def audit_record(
    *,
    actor: User | None,
    action: str,
    outcome: AuditOutcome,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    reason: str = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """Append one event to the trail and return it.

    The request id and client address come from the current request (or the task that a request
    started). Call it inside the caller's transaction: if the action rolls back, so does its event.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)
    context = request_context_get()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=action[:64],
        target_type=target_type[:64],
        target_id=str(target_id)[:64],
        target_label=str(target_label)[:255],
        outcome=AuditOutcome(outcome),
        reason=reason,
        purpose=purpose[:200],
        request_id=context.request_id if context else "",
        ip=(context.ip or "") if context else "",
        detail=_json_roundtrip(detail or {}),
    )
    _append(event)
    logger.info("audit %s %s by %s", event.action, event.outcome, event.actor_username or "-")
    return event


def _json_roundtrip(detail: dict[str, Any]) -> dict[str, Any]:
    # Hash exactly what the database will hand back (dates become strings, tuples lists).
    result: dict[str, Any] = json.loads(json.dumps(detail, cls=DjangoJSONEncoder))
    return result


def _append(event: AuditEvent) -> None:
    keyring = keyring_get()
    event.key_id = keyring.current_id
    with transaction.atomic():
        head = _locked_chain_head()
        event.sequence = head.sequence + 1
        event.prev_hash = head.last_hash
        event.hash = event_hash(event, keyring.current_key)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(sequence=event.sequence, last_hash=event.hash)


def _locked_chain_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends, so appends happen one at a time."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # first event ever (or a flushed test database)
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


# A check older than this is taken to have lost its worker (the task's own limit is one hour).
STALE_VERIFICATION_SECONDS = 2 * 3600


def audit_verification_request(*, requested_by: User | None) -> tuple[AuditVerification, bool]:
    """Queue a chain check for the worker, or join the one already queued or running.

    Returns the check and whether it is new. Only one check runs at a time, so asking again (a
    double click, a script in a loop) never queues more work; the page polls the row for progress.
    """
    audit_verification_fail_stale(older_than_seconds=STALE_VERIFICATION_SECONDS)
    verification, created = _verification_active_or_create(requested_by)
    audit_record(
        actor=requested_by,
        action="audit.verify_requested",
        outcome=AuditOutcome.DONE,
        target=verification,
        reason="" if created else "A check was already under way; the request joined it.",
    )
    if created:
        from workbench.audit.tasks import audit_verification_run_task

        transaction.on_commit(lambda: audit_verification_run_task.delay(verification.pk))
    return verification, created


def _verification_active_or_create(requested_by: User | None) -> tuple[AuditVerification, bool]:
    # The partial unique index decides races: of two concurrent creates, one fails and joins.
    for _attempt in range(3):
        active = _verification_active()
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                return AuditVerification.objects.create(requested_by=requested_by), True
        except IntegrityError:
            continue
    raise RuntimeError("Could not queue or join a chain check")


def _verification_active() -> AuditVerification | None:
    return (
        AuditVerification.objects.filter(status__in=ACTIVE_VERIFICATION_STATUSES)
        .order_by("created_at", "id")
        .first()
    )


def audit_verification_run(*, verification_id: int) -> AuditVerification | None:
    """Run a queued check once: claim it, walk the chain with progress, record the verdict."""
    claimed = AuditVerification.objects.filter(
        pk=verification_id, status=VerificationStatus.QUEUED
    ).update(status=VerificationStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return None  # gone, or another worker already took it
    try:
        report = chain_verify(on_progress=lambda n, total: _progress(verification_id, n, total))
    except Exception as exc:
        _finish(verification_id, status=VerificationStatus.ERROR, problem=f"{type(exc).__name__}")
        logger.exception("audit chain verification %s could not run", verification_id)
        raise
    return _finish_with_report(verification_id, report)


def _progress(verification_id: int, rows_checked: int, rows_total: int) -> None:
    AuditVerification.objects.filter(pk=verification_id).update(
        rows_checked=rows_checked, rows_total=rows_total
    )


@transaction.atomic  # the verdict and its event become visible together
def _finish_with_report(verification_id: int, report: ChainReport) -> AuditVerification:
    problem = report.problem
    verification = _finish(
        verification_id,
        status=VerificationStatus.PASSED if problem is None else VerificationStatus.FAILED,
        problem=problem.message if problem else "",
        problem_sequence=problem.sequence if problem else None,
        rows_checked=report.rows_checked,
        rows_total=report.head_sequence,
    )
    audit_record(
        actor=None,
        actor_username="system",
        action="audit.verified",
        outcome=AuditOutcome.DONE if problem is None else AuditOutcome.FAILED,
        target=verification,
        reason=problem.message if problem else "Chain intact",
        detail={
            "rows_checked": report.rows_checked,
            "head_sequence": report.head_sequence,
            "checkpoints_checked": report.checkpoints_checked,
            "problem_kind": problem.kind if problem else "",
        },
    )
    return verification


def _finish(
    verification_id: int, *, status: VerificationStatus, **fields: Any
) -> AuditVerification:
    AuditVerification.objects.filter(pk=verification_id).update(
        status=status, finished_at=timezone.now(), **fields
    )
    return AuditVerification.objects.get(pk=verification_id)


def audit_verification_fail_stale(*, older_than_seconds: int) -> int:
    """Mark checks whose worker died mid-run as errors, so the page never spins forever."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return AuditVerification.objects.filter(
        status__in=[VerificationStatus.QUEUED, VerificationStatus.RUNNING],
        created_at__lt=cutoff,
    ).update(
        status=VerificationStatus.ERROR,
        finished_at=timezone.now(),
        problem="The check did not finish in time; is a worker running?",
    )


def audit_export_record(*, actor: User, fmt: str, filters: dict[str, str]) -> None:
    """Record an export of the trail, then anchor the chain: what left the building is pinned."""
    audit_record(
        actor=actor,
        action="audit.export",
        outcome=AuditOutcome.DONE,
        detail={"format": fmt, "filters": filters},
    )
    audit_checkpoint_write(trigger="export", actor=actor)


def audit_checkpoint_write(*, trigger: str, actor: User | None = None) -> Checkpoint | None:
    """Sign the chain head and append it outside the database; the outcome goes to the trail.

    Call it outside any transaction, so the head it signs is committed. Returns None when a sink
    refused the checkpoint (recorded as a failed `audit.checkpoint` event and logged).
    """
    sequence, head_hash = chain_head_snapshot()
    checkpoint = checkpoint_sign(
        sequence=sequence, hash=head_hash, at=timezone.now(), keyring=keyring_get()
    )
    detail = {"sequence": sequence, "hash": head_hash, "trigger": trigger}
    try:
        checkpoint_append(checkpoint)
    except (OSError, subprocess.SubprocessError) as exc:
        logger.error("audit checkpoint of row %s could not be written: %s", sequence, exc)
        _checkpoint_record(actor, AuditOutcome.FAILED, f"Not written: {exc}", detail)
        return None
    _checkpoint_record(actor, AuditOutcome.DONE, f"Chain head at row {sequence} signed", detail)
    return checkpoint


def _checkpoint_record(
    actor: User | None, outcome: AuditOutcome, reason: str, detail: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        actor_username="" if actor else "system",
        action="audit.checkpoint",
        outcome=outcome,
        reason=reason,
        detail=detail,
    )
