"""Sign-in, sign-out, throttling and password pages, with their audit events."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN_URL = reverse("accounts:login")


def _login(client: Client, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def test_login_signs_in_and_is_audited(client: Client, analyst: User) -> None:
    response = _login(client, "analyst", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor_id, event.outcome, event.target_id) == (analyst.pk, "done", str(analyst.pk))
    assert event.request_id
    assert event.ip == "127.0.0.1"


def test_failed_login_shows_clear_error_keeps_username_and_is_audited(
    client: Client, analyst: User
) -> None:
    response = _login(client, "analyst", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not match" in html
    assert 'value="analyst"' in html
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.actor_username, event.outcome, event.actor_id) == ("analyst", "denied", None)
    assert "not-the-password" not in str(event.detail)


def test_repeated_failed_logins_are_throttled(client: Client, analyst: User, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "analyst", "wrong")
    response = _login(client, "analyst", TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert 'value="analyst"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout").exists()


def test_throttle_is_per_account(client: Client, analyst: User, steward: User, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "analyst", "wrong")
    response = _login(client, "steward", TEST_PASSWORD)
    assert response.status_code == 302


def test_logout_requires_post_and_is_audited(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "You are signed out" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.logout", actor=analyst).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_change_keeps_session_and_is_audited(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.check_password("a much longer new passphrase")
    assert AuditEvent.objects.filter(action="auth.password_changed").exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_with_wrong_old_password_keeps_password(
    client: Client, analyst: User
) -> None:
    client.force_login(analyst)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()
    analyst.refresh_from_db()
    assert analyst.check_password(TEST_PASSWORD)


def test_password_reset_sends_a_working_link(client: Client, analyst: User) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": analyst.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset passphrase 2026", "new_password2": "reset passphrase 2026"},
    )
    analyst.refresh_from_db()
    assert analyst.check_password("reset passphrase 2026")
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=analyst).exists()


def test_password_reset_for_unknown_email_reveals_nothing(client: Client, analyst: User) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_admin_login_uses_the_workbench_sign_in(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
