"""The demo notifications load once: running load_demo again adds nothing."""

from __future__ import annotations

import pytest

from workbench.notifications.demo import DEMO_WEBHOOK_NAME, notifications_demo_load
from workbench.notifications.models import ChatWebhook, Notification

pytestmark = pytest.mark.django_db


def test_demo_notifications_are_idempotent(analyst, steward, admin) -> None:
    first = notifications_demo_load()
    assert first.created == 6
    assert first.webhook_created
    assert Notification.objects.filter(recipient=analyst).count() == 3
    again = notifications_demo_load()
    assert (again.created, again.webhook_created) == (0, False)
    assert Notification.objects.count() == 6
    hook = ChatWebhook.objects.get(name=DEMO_WEBHOOK_NAME)
    assert hook.owner is None
    assert hook.is_disabled
