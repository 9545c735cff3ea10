"""Turns audit events of other features into platform events for badges, without touching them.

Catalog certification and governance approvals already record themselves in the audit trail;
listening there (keyed on the action) keeps those features unaware of literacy. The work runs
after the transaction commits, so a rolled-back action never counts, and a failure here never
breaks the action that caused it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from workbench.audit.models import AuditEvent, AuditOutcome

logger = logging.getLogger(__name__)

# audit action -> handler name; each handler turns one audit event into a platform event.
WATCHED_ACTIONS = {"catalog.asset.certify", "governance.request.approved"}


def audit_event_to_platform_event(
    sender: Any, instance: AuditEvent, created: bool, **kwargs: Any
) -> None:
    if not created or instance.action not in WATCHED_ACTIONS:
        return
    if instance.outcome not in {AuditOutcome.DONE, AuditOutcome.ALLOWED}:
        return
    event_id = instance.pk
    transaction.on_commit(lambda: _record_safely(event_id))


def _record_safely(event_id: int) -> None:
    try:
        _record(event_id)
    except Exception:  # a badge problem must never break certification or approvals
        logger.exception("literacy: could not record a platform event for audit event %s", event_id)


def _record(event_id: int) -> None:
    from literacy.services.badges import platform_event_record

    event = AuditEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None:
        return
    if event.action == "catalog.asset.certify" and event.actor is not None:
        platform_event_record(
            user=event.actor,
            kind="catalog.dataset_certified",
            ref=f"asset:{event.target_id}",
            occurred_at=event.occurred_at,
        )
    elif event.action == "governance.request.approved":
        _access_approved(event)


def _access_approved(event: AuditEvent) -> None:
    from literacy.services.badges import platform_event_record
    from workbench.governance.models import AccessRequest

    request = (
        AccessRequest.objects.select_related("requester").filter(pk=event.target_id).first()
        if str(event.target_id).isdigit()
        else None
    )
    # Counts only for requests that stated a purpose (every request should; old ones may not).
    if request is None or not (request.purpose or "").strip():
        return
    platform_event_record(
        user=request.requester,
        kind="governance.access_approved",
        ref=f"access-request:{request.pk}",
        occurred_at=event.occurred_at,
    )
