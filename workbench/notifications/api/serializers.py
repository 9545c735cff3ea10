"""Serializers for the notifications API."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from workbench.notifications.models import (
    ChatFlavour,
    ChatWebhook,
    Notification,
    NotificationKind,
)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    is_read = serializers.BooleanField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "url",
            "target_type",
            "target_id",
            "target_label",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer[dict[str, int]]):
    unread = serializers.IntegerField(min_value=0)


class MarkedSerializer(serializers.Serializer[dict[str, int]]):
    marked = serializers.IntegerField(min_value=0, help_text="Notifications newly marked read.")


class PreferenceSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    kind_label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()
    chat = serializers.BooleanField()
    is_default = serializers.BooleanField(
        read_only=True, help_text="True while the person has not chosen for this kind."
    )


class PreferenceListSerializer(serializers.Serializer[dict[str, Any]]):
    preferences = PreferenceSerializer(
        many=True, help_text="One entry per kind to set; a kind listed twice takes the last entry."
    )


def webhook_url_pattern() -> str:
    """The URLs a webhook may have (WORKBENCH_CHAT_WEBHOOK_HOSTS), as a regular expression."""
    hosts = []
    for host in settings.NOTIFICATIONS_WEBHOOK_HOSTS:
        if host.startswith("."):
            hosts.append(r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*" + re.escape(host))
        else:
            hosts.append(re.escape(host))
    schemes = "https?" if settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP else "https"
    host_part = "|".join(hosts) or "(?!)"
    return rf"^{schemes}://(?:{host_part})(?::[0-9]{{1,5}})?(?:/[!-~]*)?$"


class WebhookUrlField(serializers.CharField):
    """Write-only: the URL is a secret, never sent back (the hint is)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(write_only=True, max_length=500, trim_whitespace=True, **kwargs)


class ChatWebhookSerializer(serializers.ModelSerializer[ChatWebhook]):
    url = WebhookUrlField(
        help_text="The incoming-webhook address your chat gave you (https; allowed chat hosts "
        "only). Never shown again: responses carry url_hint."
    )
    flavour = serializers.ChoiceField(choices=ChatFlavour.choices, default=ChatFlavour.SLACK)
    is_disabled = serializers.BooleanField(read_only=True)
    enabled = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text="Send true to enable a webhook that was disabled after repeated failures.",
    )

    class Meta:
        model = ChatWebhook
        fields = [
            "id",
            "name",
            "flavour",
            "url",
            "url_hint",
            "enabled",
            "is_disabled",
            "disabled_at",
            "consecutive_failures",
            "last_error",
            "last_success_at",
            "created_at",
        ]
        read_only_fields = [
            "url_hint",
            "disabled_at",
            "consecutive_failures",
            "last_error",
            "last_success_at",
            "created_at",
        ]
        extra_kwargs: dict[str, Any] = {"name": {"required": False, "max_length": 100}}


class FailingWebhookSerializer(serializers.ModelSerializer[ChatWebhook]):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    is_disabled = serializers.BooleanField(read_only=True)

    class Meta:
        model = ChatWebhook
        fields = [
            "id",
            "name",
            "owner",
            "flavour",
            "url_hint",
            "kinds",
            "is_disabled",
            "disabled_at",
            "consecutive_failures",
            "last_error",
            "last_success_at",
        ]
        read_only_fields = fields


class WebhookUrlFieldExtension(OpenApiSerializerFieldExtension):
    """Documents the allowed webhook URLs as a pattern read from the settings at schema time."""

    target_class = "workbench.notifications.api.serializers.WebhookUrlField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {"type": "string", "maxLength": 500, "pattern": webhook_url_pattern()}
