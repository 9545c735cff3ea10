"""Background sending of notification deliveries (thin: each task calls one service)."""

from __future__ import annotations

import random

from celery import Task, shared_task
from django.conf import settings

from workbench.notifications import sending


def retry_countdown(retries: int) -> float:
    """Exponential back-off with jitter: base × 2^retries, capped, ±25 %."""
    delay = min(
        settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS * (2**retries),
        settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS,
    )
    return delay * random.uniform(0.75, 1.25)  # noqa: S311 - jitter, not security


@shared_task(
    bind=True,
    name="notifications.delivery_send",
    acks_late=True,
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def delivery_send(self: Task, delivery_id: int, is_test: bool = False) -> str | None:
    """Send one email or chat message; retried with back-off on errors that may pass."""
    max_retries = 0 if is_test else settings.NOTIFICATIONS_MAX_RETRIES
    is_last_attempt = self.request.retries >= max_retries
    try:
        delivery = sending.delivery_attempt(
            delivery_id=delivery_id, is_last_attempt=is_last_attempt
        )
    except sending.DeliveryRetryable as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    return delivery.status if delivery else None
