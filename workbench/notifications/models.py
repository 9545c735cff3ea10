"""Notifications: the in-app centre, each person's channel choices, chat webhooks and deliveries.

`services.notify()` writes a `Notification` per recipient inside the caller's transaction and, after
commit, one `Delivery` per extra channel (email, chat) that a Celery task sends with retries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationKind(models.TextChoices):
    ACCESS_REQUEST_PENDING = "access_request_pending", "Access request waiting for you"
    ACCESS_REQUEST_DECIDED = "access_request_decided", "Decision on your access request"
    ACCESS_REQUEST_REMINDER = "access_request_reminder", "Reminder: access request still waiting"
    GRANT_EXPIRING = "grant_expiring", "Grant about to expire"
    GRANT_REVOKED = "grant_revoked", "Grant revoked"
    MODEL_REVIEW = "model_review", "Model waiting for review"
    MODEL_PROMOTION = "model_promotion", "Model promotion decided"
    SCAN_FAILED = "scan_failed", "Scan failed"
    METRIC_RED = "metric_red", "Metric turned red"
    BADGE_AWARDED = "badge_awarded", "Badge awarded"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"


# Kinds that ask the person to act or tell them a decision: mailed (and sent to their chat
# webhook, once they have one) unless they say otherwise.
URGENT_KINDS: frozenset[str] = frozenset(
    {
        NotificationKind.ACCESS_REQUEST_PENDING,
        NotificationKind.ACCESS_REQUEST_DECIDED,
        NotificationKind.ACCESS_REQUEST_REMINDER,
        NotificationKind.GRANT_EXPIRING,
        NotificationKind.GRANT_REVOKED,
        NotificationKind.MODEL_REVIEW,
        NotificationKind.MODEL_PROMOTION,
        NotificationKind.SCAN_FAILED,
    }
)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_recipient(self, user: models.Model) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something one person should know: shown in their notification centre until read.

    The title and link carry only what the recipient may open (never data values).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside the workbench.")
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in NotificationKind]),
                name="notification_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """One person's channels for one kind; with no row the defaults in `preferences_for` apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)
    chat = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in NotificationKind]),
                name="notification_preference_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class ChatFlavour(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatWebhookQuerySet(models.QuerySet["ChatWebhook"]):
    def active(self) -> ChatWebhookQuerySet:
        return self.filter(disabled_at__isnull=True)

    def failing(self) -> ChatWebhookQuerySet:
        return self.filter(Q(disabled_at__isnull=False) | Q(consecutive_failures__gt=0))


class ChatWebhook(models.Model):
    """An incoming-webhook URL of a chat (Slack or Teams) that notifications are posted to.

    A person's own webhook (owner set) receives their notifications; an organisation webhook (no
    owner, added by an admin) receives the kinds listed in `kinds` as a title and link only. The URL
    is a secret: stored encrypted, shown again only as a hint. After too many failures in a row it
    is disabled until someone tests it successfully or re-enables it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_webhooks",
        help_text="Empty for an organisation webhook.",
    )
    name = models.CharField(max_length=100)
    flavour = models.CharField(max_length=8, choices=ChatFlavour.choices, default=ChatFlavour.SLACK)
    url_encrypted = models.TextField()
    url_hint = models.CharField(max_length=120, help_text="Host and the URL's last characters.")
    kinds = models.JSONField(
        default=list, blank=True, help_text="Organisation webhooks: the kinds posted to it."
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ChatWebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            (
                "manage_organisation_webhooks",
                "Can manage organisation chat webhooks and see failing webhooks",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(flavour__in=[choice.value for choice in ChatFlavour]),
                name="chat_webhook_flavour_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One attempt-tracked sending of a notification by email or to a chat webhook.

    `subject` and `text` are rendered when the notification is made, so a retry sends the same.
    Organisation-webhook deliveries have a webhook but may lack a notification.
    """

    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    webhook = models.ForeignKey(
        ChatWebhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=[Channel.EMAIL, Channel.CHAT]),
                name="delivery_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.EMAIL, notification__isnull=False)
                | Q(channel=Channel.CHAT, webhook__isnull=False),
                name="delivery_has_destination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.subject}"
