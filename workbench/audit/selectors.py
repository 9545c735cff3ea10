"""Reads of the audit trail for the audit page, its exports and the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Q, QuerySet

from workbench.audit.models import AuditEvent, AuditVerification

AUDIT_TRAIL_PERMISSION = "audit.view_audit_trail"
ACTION_CODES_CACHE_KEY = "audit:action-codes"
ACTION_CODES_CACHE_SECONDS = 60


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
    "target_type": "target_type",
    "target_id": "target_id",
    "outcome": "outcome",
    "request_id": "request_id",
    "since": "occurred_at__gte",
    "until": "occurred_at__lt",
}


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    values = {name: value for name, value in asdict(filters).items() if value}
    action = values.pop("action", "")
    events = AuditEvent.objects.filter(**{_FILTER_LOOKUPS[name]: v for name, v in values.items()})
    if action:
        events = events.filter(_action_matches(action))
    return events.order_by("-sequence")


def _action_matches(text: str) -> Q:
    """Action codes that start with the text, or with a part after a dot ("login": auth.login)."""
    return Q(action__startswith=text) | Q(action__contains=f".{text}")


def audit_action_codes() -> list[str]:
    """Every action code in the trail, for the filter's suggestions (cached for a minute)."""
    codes = cache.get_or_set(
        ACTION_CODES_CACHE_KEY,
        lambda: list(
            AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        ),
        ACTION_CODES_CACHE_SECONDS,
    )
    return list(codes or [])


def audit_verification_latest() -> AuditVerification | None:
    return AuditVerification.objects.select_related("requested_by").first()


def audit_verification_get(*, verification_id: int) -> AuditVerification | None:
    return (
        AuditVerification.objects.select_related("requested_by").filter(pk=verification_id).first()
    )
