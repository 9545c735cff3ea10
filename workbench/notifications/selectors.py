"""Reads for notifications: a person's inbox, unread count, channel choices and webhooks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from workbench.accounts.models import User
from workbench.notifications.models import (
    URGENT_KINDS,
    ChatWebhook,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)


@dataclass(frozen=True)
class ChannelChoice:
    in_app: bool
    email: bool
    chat: bool
    is_default: bool = True


def default_choice(kind: str, *, has_chat: bool) -> ChannelChoice:
    """In-app always; email for what needs action or decides something; chat likewise, once the
    person has a chat webhook of their own."""
    urgent = kind in URGENT_KINDS
    return ChannelChoice(in_app=True, email=urgent, chat=urgent and has_chat)


def preferences_for(
    *, users: Iterable[User], kinds: Iterable[str] | None = None
) -> dict[int, dict[str, ChannelChoice]]:
    """{user id: {kind: channels}} for the users and kinds given, defaults filled in (2 queries)."""
    user_ids = [user.pk for user in users]
    wanted = list(kinds) if kinds is not None else list(NotificationKind.values)
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind__in=wanted)
    stored = {(row.user_id, row.kind): row for row in rows}
    with_chat = set(
        ChatWebhook.objects.active()
        .filter(owner_id__in=user_ids)
        .values_list("owner_id", flat=True)
    )
    result: dict[int, dict[str, ChannelChoice]] = {}
    for user_id in user_ids:
        result[user_id] = {}
        for kind in wanted:
            row = stored.get((user_id, kind))
            result[user_id][kind] = (
                ChannelChoice(row.in_app, row.email, row.chat, is_default=False)
                if row is not None
                else default_choice(kind, has_chat=user_id in with_chat)
            )
    return result


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first."""
    return (
        Notification.objects.for_recipient(user)
        .annotate(
            unread_first=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unread_first", "-created_at", "-id")
    )


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.for_recipient(user).unread().count()


def access_notification(user: User, notification_id: int) -> Notification | None:
    """The notification if it is the user's own; someone else's is as if it did not exist."""
    return Notification.objects.for_recipient(user).filter(pk=notification_id).first()


def webhook_list(*, user: User) -> QuerySet[ChatWebhook]:
    return ChatWebhook.objects.filter(owner=user).order_by("name", "id")


def access_webhook(user: User, webhook_id: int) -> ChatWebhook | None:
    return ChatWebhook.objects.filter(owner=user, pk=webhook_id).first()


def organisation_webhook_list() -> QuerySet[ChatWebhook]:
    return ChatWebhook.objects.filter(owner__isnull=True).order_by("name", "id")


def failing_webhook_list() -> QuerySet[ChatWebhook]:
    """Disabled webhooks first, then those with failures in a row; for the admins' page."""
    return (
        ChatWebhook.objects.failing()
        .select_related("owner")
        .order_by("disabled_at", "-consecutive_failures", "name")
    )


def delivery_list_for(*, notification: Notification) -> QuerySet[Delivery]:
    return notification.deliveries.order_by("created_at", "id")
