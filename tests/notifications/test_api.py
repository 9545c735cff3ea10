"""Notifications API: own notifications only (another's id is 404 and nothing changes), unread
count, mark read, preferences, own webhooks with a write-only URL, admins' failing list."""

from __future__ import annotations

import pytest

from workbench.notifications import services
from workbench.notifications.models import (
    ChatWebhook,
    Notification,
    NotificationKind,
    NotificationPreference,
)

pytestmark = pytest.mark.django_db

KIND = NotificationKind.GRANT_EXPIRING
SLACK = "https://hooks.slack.com/services/T0/B0/abcdefghSECRETxyz1"


def _note(user, title: str = "Your grant on sales.orders ends in 3 days") -> Notification:
    [made] = services.notify(recipients=[user], kind=KIND, title=title, url="/catalog/")
    return made


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notifications/"),
        ("get", "/api/notifications/unread-count/"),
        ("post", "/api/notifications/read-all/"),
        ("get", "/api/notifications/preferences/"),
        ("get", "/api/notifications/webhooks/"),
        ("get", "/api/notifications/failing-webhooks/"),
    ],
)
def test_anonymous_gets_401(api_client_for, method: str, path: str) -> None:
    response = getattr(api_client_for(None), method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("persona", ["outsider", "analyst", "admin"])
def test_list_shows_only_own_notifications(api_client_for, request, persona: str, steward) -> None:
    user = request.getfixturevalue(persona)
    _note(steward, title="steward only")
    mine = _note(user, title="mine")
    body = api_client_for(user).get("/api/notifications/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert (item["id"], item["title"], item["is_read"]) == (mine.pk, "mine", False)
    assert item["kind_label"] == "Grant about to expire"


def test_list_is_paginated_and_filters_unread(
    api_client_for, analyst, django_assert_max_num_queries
) -> None:
    for n in range(5):
        _note(analyst, title=f"n{n}")
    services.notification_mark_read(notification=Notification.objects.first())
    client = api_client_for(analyst)
    with django_assert_max_num_queries(4):
        body = client.get("/api/notifications/", {"page_size": 2}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"]
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 4
    bad = client.get("/api/notifications/", {"unread": "maybe"})
    assert bad.status_code == 400
    assert "unread" in bad.json()["error"]["fields"]


def test_unread_count_and_mark_read(api_client_for, analyst) -> None:
    first = _note(analyst)
    _note(analyst)
    client = api_client_for(analyst)
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 2}
    response = client.post(f"/api/notifications/{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert client.get("/api/notifications/unread-count/").json() == {"unread": 1}
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", ""), ("post", "read/")], ids=["retrieve", "mark-read"]
)
def test_another_persons_notification_is_404(
    api_client_for, analyst, steward, method: str, suffix: str
) -> None:
    theirs = _note(steward)
    response = getattr(api_client_for(analyst), method)(f"/api/notifications/{theirs.pk}/{suffix}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_get_and_put(api_client_for, analyst) -> None:
    client = api_client_for(analyst)
    body = client.get("/api/notifications/preferences/").json()
    rows = {row["kind"]: row for row in body["preferences"]}
    assert set(rows) == set(NotificationKind.values)
    assert rows[KIND] == {
        "kind": KIND,
        "kind_label": "Grant about to expire",
        "in_app": True,
        "email": True,
        "chat": False,
        "is_default": True,
    }
    response = client.put(
        "/api/notifications/preferences/",
        {"preferences": [{"kind": KIND, "in_app": True, "email": False, "chat": True}]},
    )
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()["preferences"]}
    assert (rows[KIND]["email"], rows[KIND]["chat"], rows[KIND]["is_default"]) == (
        False,
        True,
        False,
    )
    assert rows["metric_red"]["is_default"] is True


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(
            {"preferences": [{"kind": "gossip", "in_app": 1, "email": 1, "chat": 1}]}, id="kind"
        ),
        pytest.param({"preferences": [{"kind": KIND}]}, id="missing-channels"),
        pytest.param({}, id="empty"),
    ],
)
def test_preferences_put_refuses_bad_input_and_changes_nothing(
    api_client_for, analyst, payload
) -> None:
    response = api_client_for(analyst).put("/api/notifications/preferences/", payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not NotificationPreference.objects.exists()


def test_webhook_crud_never_returns_the_url(api_client_for, analyst) -> None:
    client = api_client_for(analyst)
    created = client.post(
        "/api/notifications/webhooks/", {"name": "Me", "url": SLACK, "flavour": "slack"}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert "url" not in body
    assert "SECRET" not in str(body)
    assert body["url_hint"] == "hooks.slack.com/…xyz1"
    hook_id = body["id"]
    listed = client.get("/api/notifications/webhooks/").json()
    assert [item["id"] for item in listed["results"]] == [hook_id]
    renamed = client.patch(f"/api/notifications/webhooks/{hook_id}/", {"name": "Team"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Team"
    tested = client.post(f"/api/notifications/webhooks/{hook_id}/test/")
    assert tested.status_code == 202
    assert client.delete(f"/api/notifications/webhooks/{hook_id}/").status_code == 204
    assert not ChatWebhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://hooks.slack.com/services/x", id="plain-http"),
        pytest.param("https://10.0.0.5/hook", id="internal-address"),
        pytest.param("https://user:pw@hooks.slack.com/x", id="credentials"),
        pytest.param("https://hooks.slack.com.evil.example/x", id="look-alike-host"),
        pytest.param("hooks", id="not-a-url"),
    ],
)
def test_webhook_refuses_addresses_outside_the_allowed_chat_hosts(
    api_client_for, analyst, url: str
) -> None:
    response = api_client_for(analyst).post("/api/notifications/webhooks/", {"url": url})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["url"]
    assert not ChatWebhook.objects.exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_persons_webhook_is_404_and_unchanged(
    api_client_for, analyst, steward, method: str
) -> None:
    hook = services.webhook_create(actor=steward, owner=steward, name="theirs", url=SLACK)
    response = getattr(api_client_for(analyst), method)(
        f"/api/notifications/webhooks/{hook.pk}/", {"name": "mine now"}
    )
    assert response.status_code == 404
    hook.refresh_from_db()
    assert hook.name == "theirs"
    test = api_client_for(analyst).post(f"/api/notifications/webhooks/{hook.pk}/test/")
    assert test.status_code == 404
    assert not hook.deliveries.exists()


def test_organisation_webhooks_are_not_in_anyones_own_list(api_client_for, analyst, admin) -> None:
    services.webhook_create(actor=admin, owner=None, name="org", url=SLACK)
    assert api_client_for(admin).get("/api/notifications/webhooks/").json()["count"] == 0


def test_webhook_limit_per_person(api_client_for, analyst) -> None:
    for n in range(10):
        services.webhook_create(actor=analyst, owner=analyst, name=f"h{n}", url=SLACK)
    response = api_client_for(analyst).post("/api/notifications/webhooks/", {"url": SLACK})
    assert response.status_code == 409
    assert ChatWebhook.objects.count() == 10


@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward"])
def test_failing_webhooks_refused_without_permission(
    api_client_for, request, persona, admin
) -> None:
    hook = services.webhook_create(actor=admin, owner=None, name="org", url=SLACK)
    ChatWebhook.objects.filter(pk=hook.pk).update(consecutive_failures=2)
    response = api_client_for(request.getfixturevalue(persona)).get(
        "/api/notifications/failing-webhooks/"
    )
    assert response.status_code == 403
    assert "Platform admin" in response.json()["error"]["message"]


def test_failing_webhooks_for_admin(
    api_client_for, admin, analyst, django_assert_max_num_queries
) -> None:
    for n in range(3):
        hook = services.webhook_create(actor=analyst, owner=analyst, name=f"h{n}", url=SLACK)
        ChatWebhook.objects.filter(pk=hook.pk).update(consecutive_failures=n, last_error="500")
    client = api_client_for(admin)
    with django_assert_max_num_queries(4):
        body = client.get("/api/notifications/failing-webhooks/").json()
    assert body["count"] == 2
    assert {item["owner"] for item in body["results"]} == {"analyst"}
    assert all("url" not in item for item in body["results"])
