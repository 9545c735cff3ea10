"""Background work for the audit trail (thin: each task calls one service)."""

from __future__ import annotations

from celery import shared_task

from workbench.audit import services


@shared_task(name="audit.verification_run", acks_late=True, time_limit=3600, soft_time_limit=3550)
def audit_verification_run_task(verification_id: int) -> str | None:
    verification = services.audit_verification_run(verification_id=verification_id)
    return verification.status if verification else None


@shared_task(name="audit.verify_nightly", time_limit=3600, soft_time_limit=3550)
def audit_verify_nightly_task() -> None:
    """The nightly schedule: give up on stuck checks, then queue a fresh one (or join one)."""
    services.audit_verification_request(requested_by=None)


@shared_task(name="audit.checkpoint", time_limit=120, soft_time_limit=110)
def audit_checkpoint_task() -> int | None:
    """The hourly schedule: sign the chain head and append it outside the database."""
    checkpoint = services.audit_checkpoint_write(trigger="schedule")
    return checkpoint.sequence if checkpoint else None
