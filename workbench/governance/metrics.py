"""Governance metrics for the overview page, the API and the KPI scorecard.

`governance_metrics` only reads: it recomputes every figure from the audit trail, the access
requests and the grants each time it is called, so two calls over the same period agree.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q

from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.governance.actions import CONTENT_ACTIONS
from workbench.governance.models import AccessRequest, Grant, RequestStatus

# Every read of data content the governed path records (one event per attempt, allowed or not).
CONTENT_AUDIT_ACTIONS: frozenset[str] = frozenset(
    {f"governance.{action}" for action in CONTENT_ACTIONS} | {"governance.detokenize"}
)
# The target: half of all access requests decided within four hours.
DECISION_TIME_TARGET_HOURS = 4.0


def governance_metrics(*, since: datetime, until: datetime) -> dict[str, Any]:
    """Governance figures for the period [since, until) (timezone-aware datetimes).

    - ``content_attempts``: content reads the governed path recorded (governance.preview, .query,
      .export, .use_in_sandbox, .train_model, .detokenize), whatever their outcome;
      ``content_denied``: those the policy refused (outcome "denied");
      ``policy_violation_rate``: denied ÷ attempts, a fraction 0..1 (None without attempts).
      A read that was allowed but failed at the source counts as an attempt, not a violation.
    - ``requests_decided``: access requests approved or denied in the period (by decided_at);
      ``decision_time_median_hours`` / ``decision_time_p90_hours``: decided_at − created_at over
      those requests, in hours (None without decisions); the p90 interpolates between ranks
      (``statistics.quantiles(method="inclusive")``); ``requests_pending``: still open at
      ``until``; ``decision_time_target_hours``: the target for the median.
    - ``grants_active``: grants live at ``until`` (started, not expired, not revoked);
      ``grants_expired``: grants whose end fell in the period without a revocation first;
      ``grants_revoked``: grants revoked in the period.
    """
    if since >= until:
        raise ValueError("`since` must be earlier than `until`.")
    return {
        "since": since,
        "until": until,
        **_content_access(since, until),
        **_request_decision_times(since, until),
        **_grant_counts(since, until),
    }


def _content_access(since: datetime, until: datetime) -> dict[str, Any]:
    counts = AuditEvent.objects.filter(
        action__in=sorted(CONTENT_AUDIT_ACTIONS), occurred_at__gte=since, occurred_at__lt=until
    ).aggregate(
        attempts=Count("pk"),
        denied=Count("pk", filter=Q(outcome=AuditOutcome.DENIED)),
    )
    attempts, denied = counts["attempts"], counts["denied"]
    return {
        "content_attempts": attempts,
        "content_denied": denied,
        "policy_violation_rate": round(denied / attempts, 4) if attempts else None,
    }


def _request_decision_times(since: datetime, until: datetime) -> dict[str, Any]:
    decided = AccessRequest.objects.filter(
        status__in=[RequestStatus.APPROVED, RequestStatus.DENIED],
        decided_at__gte=since,
        decided_at__lt=until,
    ).values_list("created_at", "decided_at")
    hours = sorted(
        _hours(decided_at - created_at) for created_at, decided_at in decided if decided_at
    )
    pending = AccessRequest.objects.filter(created_at__lt=until).filter(
        Q(status=RequestStatus.PENDING) | Q(decided_at__gte=until)
    )
    return {
        "requests_decided": len(hours),
        "requests_pending": pending.count(),
        "decision_time_median_hours": round(statistics.median(hours), 2) if hours else None,
        "decision_time_p90_hours": round(_p90(hours), 2) if hours else None,
        "decision_time_target_hours": DECISION_TIME_TARGET_HOURS,
    }


def _hours(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0.0) / 3600


def _p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _grant_counts(since: datetime, until: datetime) -> dict[str, Any]:
    live_at_until = Q(starts_at__lte=until, expires_at__gt=until) & (
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=until)
    )
    # Ended by its expiry: a grant revoked before its end was ended by the revocation instead.
    ran_out = Q(expires_at__gte=since, expires_at__lt=until) & (
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("expires_at"))
    )
    counts = Grant.objects.aggregate(
        active=Count("pk", filter=live_at_until),
        expired=Count("pk", filter=ran_out),
        revoked=Count("pk", filter=Q(revoked_at__gte=since, revoked_at__lt=until)),
    )
    return {
        "grants_active": counts["active"],
        "grants_expired": counts["expired"],
        "grants_revoked": counts["revoked"],
    }
