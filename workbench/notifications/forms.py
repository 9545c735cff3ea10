"""Forms of the notification pages: channel choices per kind, and adding a chat webhook."""

from __future__ import annotations

from typing import Any

from django import forms

from workbench.notifications.models import Channel, ChatFlavour, NotificationKind
from workbench.notifications.selectors import ChannelChoice

CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.CHAT)


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per kind × channel."""

    def __init__(self, *args: Any, current: dict[str, ChannelChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            choice = current[kind]
            for channel in CHANNELS:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    required=False,
                    initial=getattr(choice, channel),
                    label=f"{label}: {Channel(channel).label}",
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": kind,
                "label": label,
                "fields": [self[field_name(kind, channel)] for channel in CHANNELS],
            }
            for kind, label in NotificationKind.choices
        ]

    def to_choices(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {
                channel: bool(self.cleaned_data.get(field_name(kind, channel)))
                for channel in CHANNELS
            }
            for kind in NotificationKind.values
        }


class WebhookForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, help_text="For you: e.g. “Team channel”."
    )
    url = forms.CharField(
        label="Webhook address",
        max_length=500,
        help_text="The incoming-webhook URL your chat gave you. Shown again only in part.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    flavour = forms.ChoiceField(
        choices=ChatFlavour.choices, initial=ChatFlavour.SLACK, label="Chat service"
    )
