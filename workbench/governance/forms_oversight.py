"""Forms of the oversight pages: policy editing, the what-if simulator, the heat-map and the
decisions filters. The API validates with the same forms, so both refuse the same input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms

from catalog.models import Classification
from workbench.audit.models import AuditOutcome
from workbench.governance.actions import Action
from workbench.governance.heatmap import HeatmapFilters
from workbench.governance.selectors import DecisionFilters

POLICY_SOURCE_MAX_CHARS = 200_000
ID_MAX = 2_147_483_647
PAGE_MAX = 1_000_000


class PolicyEditForm(forms.Form):
    source = forms.CharField(
        label="Rego source",
        max_length=POLICY_SOURCE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false"}),
    )
    comment = forms.CharField(
        label="What changed and why",
        max_length=300,
        required=False,
        help_text="Kept with the version, beside its diff.",
    )
    base_version = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput, label="Version you edited"
    )


class SimulatorQuestion:
    DECISION = "decision"
    WHO = "who"
    WHAT = "what"
    CHOICES = [
        (DECISION, "May this person do this action on this asset, and why?"),
        (WHO, "Who may do this action on this asset?"),
        (WHAT, "What may this person do?"),
    ]


class SimulatorForm(forms.Form):
    question = forms.ChoiceField(choices=SimulatorQuestion.CHOICES, initial="decision")
    user = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, label="Person")
    asset = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX, label="Asset")
    action = forms.ChoiceField(choices=Action.choices, required=False, label="Action")
    purpose = forms.CharField(
        required=False,
        max_length=200,
        label="Declared purpose",
        help_text="A purpose lifts masking only with a grant that allows unmasked reads.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        question = cleaned.get("question")
        needs = {
            SimulatorQuestion.DECISION: ("asset", "action"),
            SimulatorQuestion.WHO: ("asset", "action"),
            SimulatorQuestion.WHAT: (),
        }.get(question or "", ())
        for name in needs:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, "Choose one to ask this question.")
        return cleaned


class HeatmapFilterForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("users", "People"), ("departments", "Departments")],
        required=False,
        label="Rows",
    )
    domain = forms.SlugField(required=False, max_length=40, label="Domain")
    classification = forms.TypedChoiceField(
        choices=[("", "Any classification"), *Classification.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label="Classification",
    )
    q = forms.CharField(required=False, max_length=100, label="Find a row")
    page = forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX, label="Page")
    assets_page = forms.IntegerField(
        required=False, min_value=1, max_value=PAGE_MAX, label="Assets page"
    )

    def to_filters(self) -> HeatmapFilters:
        data = self.cleaned_data
        return HeatmapFilters(
            mode=data.get("mode") or "users",
            domain=data.get("domain") or "",
            classification=data.get("classification"),
            text=(data.get("q") or "").strip(),
            page=data.get("page") or 1,
            assets_page=data.get("assets_page") or 1,
        )


class DecisionFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Person")
    asset = forms.CharField(
        required=False, max_length=120, label="Asset", help_text="Its id or part of its name."
    )
    action = forms.CharField(
        required=False,
        max_length=48,
        label="Action",
        help_text="e.g. preview, export, request.approved, policy.saved",
    )
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AuditOutcome.choices], label="Outcome"
    )
    since = forms.DateTimeField(
        required=False, label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        required=False, label="Until", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, period_may_be_empty: bool = False, **kwargs: Any) -> None:
        # The page points out a reversed period; the API answers it with an empty list.
        super().__init__(*args, **kwargs)
        self.period_may_be_empty = period_may_be_empty

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until and not self.period_may_be_empty:
            self.add_error("until", "“Until” must be later than “From”.")
        return cleaned

    def to_filters(self) -> DecisionFilters:
        data = self.cleaned_data
        return DecisionFilters(
            actor=(data.get("actor") or "").strip(),
            asset=(data.get("asset") or "").strip(),
            action=(data.get("action") or "").strip().removeprefix("governance."),
            outcome=data.get("outcome") or "",
            since=in_utc(data.get("since")),
            until=in_utc(data.get("until")),
        )


class MetricsPeriodForm(forms.Form):
    until = forms.DateTimeField(required=False, label="Until")
    days = forms.IntegerField(required=False, min_value=1, max_value=366, label="Last N days")

    def clean_until(self) -> datetime | None:
        return in_utc(self.cleaned_data.get("until"))


def in_utc(moment: datetime | None) -> datetime | None:
    """The same instant in UTC: ISO offsets reach ±23:59, PostgreSQL's only ±15:59."""
    return moment.astimezone(UTC) if moment is not None else None
