"""OKRs: team objectives per period, their key results (some bound to a platform metric that
updates them by itself) and the check-ins that make up each key result's history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

# "2026" (a year) or "2026-Q4" (a quarter).
PERIOD_REGEX = r"^[0-9]{4}(-Q[1-4])?$"
VALUE_DIGITS = 18
VALUE_PLACES = 4
DEFAULT_STALE_HOURS = 48


class Objective(models.Model):
    """What a team (a department) sets out to achieve in one period, owned by one person.

    An objective without a department is a company-level objective that everyone with a role sees.
    `parent` aligns it with an objective of the same or an enclosing period (a quarter's objective
    with its year's); the services refuse cycles.
    """

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
        help_text="The team; empty for a company-level objective.",
    )
    period = models.CharField(
        max_length=7, help_text='A quarter such as "2026-Q4", or a year such as "2026".'
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_objectives"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period", "department__name", "title", "pk"]
        permissions = [
            ("view_okrs", "Can open the OKR pages (team and company objectives)"),
            ("view_all_okrs", "Can see every team's OKRs and the data/AI check"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX), name="objective_period_valid"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="objective_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["period", "department"], name="objective_period_idx")]

    def __str__(self) -> str:
        return self.title


class KeyResultCategory(models.TextChoices):
    """What a key result is about; data and AI key results satisfy the data/AI check."""

    DATA = "data", "Data"
    AI = "ai", "AI"
    BUSINESS = "business", "Business"
    PEOPLE = "people", "People"
    OTHER = "other", "Other"


class MetricStatus(models.TextChoices):
    """How the last automatic refresh of a metric-bound key result went."""

    NEVER = "never", "Not refreshed yet"
    OK = "ok", "Refreshed"
    NO_VALUE = "no_value", "The metric had no value"
    FAILED = "failed", "The metric could not be computed"


def _value_field(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, **kwargs)  # type: ignore[arg-type]


class KeyResult(models.Model):
    """A measurable result of an objective: from `start_value` to `target_value` in `unit`.

    Manual key results move by check-ins. A key result with `metric_key` is bound to a metric of
    the registry (`workbench.core.metrics`) for `metric_department` (or the whole organisation);
    Celery beat refreshes it and records each change as a check-in by the system. It is stale when
    the last refresh found no value or is older than `stale_after_hours`.
    """

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=200)
    category = models.CharField(
        max_length=10, choices=KeyResultCategory.choices, default=KeyResultCategory.OTHER
    )
    unit = models.CharField(max_length=24, blank=True, help_text='e.g. "%", "users", "h".')
    start_value = _value_field(default=Decimal(0))
    target_value = _value_field()
    current_value = _value_field(default=Decimal(0))
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    confidence = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="How likely the team thinks the target is reached, 0.0 to 1.0.",
    )
    metric_key = models.CharField(max_length=80, blank=True)
    metric_department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stale_after_hours = models.PositiveIntegerField(default=DEFAULT_STALE_HOURS)
    metric_status = models.CharField(
        max_length=10, choices=MetricStatus.choices, default=MetricStatus.NEVER
    )
    metric_checked_at = models.DateTimeField(null=True, blank=True)
    metric_refreshed_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["objective_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="keyresult_weight_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="keyresult_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in KeyResultCategory]),
                name="keyresult_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(metric_status__in=[s.value for s in MetricStatus]),
                name="keyresult_metric_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(metric_key="") | Q(metric_department__isnull=True),
                name="keyresult_scope_needs_metric",
            ),
            models.CheckConstraint(
                condition=Q(stale_after_hours__gte=1), name="keyresult_stale_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_automatic(self) -> bool:
        return bool(self.metric_key)


class CheckInSource(models.TextChoices):
    MANUAL = "manual", "Check-in"
    METRIC = "metric", "Metric refresh"


class CheckIn(models.Model):
    """One update of a key result: the value then, the confidence and a comment.

    Automatic refreshes are check-ins too, with no author (the system) and source "metric".
    """

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = _value_field()
    confidence = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="okr_check_ins",
    )
    source = models.CharField(
        max_length=8, choices=CheckInSource.choices, default=CheckInSource.MANUAL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key_result_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="checkin_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in CheckInSource]),
                name="checkin_source_valid",
            ),
        ]
        indexes = [models.Index(fields=["key_result", "created_at"], name="checkin_history_idx")]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value}"
