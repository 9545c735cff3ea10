"""X-Request-ID from outside is trusted only behind a configured proxy; else the server makes it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client: Client, request_id: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"),
        {"username": "analyst", "password": TEST_PASSWORD},
        HTTP_X_REQUEST_ID=request_id,
    )


def test_client_cannot_choose_the_request_id_without_a_proxy(
    client: Client, settings, analyst: User
) -> None:
    settings.TRUST_UPSTREAM_REQUEST_ID = False
    response = _login(client, "chosen-by-caller")
    assert response["X-Request-ID"] != "chosen-by-caller"
    assert len(response["X-Request-ID"]) == 32
    event = AuditEvent.objects.get(action="auth.login")
    assert event.request_id == response["X-Request-ID"]


def test_api_caller_cannot_choose_the_request_id(api_client_for, settings, analyst: User) -> None:
    settings.TRUST_UPSTREAM_REQUEST_ID = False
    response = api_client_for(analyst).get("/api/me/", HTTP_X_REQUEST_ID="forged-id")
    assert response["X-Request-ID"] != "forged-id"


def test_proxy_request_id_is_kept_behind_a_proxy(client: Client, settings, analyst: User) -> None:
    settings.TRUST_UPSTREAM_REQUEST_ID = True
    response = _login(client, "lb-trace-42")
    assert response["X-Request-ID"] == "lb-trace-42"
    assert AuditEvent.objects.get(action="auth.login").request_id == "lb-trace-42"


def test_malformed_id_is_replaced_even_behind_a_proxy(client: Client, settings) -> None:
    settings.TRUST_UPSTREAM_REQUEST_ID = True
    response = client.get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("env", "trusted"),
    [
        ({}, False),
        ({"WORKBENCH_BEHIND_PROXY": "1"}, True),
        ({"WORKBENCH_PROXY_COUNT": "1"}, True),
        ({"WORKBENCH_BEHIND_PROXY": "0", "WORKBENCH_PROXY_COUNT": "0"}, False),
    ],
    ids=["default", "behind-proxy", "proxy-count", "explicitly-off"],
)
def test_trust_follows_the_proxy_settings(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], trusted: bool
) -> None:
    import importlib

    import workbench.settings as settings_module

    for name in ("WORKBENCH_BEHIND_PROXY", "WORKBENCH_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        assert importlib.reload(settings_module).TRUST_UPSTREAM_REQUEST_ID is trusted
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)
