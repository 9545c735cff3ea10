"""Reads of the audit trail for the audit page, its exports and the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import QuerySet

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


# How each filter narrows the trail (the form has already validated every value).
_FILTER_LOOKUPS = {
    "actor": "actor_username__icontains",
    "action": "action__startswith",
    "target_type": "target_type",
    "target_id": "target_id",
    "outcome": "outcome",
    "request_id": "request_id",
    "since": "occurred_at__gte",
    "until": "occurred_at__lt",
}


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    lookups = {_FILTER_LOOKUPS[name]: value for name, value in asdict(filters).items() if value}
    return AuditEvent.objects.filter(**lookups).order_by("-sequence")


def audit_verification_latest() -> AuditVerification | None:
    return AuditVerification.objects.select_related("requested_by").first()


def audit_verification_get(*, verification_id: int) -> AuditVerification | None:
    return (
        AuditVerification.objects.select_related("requested_by").filter(pk=verification_id).first()
    )
