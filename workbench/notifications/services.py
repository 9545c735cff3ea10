"""Writes for notifications: `notify()` for every feature, read marks, preferences and webhooks.

`notify()` writes the in-app rows in the caller's transaction; email and chat deliveries are created
and queued only once that transaction commits, so a rolled-back action notifies nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.notifications.crypto import webhook_url_encrypt
from workbench.notifications.models import (
    Channel,
    ChatFlavour,
    ChatWebhook,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from workbench.notifications.selectors import ChannelChoice, preferences_for

logger = logging.getLogger(__name__)

TITLE_MAX = 200


class NotificationError(ValueError):
    """Input a person can correct (a bad webhook URL, an unknown kind); the message says how."""


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
) -> list[Notification]:
    """Tell each active recipient about something, on the channels each of them chose for `kind`.

    Title, body and url must hold only what every recipient may see: names of things they can
    open and links to them, never data values. `url` is a path inside the workbench.
    """
    if kind not in NotificationKind.values:
        raise NotificationError(f"Unknown notification kind {kind!r}.")
    people = _distinct_active(recipients)
    target_fields = _target_fields(target)
    choices = preferences_for(users=people, kinds=[kind])
    made = [
        _notification_build(user, kind, title, body, url, target_fields, choices[user.pk][kind])
        for user in people
    ]
    # One INSERT for all recipients; PostgreSQL and SQLite return the new ids.
    Notification.objects.bulk_create([notification for notification, _ in made])
    transaction.on_commit(
        lambda: _deliveries_enqueue(
            kind=kind, title=title, body=body, url=url, made=made, choices=choices
        )
    )
    return [notification for notification, _ in made]


def _distinct_active(recipients: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    return {
        "target_type": target._meta.label_lower[:64],
        "target_id": str(target.pk)[:64],
        "target_label": str(target)[:200],
    }


def _notification_build(
    user: User,
    kind: str,
    title: str,
    body: str,
    url: str,
    target_fields: dict[str, str],
    choice: ChannelChoice,
) -> tuple[Notification, User]:
    notification = Notification(
        recipient=user,
        kind=kind,
        title=title[:TITLE_MAX],
        body=body,
        url=url[:500],
        **target_fields,
    )
    # With in-app turned off the row is kept as already read (the history of what was sent, and
    # what its email or chat delivery hangs on), so it never counts as unread.
    if not choice.in_app:
        notification.read_at = notification.created_at
    return notification, user


def _deliveries_enqueue(
    *,
    kind: str,
    title: str,
    body: str,
    url: str,
    made: list[tuple[Notification, User]],
    choices: Mapping[int, Mapping[str, ChannelChoice]],
) -> None:
    from workbench.notifications.tasks import delivery_send

    subject = title[:TITLE_MAX]
    text = message_text(title=title, body=body, url=url)
    deliveries: list[Delivery] = []
    hooks = _own_webhooks([user.pk for _, user in made if choices[user.pk][kind].chat])
    for notification, user in made:
        choice = choices[user.pk][kind]
        if choice.email and user.email:
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=Channel.EMAIL,
                    kind=kind,
                    subject=subject,
                    text=text,
                )
            )
        if choice.chat:
            deliveries.extend(
                Delivery(
                    notification=notification,
                    webhook=hook,
                    channel=Channel.CHAT,
                    kind=kind,
                    subject=subject,
                    text=text,
                )
                for hook in hooks.get(user.pk, [])
            )
    if made:
        deliveries.extend(_organisation_deliveries(kind=kind, subject=subject, url=url))
    created = Delivery.objects.bulk_create(deliveries)
    for delivery in created:
        delivery_send.delay(delivery.pk)


def _own_webhooks(user_ids: list[int]) -> dict[int, list[ChatWebhook]]:
    by_owner: dict[int, list[ChatWebhook]] = {}
    if user_ids:
        for hook in ChatWebhook.objects.active().filter(owner_id__in=user_ids):
            by_owner.setdefault(hook.owner_id, []).append(hook)  # type: ignore[arg-type]
    return by_owner


def _organisation_deliveries(*, kind: str, subject: str, url: str) -> list[Delivery]:
    # An organisation chat is read by people we cannot check: the title and link only.
    text = message_text(title=subject, url=url)
    hooks = [
        hook
        for hook in ChatWebhook.objects.active().filter(owner__isnull=True)
        if kind in (hook.kinds or [])
    ]
    return [
        Delivery(webhook=hook, channel=Channel.CHAT, kind=kind, subject=subject, text=text)
        for hook in hooks
    ]


def site_url(path: str) -> str:
    """An absolute link for email and chat; paths stay paths inside the app."""
    if not path:
        return ""
    if urlsplit(path).scheme:
        return path
    return settings.NOTIFICATIONS_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def message_text(*, title: str, body: str = "", url: str = "") -> str:
    lines = [title]
    if body:
        lines.append(body)
    if url:
        lines.append(site_url(url))
    return "\n\n".join(lines)


# --- Reading marks ------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.for_recipient(user).unread().update(read_at=timezone.now())


# --- Preferences --------------------------------------------------------------------------------


def preferences_save(*, user: User, choices: Mapping[str, Mapping[str, bool]]) -> None:
    """Store the person's channels for each kind given; kinds left out keep what they had."""
    unknown = sorted(set(choices) - set(NotificationKind.values))
    if unknown:
        raise NotificationError(f"Unknown notification kind: {', '.join(unknown)}.")
    with transaction.atomic():
        for kind, channels in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={
                    "in_app": bool(channels.get(Channel.IN_APP, True)),
                    "email": bool(channels.get(Channel.EMAIL, False)),
                    "chat": bool(channels.get(Channel.CHAT, False)),
                },
            )


# --- Chat webhooks ------------------------------------------------------------------------------


def webhook_url_check(url: str) -> str:
    """The URL if it is one the workbench may post to, else NotificationError saying why.

    Only https (plain http when WORKBENCH_CHAT_WEBHOOK_ALLOW_HTTP is on) and only hosts in
    WORKBENCH_CHAT_WEBHOOK_HOSTS, so a webhook cannot make the server call inside the network.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    schemes = {"https", "http"} if settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in schemes or not parts.hostname:
        raise NotificationError("Give the webhook's full https:// address, as your chat shows it.")
    if parts.username or parts.password:
        raise NotificationError("A webhook address must not contain a user name or password.")
    if not _host_allowed(parts.hostname):
        allowed = ", ".join(settings.NOTIFICATIONS_WEBHOOK_HOSTS) or "none"
        raise NotificationError(
            f"The host {parts.hostname} is not an allowed chat service (allowed: {allowed}). "
            "Ask a platform admin to add it to WORKBENCH_CHAT_WEBHOOK_HOSTS."
        )
    return url


def _host_allowed(host: str) -> bool:
    host = host.lower()
    for allowed in settings.NOTIFICATIONS_WEBHOOK_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith(".") and host.endswith(allowed)):
            return True
    return False


def url_hint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}/…{url[-4:]}" if len(url) > 12 else f"{parts.hostname}/…"


def webhook_create(
    *,
    actor: User,
    name: str,
    url: str,
    flavour: str = ChatFlavour.SLACK,
    owner: User | None,
    kinds: Iterable[str] = (),
) -> ChatWebhook:
    """Add a chat webhook: the actor's own (owner=actor) or an organisation one (owner=None)."""
    url = webhook_url_check(url)
    if flavour not in ChatFlavour.values:
        raise NotificationError("Choose Slack or Microsoft Teams.")
    kinds = list(dict.fromkeys(kinds))
    if set(kinds) - set(NotificationKind.values):
        raise NotificationError("Unknown notification kind for this webhook.")
    name = (name or "").strip()[:100] or url_hint(url)
    with transaction.atomic():
        hook = ChatWebhook.objects.create(
            owner=owner,
            name=name,
            flavour=flavour,
            url_encrypted=webhook_url_encrypt(url),
            url_hint=url_hint(url),
            kinds=kinds if owner is None else [],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="notifications.webhook.created",
            outcome=AuditOutcome.DONE,
            target=hook,
            detail={"flavour": flavour, "organisation": owner is None},
        )
    return hook


def webhook_update(*, actor: User, hook: ChatWebhook, changes: Mapping[str, Any]) -> ChatWebhook:
    """Rename, change flavour or URL, or re-enable (`enabled: true`) a webhook."""
    fields: list[str] = []
    if "name" in changes:
        hook.name = str(changes["name"]).strip()[:100] or hook.name
        fields.append("name")
    if "flavour" in changes:
        if changes["flavour"] not in ChatFlavour.values:
            raise NotificationError("Choose Slack or Microsoft Teams.")
        hook.flavour = changes["flavour"]
        fields.append("flavour")
    if changes.get("url"):
        url = webhook_url_check(str(changes["url"]))
        hook.url_encrypted, hook.url_hint = webhook_url_encrypt(url), url_hint(url)
        fields += ["url_encrypted", "url_hint"]
    if changes.get("enabled") is True and hook.disabled_at is not None:
        hook.disabled_at, hook.consecutive_failures = None, 0
        fields += ["disabled_at", "consecutive_failures"]
    if not fields:
        return hook
    with transaction.atomic():
        hook.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="notifications.webhook.updated",
            outcome=AuditOutcome.DONE,
            target=hook,
            detail={"fields": sorted(set(fields) - {"url_encrypted"})},
        )
    return hook


def webhook_delete(*, actor: User, hook: ChatWebhook) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="notifications.webhook.deleted",
            outcome=AuditOutcome.DONE,
            target=hook,
        )
        hook.delete()


def webhook_test(*, actor: User, hook: ChatWebhook) -> Delivery:
    """Queue a test message to the webhook; a success also re-enables a disabled one."""
    from workbench.notifications.tasks import delivery_send

    delivery = Delivery.objects.create(
        webhook=hook,
        channel=Channel.CHAT,
        kind=NotificationKind.BADGE_AWARDED,
        subject="Workbench test message",
        text=message_text(
            title="Workbench test message",
            body=f"This chat will receive Workbench notifications for {actor.get_username()}."
            if hook.owner_id
            else "This chat will receive Workbench notifications.",
            url="/notifications/",
        ),
    )
    transaction.on_commit(lambda: delivery_send.delay(delivery.pk, is_test=True))
    return delivery


# --- Sending (called by the task) ---------------------------------------------------------------


def delivery_sent(*, delivery: Delivery) -> None:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, sent_at=now, last_error="", attempts=F("attempts") + 1
        )
        if delivery.webhook_id is not None:
            # A webhook that works again (after a test message) is enabled again.
            ChatWebhook.objects.filter(pk=delivery.webhook_id).update(
                consecutive_failures=0, last_success_at=now, last_error="", disabled_at=None
            )


def delivery_attempt_failed(*, delivery: Delivery, error: str, final: bool) -> None:
    """Record a failed attempt; the final one fails the delivery and counts against the webhook."""
    error = error[:500]
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            last_error=error,
            **({"status": DeliveryStatus.FAILED} if final else {}),
        )
        if final and delivery.webhook_id is not None:
            _webhook_failure_count(webhook_id=delivery.webhook_id, error=error)


def _webhook_failure_count(*, webhook_id: int, error: str) -> None:
    hook = ChatWebhook.objects.select_for_update().filter(pk=webhook_id).first()
    if hook is None:
        return
    hook.consecutive_failures += 1
    hook.last_error = error
    fields = ["consecutive_failures", "last_error"]
    if hook.disabled_at is None and (
        hook.consecutive_failures >= settings.NOTIFICATIONS_WEBHOOK_MAX_FAILURES
    ):
        hook.disabled_at = timezone.now()
        fields.append("disabled_at")
        audit_record(
            actor=None,
            actor_username="system",
            action="notifications.webhook.disabled",
            outcome=AuditOutcome.FAILED,
            target=hook,
            reason=error,
            detail={"consecutive_failures": hook.consecutive_failures},
        )
        logger.warning(
            "chat webhook %s disabled after %s failures", hook.pk, hook.consecutive_failures
        )
    hook.save(update_fields=fields)
