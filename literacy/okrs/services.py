"""Writes for OKRs: objectives, key results, check-ins and the automatic metric refresh.

Every write re-checks the actor's right inside the service (see `selectors` for the rules) and is
recorded in the audit trail; refusals are recorded too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from literacy.models import (
    CheckIn,
    CheckInSource,
    KeyResult,
    KeyResultCategory,
    MetricStatus,
    Objective,
)
from literacy.models.okrs import VALUE_PLACES
from literacy.okrs import periods, selectors
from workbench.accounts.models import Department, User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.core.metrics import UnknownMetric, metric_get, metric_value

logger = logging.getLogger(__name__)

TITLE_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = 2000
MAX_ALIGNMENT_DEPTH = 20
QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)


class OkrError(Exception):
    """An OKR write cannot happen; `fields` names the inputs at fault (for forms and the API)."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class OkrDenied(OkrError):
    """The actor may not do this."""


class OkrConflict(OkrError):
    """Valid input that clashes with the key result's state (a manual check-in on a bound one)."""


@dataclass(frozen=True)
class ObjectiveData:
    title: str
    period: str
    department: Department | None
    owner: User
    description: str = ""
    parent: Objective | None = None


@dataclass(frozen=True)
class KeyResultData:
    title: str
    target_value: Decimal
    start_value: Decimal = Decimal(0)
    unit: str = ""
    category: str = KeyResultCategory.OTHER
    weight: Decimal = Decimal(1)
    confidence: Decimal | None = None
    metric_key: str = ""
    metric_department: Department | None = None
    stale_after_hours: int = 48


# --- objectives -------------------------------------------------------------------------------


def _deny(actor: User, action: str, target: Any, message: str) -> OkrDenied:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.DENIED,
        target=target,
        target_type="literacy.objective" if target is None else "",
        reason=message,
    )
    return OkrDenied(message)


def _validate_objective(actor: User, data: ObjectiveData, objective: Objective | None) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip() or len(data.title) > TITLE_MAX_LENGTH:
        errors["title"] = f"Give a title of up to {TITLE_MAX_LENGTH} characters."
    if not periods.is_valid_period(data.period):
        errors["period"] = 'Give a quarter such as "2026-Q4" or a year such as "2026".'
    if not (data.owner.is_active and data.owner.has_perm(selectors.VIEW_OKRS)):
        errors["owner"] = "The owner must be an active person with a role."
    if data.parent is not None and "period" not in errors:
        problem = _parent_problem(actor, data, objective)
        if problem:
            errors["parent"] = problem
    if errors:
        raise OkrError("The objective is invalid.", errors)


def _parent_problem(actor: User, data: ObjectiveData, objective: Objective | None) -> str:
    parent = data.parent
    assert parent is not None
    if not selectors.objective_list_visible(actor).filter(pk=parent.pk).exists():
        return "Choose a parent objective you can see."
    if parent.period not in periods.enclosing_periods(data.period):
        return (
            f"The parent must be in the same period ({data.period}) or the year that "
            f"encloses it, not {parent.period}."
        )
    if objective is not None and _is_descendant_or_self(parent, objective):
        return "This alignment would make a cycle: the parent is aligned to this objective."
    return ""


def _is_descendant_or_self(candidate: Objective, objective: Objective) -> bool:
    """Whether `objective` is `candidate` or one of its ancestors (walking candidate's parents)."""
    current: Objective | None = candidate
    for _ in range(MAX_ALIGNMENT_DEPTH):
        if current is None:
            return False
        if current.pk == objective.pk:
            return True
        current = current.parent
    return True  # deeper than any sane alignment: treat as a cycle


def objective_create(*, actor: User, data: ObjectiveData) -> Objective:
    if not selectors.objective_may_create(actor, data.department):
        raise _deny(
            actor,
            "okr.objective.create",
            None,
            "Only the team's leads and platform admins may add objectives for this team.",
        )
    _validate_objective(actor, data, None)
    with transaction.atomic():
        objective = Objective.objects.create(
            title=data.title.strip(),
            description=data.description.strip(),
            period=data.period,
            department=data.department,
            owner=data.owner,
            parent=data.parent,
        )
        _audit(actor, "okr.objective.create", objective)
    return objective


def objective_update(*, objective: Objective, actor: User, data: ObjectiveData) -> Objective:
    with transaction.atomic():
        locked = Objective.objects.select_for_update().get(pk=objective.pk)
        if not selectors.objective_may_edit(actor, locked) or (
            data.department != locked.department
            and not selectors.objective_may_create(actor, data.department)
        ):
            raise _deny(actor, "okr.objective.update", locked, "You may not change this objective.")
        _validate_objective(actor, data, locked)
        locked.title, locked.description = data.title.strip(), data.description.strip()
        locked.period, locked.department = data.period, data.department
        locked.owner, locked.parent = data.owner, data.parent
        locked.updated_at = timezone.now()
        locked.save()
        _audit(actor, "okr.objective.update", locked)
    return locked


def _audit(actor: User, action: str, objective: Objective, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.DONE,
        target=objective,
        detail={
            "period": objective.period,
            "department": objective.department.code if objective.department else None,
            "owner": objective.owner.username,
            "parent": objective.parent_id,
            **detail,
        },
    )


# --- key results ------------------------------------------------------------------------------


def _validate_key_result(data: KeyResultData) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip() or len(data.title) > TITLE_MAX_LENGTH:
        errors["title"] = f"Give a title of up to {TITLE_MAX_LENGTH} characters."
    if data.category not in KeyResultCategory.values:
        errors["category"] = "Choose one of: " + ", ".join(KeyResultCategory.values) + "."
    if not Decimal(0) <= data.weight <= Decimal(1000):
        errors["weight"] = "The weight is a number from 0 to 1000."
    if data.confidence is not None and not Decimal(0) <= data.confidence <= Decimal(1):
        errors["confidence"] = "Confidence is a number from 0.0 to 1.0."
    if data.stale_after_hours < 1:
        errors["stale_after_hours"] = "The refresh window is at least one hour."
    errors.update(_metric_problems(data))
    if errors:
        raise OkrError("The key result is invalid.", errors)


def _metric_problems(data: KeyResultData) -> dict[str, str]:
    if not data.metric_key:
        if data.metric_department is not None:
            return {"metric_department": "A department scope needs a metric."}
        return {}
    try:
        metric = metric_get(data.metric_key)
    except UnknownMetric:
        return {"metric_key": f"There is no metric “{data.metric_key}”."}
    if data.metric_department is not None and not metric.by_department:
        return {"metric_department": f"“{metric.label}” is organisation-wide, not per department."}
    return {}


def _require_edit(actor: User, objective: Objective, action: str) -> None:
    if not selectors.objective_may_edit(actor, objective):
        raise _deny(
            actor,
            action,
            objective,
            "Only the objective's owner, its team's leads and platform admins may change it.",
        )


def key_result_create(*, actor: User, objective: Objective, data: KeyResultData) -> KeyResult:
    _require_edit(actor, objective, "okr.key_result.create")
    _validate_key_result(data)
    with transaction.atomic():
        key_result = KeyResult.objects.create(
            objective=objective,
            position=objective.key_results.count(),
            current_value=data.start_value,
            **_key_result_fields(data),
        )
        _audit(actor, "okr.key_result.create", objective, key_result=key_result.title)
    if key_result.metric_key:
        key_result_refresh(key_result_id=key_result.pk)
        key_result.refresh_from_db()
    return key_result


def _key_result_fields(data: KeyResultData) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "category": data.category,
        "unit": data.unit.strip(),
        "start_value": data.start_value,
        "target_value": data.target_value,
        "weight": data.weight,
        "confidence": data.confidence,
        "metric_key": data.metric_key,
        "metric_department": data.metric_department,
        "stale_after_hours": data.stale_after_hours,
    }


def key_result_update(*, key_result: KeyResult, actor: User, data: KeyResultData) -> KeyResult:
    _require_edit(actor, key_result.objective, "okr.key_result.update")
    _validate_key_result(data)
    rebound = (data.metric_key, data.metric_department) != (
        key_result.metric_key,
        key_result.metric_department,
    )
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().get(pk=key_result.pk)
        for name, value in _key_result_fields(data).items():
            setattr(locked, name, value)
        if rebound:
            locked.metric_status, locked.metric_refreshed_at = MetricStatus.NEVER, None
        locked.updated_at = timezone.now()
        locked.save()
        _audit(actor, "okr.key_result.update", locked.objective, key_result=locked.title)
    if rebound and locked.metric_key:
        key_result_refresh(key_result_id=locked.pk)
        locked.refresh_from_db()
    return locked


# --- check-ins --------------------------------------------------------------------------------


def check_in_record(
    *,
    key_result: KeyResult,
    actor: User,
    value: Decimal,
    confidence: Decimal | None = None,
    comment: str = "",
) -> CheckIn:
    """A person's check-in: the key result's value now, their confidence and a comment."""
    _require_edit(actor, key_result.objective, "okr.check_in")
    errors: dict[str, str] = {}
    if confidence is not None and not Decimal(0) <= confidence <= Decimal(1):
        errors["confidence"] = "Confidence is a number from 0.0 to 1.0."
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = f"Keep the comment under {COMMENT_MAX_LENGTH} characters."
    if errors:
        raise OkrError("The check-in is invalid.", errors)
    if key_result.metric_key:
        raise OkrConflict(
            "This key result updates itself from a metric; its value cannot be checked in by "
            "hand. Unbind the metric first to track it manually."
        )
    with transaction.atomic():
        locked = KeyResult.objects.select_for_update().get(pk=key_result.pk)
        check_in = _check_in_apply(locked, value, confidence, comment.strip(), actor)
        _audit(
            actor,
            "okr.check_in",
            locked.objective,
            key_result=locked.title,
            value=str(value),
            confidence=None if confidence is None else str(confidence),
        )
    return check_in


def _check_in_apply(
    key_result: KeyResult,
    value: Decimal,
    confidence: Decimal | None,
    comment: str,
    author: User | None,
    *,
    source: CheckInSource = CheckInSource.MANUAL,
    now: datetime | None = None,
) -> CheckIn:
    now = now or timezone.now()
    check_in = CheckIn.objects.create(
        key_result=key_result,
        value=value,
        confidence=confidence,
        comment=comment,
        author=author,
        source=source,
        created_at=now,
    )
    key_result.current_value = value
    fields = ["current_value", "updated_at"]
    if confidence is not None:
        key_result.confidence = confidence
        fields.append("confidence")
    key_result.updated_at = now
    key_result.save(update_fields=fields)
    return check_in


# --- automatic refresh ------------------------------------------------------------------------


@dataclass
class RefreshSummary:
    checked: int = 0
    updated: int = 0
    no_value: int = 0
    failed: int = 0


MetricCache = dict[tuple[str, int | None], Decimal | None]


def key_result_refresh(
    *, key_result_id: int, now: datetime | None = None, cache: MetricCache | None = None
) -> CheckIn | None:
    """Read the bound metric and record a system check-in when its value changed.

    Always records when the key result was checked and how it went; a metric without a value
    or one that fails marks the key result stale instead of changing it.
    """
    now = now or timezone.now()
    cache = {} if cache is None else cache
    with transaction.atomic():
        key_result = (
            KeyResult.objects.select_for_update(of=("self",))
            .select_related("metric_department")
            .filter(pk=key_result_id)
            .exclude(metric_key="")
            .first()
        )
        if key_result is None:
            return None
        status, value = _metric_read(key_result, now, cache)
        key_result.metric_status, key_result.metric_checked_at = status, now
        fields = ["metric_status", "metric_checked_at"]
        if status == MetricStatus.OK:
            key_result.metric_refreshed_at = now
            fields.append("metric_refreshed_at")
        key_result.save(update_fields=fields)
        if value is None or not _changed(key_result, value):
            return None
        return _check_in_apply(
            key_result,
            value,
            None,
            f"Updated from the metric “{key_result.metric_key}”.",
            None,
            source=CheckInSource.METRIC,
            now=now,
        )


def _changed(key_result: KeyResult, value: Decimal) -> bool:
    first = not key_result.check_ins.filter(source=CheckInSource.METRIC).exists()
    return first or value != key_result.current_value


def _metric_read(
    key_result: KeyResult, now: datetime, cache: MetricCache
) -> tuple[MetricStatus, Decimal | None]:
    scope = (key_result.metric_key, key_result.metric_department_id)
    if scope not in cache:
        try:
            with transaction.atomic():  # a savepoint: a failed query must not end the refresh
                raw = metric_value(key_result.metric_key, key_result.metric_department, at=now)
        except Exception:  # a metric's bug must not stop the other key results' refresh
            logger.exception("metric %s failed for key result %s", scope, key_result.pk)
            return MetricStatus.FAILED, None
        cache[scope] = None if raw is None else Decimal(str(raw)).quantize(QUANTUM)
    value = cache[scope]
    return (MetricStatus.NO_VALUE, None) if value is None else (MetricStatus.OK, value)


def key_results_refresh_all(*, now: datetime | None = None) -> RefreshSummary:
    """Refresh every metric-bound key result of the objectives running now (quarter and year)."""
    now = now or timezone.now()
    ids = list(
        KeyResult.objects.exclude(metric_key="")
        .filter(objective__period__in=periods.current_periods())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    summary, cache = RefreshSummary(), {}  # type: ignore[var-annotated]
    for key_result_id in ids:
        check_in = key_result_refresh(key_result_id=key_result_id, now=now, cache=cache)
        status = KeyResult.objects.values_list("metric_status", flat=True).get(pk=key_result_id)
        summary.checked += 1
        summary.updated += check_in is not None
        summary.no_value += status == MetricStatus.NO_VALUE
        summary.failed += status == MetricStatus.FAILED
    if summary.updated or summary.failed:
        audit_record(
            actor=None,
            actor_username="system",
            action="okr.refresh",
            outcome=AuditOutcome.DONE,
            target_type="literacy.keyresult",
            detail=summary.__dict__,
        )
    return summary
