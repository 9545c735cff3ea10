"""notify(): in-app rows in the caller's transaction, channels per preference, deliveries after
commit only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.factories import UserFactory
from workbench.notifications import selectors, services
from workbench.notifications.models import (
    Channel,
    ChatWebhook,
    Delivery,
    Notification,
    NotificationKind,
)

pytestmark = pytest.mark.django_db

KIND = NotificationKind.ACCESS_REQUEST_PENDING


def _notify(recipients: list[Any], kind: str = KIND, **kwargs: Any) -> list[Notification]:
    return services.notify(
        recipients=recipients,
        kind=kind,
        title=kwargs.pop("title", "Access request for sales.orders waits for you"),
        url=kwargs.pop("url", "/catalog/"),
        **kwargs,
    )


def test_notify_writes_one_unread_row_per_active_recipient(
    steward, owner, django_capture_on_commit_callbacks
) -> None:
    gone = UserFactory(username="leaver", is_active=False)
    with django_capture_on_commit_callbacks(execute=False):
        made = _notify([steward, owner, steward, gone])
    assert sorted(n.recipient.username for n in made) == ["owner", "steward"]
    assert Notification.objects.filter(recipient=steward, read_at__isnull=True).count() == 1
    assert not Notification.objects.filter(recipient=gone).exists()


def test_notify_remembers_the_target(steward, department) -> None:
    [made] = _notify([steward], target=department)
    assert (made.target_type, made.target_id) == ("accounts.department", str(department.pk))
    assert made.target_label == str(department)


def test_rolled_back_action_notifies_nobody(steward, django_capture_on_commit_callbacks) -> None:
    def approve_then_fail() -> None:
        with transaction.atomic():
            _notify([steward])
            raise RuntimeError("the approval failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="approval failed"):
            approve_then_fail()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_unknown_kind_is_refused(steward) -> None:
    with pytest.raises(services.NotificationError, match="Unknown notification kind"):
        _notify([steward], kind="gossip")
    assert not Notification.objects.exists()


def test_email_deliveries_are_created_only_after_commit(
    steward, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([steward])
    assert not Delivery.objects.exists()
    for callback in callbacks:
        callback()
    delivery = Delivery.objects.get()
    assert delivery.channel == Channel.EMAIL
    assert delivery.notification.recipient == steward
    assert delivery.text.endswith("http://localhost:8000/catalog/")


@pytest.mark.parametrize(
    ("kind", "email"),
    [
        pytest.param(NotificationKind.ACCESS_REQUEST_PENDING, True, id="request-waiting-mailed"),
        pytest.param(NotificationKind.GRANT_EXPIRING, True, id="expiring-mailed"),
        pytest.param(NotificationKind.SCAN_FAILED, True, id="scan-failed-mailed"),
        pytest.param(NotificationKind.METRIC_RED, False, id="metric-in-app-only"),
        pytest.param(NotificationKind.BADGE_AWARDED, False, id="badge-in-app-only"),
    ],
)
def test_default_channels(analyst, kind: str, email: bool) -> None:
    choice = selectors.preferences_for(users=[analyst])[analyst.pk][kind]
    assert (choice.in_app, choice.email, choice.chat, choice.is_default) == (
        True,
        email,
        False,
        True,
    )


def test_chat_is_on_by_default_once_the_person_has_a_webhook(analyst) -> None:
    ChatWebhook.objects.create(owner=analyst, name="me", url_encrypted="x", url_hint="h")
    choices = selectors.preferences_for(users=[analyst])[analyst.pk]
    assert choices[NotificationKind.ACCESS_REQUEST_DECIDED].chat is True
    assert choices[NotificationKind.METRIC_RED].chat is False


def test_preferences_are_respected(steward, django_capture_on_commit_callbacks) -> None:
    services.preferences_save(
        user=steward, choices={KIND: {"in_app": False, "email": False, "chat": False}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        [made] = _notify([steward])
    # Kept as history, but already read: it never shows as unread.
    assert made.read_at is not None
    assert selectors.notification_unread_count(user=steward) == 0
    assert not Delivery.objects.exists()


def test_email_only_when_the_person_has_an_address(
    steward, django_capture_on_commit_callbacks
) -> None:
    steward.email = ""
    steward.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([steward])
    assert not Delivery.objects.exists()


def test_preferences_refuse_unknown_kinds(steward) -> None:
    with pytest.raises(services.NotificationError):
        services.preferences_save(user=steward, choices={"gossip": {"email": True}})


def test_preferences_for_many_users_take_two_queries(
    analyst, steward, owner, django_assert_max_num_queries
) -> None:
    services.preferences_save(user=steward, choices={KIND: {"email": False}})
    with django_assert_max_num_queries(2):
        choices = selectors.preferences_for(users=[analyst, steward, owner])
    assert choices[steward.pk][KIND].email is False
    assert choices[analyst.pk][KIND].email is True


def test_mark_read_and_all_read(steward) -> None:
    first, *_ = _notify([steward]) + _notify([steward]) + _notify([steward])
    services.notification_mark_read(notification=first)
    assert selectors.notification_unread_count(user=steward) == 2
    assert services.notifications_mark_all_read(user=steward) == 2
    assert selectors.notification_unread_count(user=steward) == 0


def test_list_puts_unread_first(steward) -> None:
    older = _notify([steward], title="older")[0]
    newer = _notify([steward], title="newer")[0]
    services.notification_mark_read(notification=newer)
    assert list(selectors.notification_list(user=steward)) == [older, newer]
