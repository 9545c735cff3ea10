"""Reads of the audit trail for the audit page, its exports and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditVerification

AUDIT_TRAIL_PERMISSION = "audit.view_audit_trail"


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    outcome: str = ""
    request_id: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def as_query(self) -> dict[str, str]:
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in self.__dict__.items()
            if value
        }


def can_view_audit_trail(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(AUDIT_TRAIL_PERMISSION))


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-sequence")
    if filters.actor:
        events = events.filter(actor_username__icontains=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.request_id:
        events = events.filter(request_id=filters.request_id)
    if filters.since:
        events = events.filter(occurred_at__gte=filters.since)
    if filters.until:
        events = events.filter(occurred_at__lt=filters.until)
    return events


def audit_action_names() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_verification_latest() -> AuditVerification | None:
    return AuditVerification.objects.select_related("requested_by").first()


def audit_verification_get(*, verification_id: int) -> AuditVerification | None:
    return (
        AuditVerification.objects.select_related("requested_by").filter(pk=verification_id).first()
    )
