"""What a person hits when the workbench refuses them: the admin, 403 pages, sign-in, the log."""

from __future__ import annotations

import io
import logging
import logging.config
from collections.abc import Iterator
from copy import deepcopy

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from workbench.accounts.models import User
from workbench.accounts.roles import Role, access_hint, roles_granting
from workbench.audit.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


@pytest.mark.parametrize("persona", ["outsider", "analyst", "auditor"])
def test_signed_in_non_admin_opening_admin_ends_on_the_403_page(
    request: pytest.FixtureRequest, client_for, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    # follow=True raises RedirectCycleError if /admin/ and the sign-in page send each other back.
    response = client_for(user).get("/admin/", follow=True)
    assert response.status_code == 403
    assert [url for url, _ in response.redirect_chain] == ["/admin/login/?next=/admin/"]
    html = response.content.decode()
    assert "Administration is for people with the Platform admin role" in html
    assert "ask a platform admin" in html
    assert "Site administration" not in html
    denial = AuditEvent.objects.get(action="admin.view", actor=user)
    assert denial.outcome == AuditOutcome.DENIED


def test_anonymous_opening_admin_is_asked_to_sign_in_with_a_reason(client: Client) -> None:
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"{LOGIN_URL}?next=/admin/"
    assert "Sign in to see that page" in response.content.decode()
    assert not AuditEvent.objects.filter(action="admin.view").exists()


def test_platform_admin_reaches_the_admin(client_for, admin: User) -> None:
    response = client_for(admin).get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == []
    # A platform admin who lands on the admin's sign-in address goes on to where they were headed.
    onward = client_for(admin).get("/admin/login/?next=/admin/accounts/user/")
    assert onward.status_code == 302
    assert onward["Location"] == "/admin/accounts/user/"


def test_admin_sign_in_refuses_to_send_anyone_off_site(client: Client, admin: User) -> None:
    client.force_login(admin)
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_403_names_the_role_and_who_grants_it_not_the_permission(client_for, analyst: User) -> None:
    response = client_for(analyst).get(reverse("audit:event_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is for people with the Auditor role" in html
    assert "ask a platform admin to give you that role" in html
    assert "audit.view_audit_trail" not in html
    assert "permission" not in html.lower().split("<main")[1]


def test_403_over_the_api_is_json_with_the_same_hint(client_for, analyst: User) -> None:
    response = client_for(analyst).get(reverse("audit:event_list"), HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert "Auditor role" in response.json()["error"]["message"]


def test_roles_granting_falls_back_to_platform_admins() -> None:
    assert roles_granting("audit.view_audit_trail") == [Role.AUDITOR]
    assert roles_granting("catalog.delete_everything") == [Role.PLATFORM_ADMIN]
    hint = access_hint(page="This page", roles=[Role.AUDITOR, Role.DATA_STEWARD])
    assert hint.startswith("This page is for people with the Auditor or Data steward role.")


def test_sign_in_page_says_why_when_sent_from_a_protected_page(client: Client) -> None:
    response = client.get(reverse("audit:event_list"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"{LOGIN_URL}?next=")
    assert "Sign in to see that page" in html


def test_sign_in_page_opened_directly_has_no_such_note(client: Client) -> None:
    html = client.get(LOGIN_URL).content.decode()
    assert "Sign in" in html
    assert "Sign in to see that page" not in html


def test_sign_in_page_ignores_an_off_site_next(client: Client) -> None:
    html = client.get(f"{LOGIN_URL}?next=https://evil.example/").content.decode()
    assert "Sign in to see that page" not in html
    assert "evil.example" not in html


@pytest.fixture
def text_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    config = deepcopy(settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "text"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_a_refusal_is_logged_as_one_line(client_for, analyst: User, text_log: io.StringIO) -> None:
    assert client_for(analyst).get(reverse("audit:event_list")).status_code == 403
    assert client_for(analyst).get("/admin/", follow=True).status_code == 403
    lines = text_log.getvalue().strip().splitlines()
    refusals = [line for line in lines if "Forbidden" in line]
    assert len(refusals) == 2, lines
    assert "/audit/" in refusals[0]
    assert "Traceback" not in text_log.getvalue()
    assert "PermissionDenied" not in text_log.getvalue()


def test_a_server_error_keeps_its_traceback(
    client: Client, settings, text_log: io.StringIO
) -> None:
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client.raise_request_exception = False
    assert client.get("/boom/").status_code == 500
    assert "Traceback" in text_log.getvalue()
