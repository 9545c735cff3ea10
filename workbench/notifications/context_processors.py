"""The unread-notification count that the navigation badge shows on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from workbench.notifications.selectors import notification_unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": notification_unread_count(user=user)}
