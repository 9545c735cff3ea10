"""Email and chat deliveries sent by a real Celery worker, to the locmem outbox and to a webhook
receiver on loopback: retries with back-off, then failed; a webhook failing repeatedly is disabled.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail

from workbench.notifications import services
from workbench.notifications.models import (
    ChatFlavour,
    ChatWebhook,
    Delivery,
    DeliveryStatus,
    NotificationKind,
)

pytestmark = pytest.mark.worker

TITLE = "Access request for sales.orders waits for you"


def _wait(predicate: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _settled(count: int) -> bool:
    return Delivery.objects.exclude(status=DeliveryStatus.PENDING).count() >= count


def _hook(user: Any, url: str, flavour: str = ChatFlavour.SLACK) -> ChatWebhook:
    return services.webhook_create(actor=user, owner=user, name="mine", url=url, flavour=flavour)


def test_email_and_chat_are_delivered(celery_worker, steward, webhook_receiver) -> None:
    _hook(steward, webhook_receiver.url)
    services.notify(
        recipients=[steward],
        kind=NotificationKind.ACCESS_REQUEST_PENDING,
        title=TITLE,
        body="Purpose: churn analysis.",
        url="/catalog/",
    )
    [body] = webhook_receiver.wait_for(1)
    assert body == {
        "text": f"{TITLE}\n\nPurpose: churn analysis.\n\nhttp://localhost:8000/catalog/"
    }
    assert webhook_receiver.headers[0]["Content-Type"] == "application/json"
    _wait(lambda: _settled(2))
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    [message] = mail.outbox
    assert message.to == [steward.email]
    assert message.subject == f"[Workbench] {TITLE}"
    assert "http://localhost:8000/catalog/" in message.body
    hook = ChatWebhook.objects.get()
    assert hook.last_success_at is not None
    assert hook.consecutive_failures == 0


def test_teams_gets_a_message_card(celery_worker, steward, webhook_receiver) -> None:
    _hook(steward, webhook_receiver.url, flavour=ChatFlavour.TEAMS)
    services.notify(recipients=[steward], kind=NotificationKind.GRANT_EXPIRING, title="Grant ends")
    [body] = webhook_receiver.wait_for(1)
    assert body["@type"] == "MessageCard"
    assert body["title"] == body["summary"] == "Grant ends"
    assert body["text"] == "Grant ends"


def test_retries_with_back_off_then_fails_and_disables_the_webhook(
    celery_worker, steward, webhook_receiver
) -> None:
    webhook_receiver.statuses = [500]
    _hook(steward, webhook_receiver.url)
    services.preferences_save(
        user=steward,
        choices={NotificationKind.ACCESS_REQUEST_PENDING: {"in_app": True, "chat": True}},
    )
    started = time.monotonic()
    for _ in range(2):
        services.notify(
            recipients=[steward], kind=NotificationKind.ACCESS_REQUEST_PENDING, title=TITLE
        )
    _wait(lambda: _settled(2))
    # 1 try + 2 retries each, waiting about 0.05 s then 0.1 s (±25 %) between them.
    assert len(webhook_receiver.bodies) == 6
    assert time.monotonic() - started >= 0.1
    deliveries = list(Delivery.objects.all())
    assert {d.status for d in deliveries} == {DeliveryStatus.FAILED}
    assert {d.attempts for d in deliveries} == {3}
    assert "The webhook answered 500: upstream trouble" in deliveries[0].last_error
    hook = ChatWebhook.objects.get()
    assert hook.consecutive_failures == 2
    assert hook.disabled_at is not None
    # A disabled webhook gets nothing more.
    services.notify(recipients=[steward], kind=NotificationKind.ACCESS_REQUEST_PENDING, title=TITLE)
    time.sleep(0.5)
    assert len(webhook_receiver.bodies) == 6
    assert Delivery.objects.count() == 2


def test_a_client_error_is_not_retried(celery_worker, steward, webhook_receiver) -> None:
    webhook_receiver.statuses = [404]
    _hook(steward, webhook_receiver.url)
    services.notify(recipients=[steward], kind=NotificationKind.MODEL_REVIEW, title="Review")
    _wait(lambda: _settled(2))
    assert len(webhook_receiver.bodies) == 1
    chat = Delivery.objects.get(webhook__isnull=False)
    assert (chat.status, chat.attempts) == (DeliveryStatus.FAILED, 1)


def test_unreachable_webhook_error_does_not_leak_its_url(celery_worker, steward, settings) -> None:
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP = True
    settings.NOTIFICATIONS_MAX_RETRIES = 0
    # Port 9 (discard) is closed on loopback: the connection is refused.
    _hook(steward, "http://127.0.0.1:9/services/SECRET-TOKEN")
    services.notify(recipients=[steward], kind=NotificationKind.MODEL_REVIEW, title="Review")
    _wait(lambda: _settled(2))
    chat = Delivery.objects.get(webhook__isnull=False)
    assert chat.status == DeliveryStatus.FAILED
    assert "Could not reach the webhook" in chat.last_error
    assert "SECRET-TOKEN" not in chat.last_error
    assert "SECRET-TOKEN" not in ChatWebhook.objects.get().last_error


def test_a_successful_test_message_enables_a_disabled_webhook(
    celery_worker, steward, webhook_receiver
) -> None:
    hook = _hook(steward, webhook_receiver.url)
    ChatWebhook.objects.filter(pk=hook.pk).update(
        consecutive_failures=5, disabled_at="2026-01-01T00:00:00Z", last_error="boom"
    )
    services.webhook_test(actor=steward, hook=hook)
    [body] = webhook_receiver.wait_for(1)
    assert body["text"].startswith("Workbench test message")
    _wait(lambda: _settled(1))
    hook.refresh_from_db()
    assert (hook.disabled_at, hook.consecutive_failures, hook.last_error) == (None, 0, "")


def test_organisation_webhook_gets_title_and_link_only(
    celery_worker, steward, admin, webhook_receiver
) -> None:
    services.webhook_create(
        actor=admin,
        owner=None,
        name="Data platform channel",
        url=webhook_receiver.url,
        kinds=[NotificationKind.SCAN_FAILED],
    )
    services.notify(
        recipients=[steward],
        kind=NotificationKind.SCAN_FAILED,
        title="Scan of Sales warehouse failed",
        body="password authentication failed for user sales_ro",
        url="/catalog/sources/scans/1/",
    )
    [body] = webhook_receiver.wait_for(1)
    assert body == {
        "text": "Scan of Sales warehouse failed\n\nhttp://localhost:8000/catalog/sources/scans/1/"
    }
    # Kinds it did not ask for are not posted.
    services.notify(recipients=[steward], kind=NotificationKind.BADGE_AWARDED, title="Badge")
    time.sleep(0.5)
    assert len(webhook_receiver.bodies) == 1
