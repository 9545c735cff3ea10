"""Forms for access requests and grants; the services check the rules again."""

from __future__ import annotations

from django import forms

from workbench.governance.actions import CONTENT_ACTIONS, GRANTABLE_ACTIONS
from workbench.governance.grants import REVOKE_REASON_MIN_LENGTH
from workbench.governance.models import PurposeCategory
from workbench.governance.requests import (
    COMMENT_MAX_LENGTH,
    DURATION_DEFAULT_DAYS,
    DURATION_MAX_DAYS,
    DURATION_MIN_DAYS,
    PURPOSE_MAX_LENGTH,
    PURPOSE_MIN_LENGTH,
)


class AccessRequestForm(forms.Form):
    action = forms.ChoiceField(
        label="What do you need to do?",
        choices=[(action.value, action.label) for action in GRANTABLE_ACTIONS],
    )
    unmasked = forms.BooleanField(
        label="I need the values unmasked",
        required=False,
        help_text="Only for reading actions; stewards grant it for a declared purpose only.",
    )
    purpose_category = forms.ChoiceField(
        label="Purpose", choices=[("", "Choose…"), *PurposeCategory.choices]
    )
    purpose = forms.CharField(
        label="Why do you need it?",
        min_length=PURPOSE_MIN_LENGTH,
        max_length=PURPOSE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"At least {PURPOSE_MIN_LENGTH} characters; the stewards decide on it.",
    )
    duration_days = forms.IntegerField(
        label="For how many days?",
        min_value=DURATION_MIN_DAYS,
        max_value=DURATION_MAX_DAYS,
        initial=DURATION_DEFAULT_DAYS,
        help_text=f"{DURATION_MIN_DAYS} to {DURATION_MAX_DAYS} days; access ends by itself.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("unmasked") and data.get("action") not in CONTENT_ACTIONS:
            self.add_error("unmasked", "Only actions that read data can be asked for unmasked.")
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you deny: the requester is told why.",
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why is the grant revoked?",
        min_length=REVOKE_REASON_MIN_LENGTH,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The grantee is told.",
    )
