"""Demo notifications for `manage.py load_demo` (idempotent: running it again adds nothing).

Each demo persona finds a few notifications of the kinds their role receives, linking to pages
they can open; the admins' webhook page shows an organisation webhook that was disabled after
failing (its address is a placeholder, so it is kept disabled and never called).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from workbench.accounts.models import User
from workbench.notifications.crypto import webhook_url_encrypt
from workbench.notifications.models import ChatWebhook, Notification, NotificationKind
from workbench.notifications.services import notify

DEMO_WEBHOOK_NAME = "Data platform channel (example)"


@dataclass(frozen=True)
class NotificationsDemo:
    created: int
    webhook_created: bool


def _demo_messages() -> list[tuple[str, str, str, str, str]]:
    """(username, kind, title, body, url): only names of things and links each person may open."""
    catalog, notifications = reverse("catalog:search"), reverse("notifications:preferences")
    return [
        (
            "steward",
            NotificationKind.ACCESS_REQUEST_PENDING,
            "An access request for a customer table waits for your decision",
            "Requested for churn analysis. Decide within the SLA.",
            catalog,
        ),
        (
            "owner",
            NotificationKind.ACCESS_REQUEST_REMINDER,
            "Reminder: an access request in your domain has waited two days",
            "",
            catalog,
        ),
        (
            "analyst",
            NotificationKind.ACCESS_REQUEST_DECIDED,
            "Your access request was approved",
            "Your grant lasts 30 days.",
            catalog,
        ),
        (
            "analyst",
            NotificationKind.GRANT_EXPIRING,
            "Your grant on a customer table ends in 3 days",
            "Ask again before it ends if you still need it.",
            catalog,
        ),
        (
            "analyst",
            NotificationKind.BADGE_AWARDED,
            "You earned the Bronze data literacy badge",
            "",
            "",
        ),
        (
            "reviewer",
            NotificationKind.MODEL_REVIEW,
            "A citizen model waits for your review",
            "Checks, model card and fairness report.",
            "",
        ),
        (
            "admin",
            NotificationKind.SCAN_FAILED,
            "Scan of an example source failed",
            "The example shows how failures reach owners; real ones link to the scan's log.",
            catalog,
        ),
        (
            "admin",
            NotificationKind.METRIC_RED,
            "Access-approval time turned red",
            "Choose where you hear about this.",
            notifications,
        ),
    ]


def notifications_demo_load() -> NotificationsDemo:
    users = {user.username: user for user in User.objects.filter(is_active=True)}
    created = 0
    with transaction.atomic():
        for username, kind, title, body, url in _demo_messages():
            user = users.get(username)
            if user is None or Notification.objects.filter(recipient=user, title=title).exists():
                continue
            notify(recipients=[user], kind=kind, title=title, body=body, url=url)
            created += 1
        webhook_created = _demo_webhook(users.get("admin"))
    return NotificationsDemo(created=created, webhook_created=webhook_created)


def _demo_webhook(admin: User | None) -> bool:
    if ChatWebhook.objects.filter(owner__isnull=True, name=DEMO_WEBHOOK_NAME).exists():
        return False
    ChatWebhook.objects.create(
        owner=None,
        name=DEMO_WEBHOOK_NAME,
        url_encrypted=webhook_url_encrypt("https://hooks.slack.com/services/EXAMPLE/EXAMPLE/x"),
        url_hint="hooks.slack.com/…/x",
        kinds=[NotificationKind.SCAN_FAILED, NotificationKind.METRIC_RED],
        consecutive_failures=5,
        disabled_at=timezone.now(),
        last_error="The webhook answered 404: no_service (example)",
        created_by=admin,
    )
    return True
