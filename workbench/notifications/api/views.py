"""Notifications API: a person's own notifications, channel choices and chat webhooks; admins see
the webhooks that keep failing. Someone else's notification or webhook is a 404, never a 403."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.accounts.models import User
from workbench.core.api.errors import Conflict
from workbench.core.api.permissions import has_django_permission
from workbench.notifications import selectors, services
from workbench.notifications.api.serializers import (
    ChatWebhookSerializer,
    FailingWebhookSerializer,
    MarkedSerializer,
    NotificationSerializer,
    PreferenceListSerializer,
    UnreadCountSerializer,
)
from workbench.notifications.models import ChatWebhook, Notification, NotificationKind

TAGS = ["notifications"]
ADMIN_PERMISSION = "notifications.manage_organisation_webhooks"
WEBHOOKS_PER_PERSON = 10


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


@extend_schema(
    tags=TAGS,
    parameters=[
        OpenApiParameter("unread", bool, description="true: only unread notifications"),
    ],
)
class NotificationViewSet(viewsets.ReadOnlyModelViewSet[Notification]):
    """Your notifications, unread first, newest first."""

    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Notification]:
        notifications = selectors.notification_list(user=_user(self.request))
        unread = self.request.query_params.get("unread")
        if unread is not None and self.action == "list":
            if unread not in ("true", "false"):
                raise ValidationError({"unread": ["Must be true or false."]})
            if unread == "true":
                notifications = notifications.filter(read_at__isnull=True)
        return notifications

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one of your notifications read."""
        notification = services.notification_mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all your notifications read."""
        return Response({"marked": services.notifications_mark_all_read(user=_user(request))})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        """How many of your notifications are unread (what the navigation badge shows)."""
        return Response({"unread": selectors.notification_unread_count(user=_user(request))})


def _preferences_body(user: User) -> dict[str, Any]:
    choices = selectors.preferences_for(users=[user])[user.pk]
    return {
        "preferences": [
            {
                "kind": kind,
                "kind_label": label,
                "in_app": choice.in_app,
                "email": choice.email,
                "chat": choice.chat,
                "is_default": choice.is_default,
            }
            for kind, label in NotificationKind.choices
            for choice in [choices[kind]]
        ]
    }


@extend_schema(tags=TAGS)
class PreferencesView(APIView):
    """Your channels per kind of notification; kinds you never chose show the defaults."""

    @extend_schema(responses=PreferenceListSerializer)
    def get(self, request: Request) -> Response:
        return Response(_preferences_body(_user(request)))

    @extend_schema(request=PreferenceListSerializer, responses=PreferenceListSerializer)
    def put(self, request: Request) -> Response:
        """Set the channels of the kinds listed; kinds left out keep their channels."""
        serializer = PreferenceListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        choices = {
            item["kind"]: {"in_app": item["in_app"], "email": item["email"], "chat": item["chat"]}
            for item in serializer.validated_data["preferences"]
        }
        services.preferences_save(user=_user(request), choices=choices)
        return Response(_preferences_body(_user(request)))


def _service_call(call: Any) -> Any:
    try:
        return call()
    except services.NotificationError as error:
        raise ValidationError({"url": [str(error)]}) from error


@extend_schema(tags=TAGS)
class ChatWebhookViewSet(viewsets.ModelViewSet[ChatWebhook]):
    """Your own chat webhooks (Slack or Teams incoming webhooks). The URL is write-only."""

    serializer_class = ChatWebhookSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete"]

    def get_queryset(self) -> QuerySet[ChatWebhook]:
        return selectors.webhook_list(user=_user(self.request))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _user(request)
        if selectors.webhook_list(user=user).count() >= WEBHOOKS_PER_PERSON:
            raise Conflict(f"You have {WEBHOOKS_PER_PERSON} webhooks already; remove one first.")
        data = serializer.validated_data
        hook = _service_call(
            lambda: services.webhook_create(
                actor=user,
                owner=user,
                name=data.get("name", ""),
                url=data["url"],
                flavour=data["flavour"],
            )
        )
        return Response(self.get_serializer(hook).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        hook = self.get_object()
        serializer = self.get_serializer(hook, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        hook = _service_call(
            lambda: services.webhook_update(
                actor=_user(request), hook=hook, changes=serializer.validated_data
            )
        )
        return Response(self.get_serializer(hook).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.webhook_delete(actor=_user(request), hook=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(ChatWebhookSerializer, description="Test message queued")},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Queue a test message to this webhook; a success enables it again if it was disabled."""
        hook = self.get_object()
        services.webhook_test(actor=_user(request), hook=hook)
        return Response(self.get_serializer(hook).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=TAGS)
class FailingWebhookListView(generics.ListAPIView[ChatWebhook]):
    """Webhooks that failed lately or were disabled after repeated failures (platform admins)."""

    serializer_class = FailingWebhookSerializer
    permission_classes = [has_django_permission(ADMIN_PERMISSION)]

    def get_queryset(self) -> QuerySet[ChatWebhook]:
        return selectors.failing_webhook_list()
