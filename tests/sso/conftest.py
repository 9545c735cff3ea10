"""Single sign-on fixtures: a real provider process per test session; the workbench uses it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.sso.provider import Provider, callback_path, provider_running
from workbench.sso.defaults import DEFAULT_GROUP_ROLES
from workbench.sso.models import GroupRoleMapping
from workbench.sso.provider import provider_metadata_forget

CLIENT_ID = "workbench-tests"


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    with provider_running() as provider:
        yield provider


@pytest.fixture(scope="session")
def expiring_oidc_provider() -> Iterator[Provider]:
    """Issues ID tokens that expire one second after they are issued."""
    with provider_running(token_max_age=1) as provider:
        yield provider


@pytest.fixture
def default_group_roles(db: None) -> None:
    """The migration's default mapping (a transactional test elsewhere may have emptied it)."""
    for group, role in DEFAULT_GROUP_ROLES:
        GroupRoleMapping.objects.update_or_create(group=group, defaults={"role": role})


@pytest.fixture
def sso_configure(settings: Settings, tmp_path: Path) -> Callable[[str], None]:
    def configure(issuer: str) -> None:
        secret = tmp_path / "oidc-client-secret"
        secret.write_text("not-checked-by-the-test-provider\n")
        settings.OIDC_ISSUER = issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET_FILE = str(secret)
        settings.OIDC_PROVIDER_NAME = "Test IdP"
        settings.OIDC_CLOCK_SKEW_SECONDS = 0
        cache.clear()
        provider_metadata_forget()

    return configure


@pytest.fixture
def sso(
    sso_configure: Callable[[str], None], oidc_provider: Provider, default_group_roles: None
) -> Provider:
    sso_configure(oidc_provider.issuer)
    return oidc_provider


def claims_for(username: str, **overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "preferred_username": username,
        "email": f"{username}@example.com",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "department": "growth",
        "job_title": "Analyst",
        "region": "EU",
        "clearance": "internal",
        "groups": ["workbench-business-users"],
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def sso_sign_in(client: Client, provider: Provider, sub: str) -> Any:
    """The browser's round trip: start, the provider's page, back to the callback."""
    start = client.get(reverse("sso:start"))
    assert start.status_code == 302, start.content[:300]
    location = provider.authorize(start["Location"], sub)
    return client.get(callback_path(location))
