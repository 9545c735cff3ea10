"""Sending one delivery: an email through Django's mail, or a post to a Slack or Teams webhook.

Errors that may pass (network trouble, timeouts, 429 and 5xx answers, a mail server that is down)
raise `DeliveryRetryable` so the task retries with back-off; anything else fails at once.
"""

from __future__ import annotations

import smtplib
from typing import Any

import requests
from django.conf import settings
from django.core.mail import EmailMessage

from workbench.notifications import services
from workbench.notifications.crypto import WebhookUrlError, webhook_url_decrypt
from workbench.notifications.models import Channel, ChatFlavour, Delivery, DeliveryStatus

USER_AGENT = "Workbench-Notifications/1.0"


class DeliveryRetryable(Exception):
    """A failed attempt worth repeating later."""


class DeliveryRefused(Exception):
    """A failed attempt that repeating will not fix (bad address, webhook gone)."""


def delivery_attempt(*, delivery_id: int, is_last_attempt: bool) -> Delivery | None:
    """Send a pending delivery once; record the outcome. Raises DeliveryRetryable to retry."""
    delivery = (
        Delivery.objects.select_related("notification__recipient", "webhook")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None
    try:
        _send(delivery)
    except DeliveryRetryable as exc:
        services.delivery_attempt_failed(delivery=delivery, error=str(exc), final=is_last_attempt)
        if not is_last_attempt:
            raise
    except DeliveryRefused as exc:
        services.delivery_attempt_failed(delivery=delivery, error=str(exc), final=True)
    else:
        services.delivery_sent(delivery=delivery)
    delivery.refresh_from_db()
    return delivery


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.EMAIL:
        _send_email(delivery)
    else:
        _send_chat(delivery)


def _send_email(delivery: Delivery) -> None:
    recipient = delivery.notification.recipient if delivery.notification else None
    if recipient is None or not recipient.is_active or not recipient.email:
        raise DeliveryRefused("The recipient has no active account with an email address.")
    message = EmailMessage(
        subject=f"[Workbench] {delivery.subject}",
        body=delivery.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryRefused(f"The mail server refused the address: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryRetryable(f"Mail server: {type(exc).__name__}: {exc}") from exc


def chat_payload(delivery: Delivery) -> dict[str, Any]:
    """Slack's incoming webhooks take {"text"}; Teams' connectors take a MessageCard (which keeps
    the same "text" key, so Teams workflow webhooks reading `text` work too)."""
    if delivery.webhook is not None and delivery.webhook.flavour == ChatFlavour.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": delivery.subject,
            "title": delivery.subject,
            "text": delivery.text.replace("\n", "<br>"),
        }
    return {"text": delivery.text}


def _send_chat(delivery: Delivery) -> None:
    hook = delivery.webhook
    if hook is None:
        raise DeliveryRefused("The webhook was removed.")
    try:
        url = services.webhook_url_check(webhook_url_decrypt(hook.url_encrypted))
    except (WebhookUrlError, services.NotificationError) as exc:
        raise DeliveryRefused(str(exc)) from exc
    try:
        response = requests.post(
            url,
            json=chat_payload(delivery),
            timeout=settings.NOTIFICATIONS_WEBHOOK_TIMEOUT,
            allow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )
    except requests.RequestException as exc:
        # The exception text may repeat the URL (a secret): keep only its kind.
        raise DeliveryRetryable(f"Could not reach the webhook ({type(exc).__name__}).") from exc
    _check_answer(response)


def _check_answer(response: requests.Response) -> None:
    if 200 <= response.status_code < 300:
        return
    snippet = response.text[:200].strip()
    message = f"The webhook answered {response.status_code}" + (f": {snippet}" if snippet else ".")
    if response.status_code == 429 or response.status_code >= 500:
        raise DeliveryRetryable(message)
    raise DeliveryRefused(message)
