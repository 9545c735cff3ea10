"""Notification pages: four-way persona tests, IDOR (another person's ids are 404 and change
nothing), htmx mark read, preferences and webhooks that keep what was typed on error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workbench.audit.models import AuditEvent
from workbench.notifications import services
from workbench.notifications.models import (
    ChatWebhook,
    Notification,
    NotificationKind,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db

KIND = NotificationKind.ACCESS_REQUEST_DECIDED


def _note(user, title: str = "Your access request for sales.orders was approved") -> Notification:
    [made] = services.notify(recipients=[user], kind=KIND, title=title, url="/catalog/")
    return made


@pytest.mark.parametrize(
    "url_name", ["notifications:list", "notifications:preferences"], ids=["centre", "preferences"]
)
def test_anonymous_is_sent_to_sign_in(client_for, url_name: str) -> None:
    response = client_for(None).get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["outsider", "analyst", "admin"])
def test_everyone_signed_in_sees_only_their_own(client_for, request, persona: str, steward) -> None:
    user = request.getfixturevalue(persona)
    _note(steward, title="Steward's own news")
    _note(user, title=f"News for {persona}")
    response = client_for(user).get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"News for {persona}" in page
    assert "Steward&#x27;s own news" not in page
    assert "Steward's own news" not in page


def test_empty_state(client_for, analyst) -> None:
    page = client_for(analyst).get(reverse("notifications:list")).content.decode()
    assert 'data-testid="notifications-empty"' in page
    assert "Mark all read" not in page


def test_navigation_shows_the_unread_count_with_a_label(client_for, analyst) -> None:
    _note(analyst)
    _note(analyst)
    page = client_for(analyst).get(reverse("core:home")).content.decode()
    assert (
        '<span data-testid="unread-count">2</span><span class="visually-hidden"> unread</span>'
        in page
    )


def test_unread_come_first(client_for, analyst) -> None:
    older = _note(analyst, title="Older unread")
    newer = _note(analyst, title="Newer read")
    services.notification_mark_read(notification=newer)
    page = client_for(analyst).get(reverse("notifications:list")).content.decode()
    assert page.index("Older unread") < page.index("Newer read")
    assert older.pk != newer.pk


def test_mark_read_with_htmx_updates_the_item_and_the_badge(client_for, analyst) -> None:
    first = _note(analyst)
    _note(analyst)
    response = client_for(analyst).post(
        reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{first.pk}"' in body
    assert 'data-read="true"' in body
    assert 'hx-swap-oob="true"' in body
    assert '<span data-testid="unread-count">1</span>' in body
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_all_read(client_for, analyst) -> None:
    _note(analyst)
    _note(analyst)
    response = client_for(analyst).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_open_marks_read_and_goes_to_the_thing(client_for, analyst) -> None:
    note = _note(analyst)
    response = client_for(analyst).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"
    note.refresh_from_db()
    assert note.is_read


def test_open_never_redirects_off_site(client_for, analyst) -> None:
    [note] = services.notify(
        recipients=[analyst], kind=KIND, title="x", url="https://evil.example/"
    )
    response = client_for(analyst).get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("post", "notifications:read"),
        ("get", "notifications:open"),
    ],
    ids=["mark-read", "open"],
)
def test_another_persons_notification_is_404_and_unchanged(
    client_for, analyst, steward, method: str, url_name: str
) -> None:
    theirs = _note(steward)
    response = getattr(client_for(analyst), method)(reverse(url_name, args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_page_saves_choices(client_for, analyst) -> None:
    client = client_for(analyst)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="access_request_decided__email"' in page
    response = client.post(
        reverse("notifications:preferences"),
        {"access_request_decided__in_app": "on", "metric_red__email": "on"},
    )
    assert response.status_code == 302
    decided = NotificationPreference.objects.get(user=analyst, kind=KIND)
    assert (decided.in_app, decided.email, decided.chat) == (True, False, False)
    assert NotificationPreference.objects.get(user=analyst, kind="metric_red").email is True


def test_webhook_add_refuses_a_bad_address_and_keeps_what_was_typed(client_for, analyst) -> None:
    response = client_for(analyst).post(
        reverse("notifications:webhook_add"),
        {"name": "Team channel", "url": "http://10.0.0.5/hook", "flavour": "teams"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the webhook&#x27;s full https:// address" in page
    assert 'value="Team channel"' in page
    assert 'value="http://10.0.0.5/hook"' in page
    assert '<option value="teams" selected>' in page
    assert not ChatWebhook.objects.exists()


def test_webhook_add_stores_the_url_encrypted_and_never_shows_it(client_for, analyst) -> None:
    url = "https://hooks.slack.com/services/T0/B0/abcdefghSECRETxyz1"
    client = client_for(analyst)
    response = client.post(
        reverse("notifications:webhook_add"), {"name": "Me", "url": url, "flavour": "slack"}
    )
    assert response.status_code == 302
    hook = ChatWebhook.objects.get()
    assert hook.owner == analyst
    assert "SECRET" not in hook.url_encrypted
    assert hook.url_hint == "hooks.slack.com/…xyz1"
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "SECRET" not in page
    assert "hooks.slack.com/…xyz1" in page
    event = AuditEvent.objects.get(action="notifications.webhook.created")
    assert "SECRET" not in str(event.detail) + event.target_label


@pytest.mark.parametrize("url_name", ["notifications:webhook_test", "notifications:webhook_delete"])
def test_another_persons_webhook_is_404_and_unchanged(
    client_for, analyst, steward, url_name: str
) -> None:
    hook = services.webhook_create(
        actor=steward, owner=steward, name="theirs", url="https://hooks.slack.com/services/x/y/z"
    )
    response = client_for(analyst).post(reverse(url_name, args=[hook.pk]))
    assert response.status_code == 404
    assert ChatWebhook.objects.filter(pk=hook.pk).exists()
    assert not hook.deliveries.exists()


def test_own_webhook_remove(client_for, analyst) -> None:
    hook = services.webhook_create(
        actor=analyst, owner=analyst, name="mine", url="https://hooks.slack.com/services/x/y/z"
    )
    response = client_for(analyst).post(reverse("notifications:webhook_delete", args=[hook.pk]))
    assert response.status_code == 302
    assert not ChatWebhook.objects.exists()


# --- the admins' failing-webhooks page: four ways --------------------------------------------


def test_failing_webhooks_anonymous(client_for) -> None:
    response = client_for(None).get(reverse("notifications:failing_webhooks"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward"])
def test_failing_webhooks_refused_without_the_permission(
    client_for, request, persona: str, admin
) -> None:
    hook = services.webhook_create(
        actor=admin, owner=None, name="Platform channel", url="https://hooks.slack.com/services/a"
    )
    ChatWebhook.objects.filter(pk=hook.pk).update(consecutive_failures=3, last_error="boom")
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("notifications:failing_webhooks")
    )
    assert response.status_code == 403
    assert b"Platform channel" not in response.content
    assert "Platform admin" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="notifications.failing_webhooks.view", outcome="denied"
    ).exists()


def test_failing_webhooks_shown_to_admin(client_for, admin, analyst) -> None:
    hook = services.webhook_create(
        actor=analyst, owner=analyst, name="Analyst chat", url="https://hooks.slack.com/services/a"
    )
    ChatWebhook.objects.filter(pk=hook.pk).update(
        consecutive_failures=5, disabled_at="2026-01-01T00:00:00Z", last_error="answered 500"
    )
    page = client_for(admin).get(reverse("notifications:failing_webhooks")).content.decode()
    assert "Analyst chat" in page
    assert "answered 500" in page
    assert "Disabled" in page
    assert "analyst" in page


def test_failing_webhooks_empty_state(client_for, admin) -> None:
    page = client_for(admin).get(reverse("notifications:failing_webhooks")).content.decode()
    assert 'data-testid="failing-empty"' in page
