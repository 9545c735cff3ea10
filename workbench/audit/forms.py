"""The audit page's filter form; the API reuses it so both validate the same way."""

from __future__ import annotations

from typing import Any

from django import forms

from workbench.audit.models import AuditOutcome
from workbench.audit.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Actor")
    action = forms.CharField(
        required=False,
        max_length=64,
        label="Action",
        help_text="A code or the start of one or of its parts: auth. or login",
    )
    target_type = forms.CharField(required=False, max_length=64, label="Target type")
    target_id = forms.CharField(required=False, max_length=64, label="Target id")
    outcome = forms.ChoiceField(
        required=False, choices=[("", "Any outcome"), *AuditOutcome.choices], label="Outcome"
    )
    request_id = forms.CharField(required=False, max_length=64, label="Request id")
    since = forms.DateTimeField(
        required=False,
        label="From",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        required=False,
        label="Until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", "“Until” must be later than “From”.")
        return cleaned

    def to_filters(self) -> AuditFilters:
        """The validated filters; call only after is_valid()."""
        return AuditFilters(**{name: value for name, value in self.cleaned_data.items() if value})
