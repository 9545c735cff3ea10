"""Forms for the OKR pages; the services validate the rules, these parse the input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from literacy.models import KeyResult, KeyResultCategory, Objective
from literacy.models.okrs import VALUE_DIGITS, VALUE_PLACES
from literacy.okrs import periods, selectors
from literacy.okrs.services import KeyResultData, ObjectiveData, OkrError
from workbench.accounts.models import Department, User
from workbench.core.metrics import metric_list

VALUE_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - 1


def _value_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        min_value=-VALUE_LIMIT,
        max_value=VALUE_LIMIT,
        **kwargs,
    )


def _confidence_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="Confidence (0.0–1.0)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=3,
        decimal_places=2,
        help_text="How likely the target is reached: 0.0 (no chance) to 1.0 (certain).",
    )


def form_errors_apply(form: forms.Form, error: OkrError) -> None:
    """Show a service's refusal on the form's fields (or above the form)."""
    for name, message in error.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


def _owner_choices(user: User, objective: Objective | None) -> QuerySet[User]:
    """Admins pick anyone; leads pick from the teams they lead (and themselves)."""
    people = User.objects.filter(is_active=True)
    if not selectors.okr_is_platform_admin(user):
        led = selectors.led_department_ids(user)
        keep = Q(department_id__in=led) | Q(pk=user.pk)
        if objective is not None:
            keep |= Q(pk=objective.owner_id)
        people = people.filter(keep)
    return people.order_by("first_name", "last_name", "username")


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    period = forms.ChoiceField(choices=())
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        empty_label="Company-level (no team)",
        label="Team",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none())
    parent = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        empty_label="Not aligned",
        label="Aligned with (parent objective)",
    )

    def __init__(self, *args: Any, user: User, objective: Objective | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = periods.period_choices()
        if objective is not None and objective.period not in choices:
            choices.append(objective.period)
        self.fields["period"].choices = [(p, p) for p in choices]  # type: ignore[attr-defined]
        departments = selectors.departments_may_create(user)
        if objective is not None and objective.department_id:
            departments = departments | Department.objects.filter(pk=objective.department_id)
        self.fields["department"].queryset = departments.order_by("name")  # type: ignore[attr-defined]
        if not selectors.objective_may_create(user, None) and not (
            objective is not None and objective.department_id is None
        ):
            self.fields["department"].required = True
            self.fields["department"].empty_label = None  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _owner_choices(user, objective)  # type: ignore[attr-defined]
        parents = selectors.objective_list_visible(user)
        if objective is not None:
            parents = parents.exclude(pk=objective.pk)
        self.fields["parent"].queryset = parents.order_by("-period", "title")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, objective: Objective) -> dict[str, Any]:
        return {
            "title": objective.title,
            "description": objective.description,
            "period": objective.period,
            "department": objective.department_id,
            "owner": objective.owner_id,
            "parent": objective.parent_id,
        }

    def to_data(self) -> ObjectiveData:
        data = self.cleaned_data
        return ObjectiveData(
            title=data["title"],
            description=data.get("description") or "",
            period=data["period"],
            department=data.get("department"),
            owner=data["owner"],
            parent=data.get("parent"),
        )


def _metric_choices() -> list[tuple[str, str]]:
    return [("", "None: updated by check-ins")] + [
        (metric.key, f"{metric.label} ({metric.unit})") for metric in metric_list()
    ]


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=KeyResultCategory.choices)
    unit = forms.CharField(max_length=24, required=False)
    start_value = _value_field("Start", initial=Decimal(0))
    target_value = _value_field("Target")
    weight = forms.DecimalField(
        min_value=Decimal(0), max_value=Decimal(1000), max_digits=6, decimal_places=2, initial=1
    )
    confidence = _confidence_field()
    metric_key = forms.ChoiceField(
        choices=(), required=False, label="Update automatically from the metric"
    )
    metric_department = forms.ModelChoiceField(
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label="Whole organisation",
        label="Metric scope",
    )
    stale_after_hours = forms.IntegerField(
        min_value=1,
        max_value=24 * 90,
        initial=48,
        label="Flag as stale after (hours without a refresh)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = _metric_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, key_result: KeyResult) -> dict[str, Any]:
        names = [
            "title", "category", "unit", "start_value", "target_value", "weight", "confidence",
            "metric_key", "stale_after_hours",
        ]  # fmt: skip
        initial = {name: getattr(key_result, name) for name in names}
        initial["metric_department"] = key_result.metric_department_id
        return initial

    def to_data(self) -> KeyResultData:
        data = self.cleaned_data
        return KeyResultData(
            title=data["title"],
            category=data["category"],
            unit=data.get("unit") or "",
            start_value=data["start_value"],
            target_value=data["target_value"],
            weight=data["weight"],
            confidence=data.get("confidence"),
            metric_key=data.get("metric_key") or "",
            metric_department=data.get("metric_department"),
            stale_after_hours=data["stale_after_hours"],
        )


class CheckInForm(forms.Form):
    value = _value_field("New value")
    confidence = _confidence_field()
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
