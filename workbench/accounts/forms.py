from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """The sign-in form, with a clear message when the credentials are wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Check both and try again.",
        "inactive": "This account is deactivated. Ask a platform admin to reactivate it.",
    }
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


def _expiry_choices() -> list[tuple[int, str]]:
    days = sorted({7, 30, 90, 365, settings.API_TOKEN_DEFAULT_DAYS})
    return [(d, f"{d} days") for d in days]


class ApiTokenForm(forms.Form):
    """A new API token: what it is for and how long it lasts."""

    name = forms.CharField(
        max_length=80,
        help_text="What the token is for, e.g. “nightly export”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires in", coerce=int, choices=_expiry_choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"expires_in_days": settings.API_TOKEN_DEFAULT_DAYS})
        super().__init__(*args, **kwargs)
