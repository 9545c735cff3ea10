"""The sign-in page's single sign-on button; local passwords only for the break-glass admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.factories import TEST_PASSWORD, UserFactory
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _password_sign_in(username: str, password: str = TEST_PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client, response


def _is_signed_in(client: Client) -> bool:
    return client.get(reverse("api-me")).status_code == 200


def test_break_glass_mode_refuses_passwords_of_everyone_but_superusers(
    settings: Settings, analyst: User
) -> None:
    settings.LOCAL_LOGIN = "breakglass"

    client, response = _password_sign_in("analyst")

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "switched off here except for the break-glass" in response.content.decode()  # type: ignore[attr-defined]
    assert 'value="analyst"' in response.content.decode()  # type: ignore[attr-defined]
    assert not _is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_username="analyst").exists()


def test_break_glass_mode_lets_the_superuser_in(settings: Settings, db: None) -> None:
    settings.LOCAL_LOGIN = "breakglass"
    User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD)

    client, response = _password_sign_in("root")

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert _is_signed_in(client)


def test_break_glass_mode_still_refuses_a_wrong_superuser_password(
    settings: Settings, db: None
) -> None:
    settings.LOCAL_LOGIN = "breakglass"
    User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD)

    client, response = _password_sign_in("root", "wrong-password")

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert not _is_signed_in(client)


def test_by_default_everyone_signs_in_with_a_password(analyst: User) -> None:
    client, response = _password_sign_in("analyst")

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert _is_signed_in(client)


def test_the_sign_in_page_offers_the_provider_when_configured(settings: Settings, db: None) -> None:
    settings.OIDC_ISSUER = "https://idp.example.com"
    settings.OIDC_RP_CLIENT_ID = "workbench"
    settings.OIDC_PROVIDER_NAME = "Acme SSO"
    settings.LOCAL_LOGIN = "breakglass"

    page = Client().get(reverse("accounts:login") + "?next=/catalog/").content.decode()

    assert "Sign in with Acme SSO" in page
    assert reverse("sso:start") + "?next=/catalog/" in page
    assert "only for the break-glass administrator" in page


def test_without_configuration_there_is_no_single_sign_on(settings: Settings, db: None) -> None:
    settings.OIDC_ISSUER = ""

    page = Client().get(reverse("accounts:login")).content.decode()

    assert 'data-testid="sso-sign-in"' not in page
    assert Client().get(reverse("sso:start")).status_code == 404
    assert Client().get(reverse("sso:callback") + "?code=x&state=y").status_code == 404


def test_a_deactivated_users_session_no_longer_loads(client_for, db: None) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="leaver")
    client = client_for(user)
    assert _is_signed_in(client)

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert not _is_signed_in(client)
