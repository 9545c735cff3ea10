"""Sign-in throttled per address over all usernames; password reset per address and per account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _login(username: str, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": username, "password": password}
    )


def test_many_usernames_from_one_address_are_throttled(settings, analyst: User) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("alice", "bob", "carol"):
        assert _login(name, "wrong").status_code == 200
    refused = _login("analyst", TEST_PASSWORD)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many failed sign-in attempts from your network address" in html
    assert 'value="analyst"' in html
    assert "_auth_user_id" not in refused.client.session
    assert AuditEvent.objects.filter(action="auth.login_throttled").count() == 1
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_other_addresses_are_not_throttled(settings, analyst: User) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    for name in ("alice", "bob"):
        _login(name, "wrong")
    assert _login("analyst", TEST_PASSWORD, address="10.0.0.2").status_code == 302


def test_below_the_address_limit_sign_in_works(settings, analyst: User) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("alice", "bob"):
        _login(name, "wrong")
    assert _login("analyst", TEST_PASSWORD).status_code == 302


def _reset(email: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address).post(reverse("accounts:password_reset"), {"email": email})


@pytest.mark.parametrize("email", ["analyst@acme.example", "nobody@acme.example"])
def test_reset_is_throttled_per_account_the_same_for_unknown_addresses(
    settings, analyst: User, email: str
) -> None:
    settings.PASSWORD_RESET_PER_ACCOUNT = 2
    first = _reset(email, "10.0.0.1")
    second = _reset(email.upper(), "10.0.0.2")
    assert (first.status_code, second.status_code) == (302, 302)
    sent = len(mail.outbox)
    third = _reset(email, "10.0.0.3")
    assert third.status_code == 429
    html = third.content.decode()
    assert "Too many reset requests" in html
    assert f'value="{email}"' in html
    assert len(mail.outbox) == sent
    assert AuditEvent.objects.filter(action="auth.password_reset_throttled").count() == 1


def test_reset_is_throttled_per_address(settings, analyst: User, steward: User) -> None:
    settings.PASSWORD_RESET_PER_ADDRESS = 2
    assert _reset("one@acme.example").status_code == 302
    assert _reset("two@acme.example").status_code == 302
    assert _reset("analyst@acme.example").status_code == 429
    assert _reset("analyst@acme.example", address="10.0.0.9").status_code == 302
    assert [message.to for message in mail.outbox] == [["analyst@acme.example"]]


def test_reset_with_a_malformed_address_is_refused_without_counting(settings) -> None:
    settings.PASSWORD_RESET_PER_ADDRESS = 1
    response = _reset("not-an-email")
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()
    assert _reset("someone@acme.example").status_code == 302
