"""Home page, navigation, error pages and request ids."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from workbench.accounts.models import User
from workbench.accounts.roles import ROLE_SPECS
from workbench.accounts.selectors import user_roles
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return html.split('aria-label="Main"')[1].split("</nav>")[0]


def test_home_for_anonymous_is_the_landing_page(client_for) -> None:
    response = client_for(None).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in" in html
    assert "Audit trail" not in html


def test_home_for_outsider_explains_missing_role(client_for, outsider: User) -> None:
    html = client_for(outsider).get("/").content.decode()
    assert "Your account has no role yet" in html
    assert "Audit trail" not in _nav(html)
    assert "Administration" not in _nav(html)


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("analyst", ["Home", "API"], ["Audit trail", "Administration"]),
        ("steward", ["Home", "API"], ["Audit trail", "Administration"]),
        ("auditor", ["Home", "Audit trail"], ["Administration"]),
        ("admin", ["Home", "Audit trail", "Administration"], []),
    ],
)
def test_navigation_shows_only_what_the_user_may_open(
    request: pytest.FixtureRequest, client_for, persona: str, shown, hidden
) -> None:
    user: User = request.getfixturevalue(persona)
    nav = _nav(client_for(user).get("/").content.decode())
    for title in shown:
        assert f">{title}</a>" in nav
    for title in hidden:
        assert f">{title}</a>" not in nav


@pytest.mark.parametrize(
    ("persona", "role_text"),
    [
        ("analyst", "Find trusted data"),
        ("steward", "Curate your domain"),
        ("reviewer", "Review citizen models"),
        ("hr", "Follow literacy progress"),
        ("owner", "accountable"),
        ("admin", "Connect data sources"),
    ],
)
def test_home_tells_each_persona_what_they_can_do(
    request: pytest.FixtureRequest, client_for, persona: str, role_text: str
) -> None:
    html = client_for(request.getfixturevalue(persona)).get("/").content.decode()
    assert role_text in html


def test_home_query_count_is_pinned(
    client_for, steward: User, django_assert_max_num_queries
) -> None:
    client = client_for(steward)
    # +1 since the navigation shows the unread notifications count.
    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


def test_404_page_is_styled_without_details(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing at this address" in html
    assert "Traceback" not in html


def test_api_404_is_json(client: Client) -> None:
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_500_page_hides_the_error(client: Client, settings) -> None:
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret-internal-detail" not in html
    assert response["X-Request-ID"] in html


def test_security_headers_and_csp_without_inline_scripts(client_for, analyst: User) -> None:
    response = client_for(analyst).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_request_id_is_echoed_and_lands_in_audit(client: Client, settings, analyst: User) -> None:
    from tests.factories import TEST_PASSWORD

    settings.TRUST_UPSTREAM_REQUEST_ID = (
        True  # behind our proxy (tests/core/test_api_request_id.py)
    )

    response = client.post(
        reverse("accounts:login"),
        {"username": "analyst", "password": TEST_PASSWORD},
        HTTP_X_REQUEST_ID="lb-trace-42",
    )
    assert response["X-Request-ID"] == "lb-trace-42"
    assert AuditEvent.objects.get(action="auth.login").request_id == "lb-trace-42"


def test_malformed_request_id_is_replaced(client: Client) -> None:
    response = client.get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 32


def test_static_assets_come_from_the_app_not_a_cdn(client_for, analyst: User) -> None:
    html = client_for(analyst).get("/").content.decode()
    assert "https://" not in html.split("<body")[0]
    for asset in [
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/django_htmx/htmx-2.min.js",
    ]:
        assert asset in html


@pytest.mark.parametrize("persona", [None, "outsider", "analyst"])
def test_openapi_schema_and_docs_are_served(
    request: pytest.FixtureRequest, client_for, persona: str | None
) -> None:
    client = client_for(request.getfixturevalue(persona) if persona else None)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.")
    assert {"/api/me/", "/api/audit/events/"} <= set(body["paths"])
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    csp = docs["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_stale_form_gets_a_styled_explanation(analyst: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    response = client.post(reverse("accounts:api_token_issue"))
    assert response.status_code == 403
    assert "Reload the page and try again" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["analyst", "steward", "owner", "reviewer", "hr", "auditor", "admin"]
)
def test_home_and_profile_describe_each_role_in_the_same_words(
    request: pytest.FixtureRequest, client_for, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    home = client.get("/").content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()
    specs = user_roles(user)
    assert specs
    for spec in specs:
        summary = escape(spec.summary)
        assert summary in home
        assert summary in profile
    others = [s for role, s in ROLE_SPECS.items() if s not in specs]
    for spec in others:
        assert escape(spec.summary) not in home


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("outsider", ["profile"]),
        ("hr", ["governance", "learning", "okrs", "api", "notifications", "profile"]),
        (
            "analyst",
            [
                "catalog",
                "governance",
                "access",
                "learning",
                "okrs",
                "api",
                "notifications",
                "profile",
            ],
        ),
    ],
)
def test_home_offers_only_what_the_user_can_use(
    request: pytest.FixtureRequest, client_for, persona: str, offered: list[str]
) -> None:
    html = client_for(request.getfixturevalue(persona)).get("/").content.decode()
    assert re.findall(r'data-destination="([a-z]+)"', html) == offered
    nav = _nav(html)
    assert (">API</a>" in nav) is ("api" in offered)


def test_home_for_a_user_without_role_costs_one_query_more_for_the_role_check(
    client_for, outsider: User, django_assert_max_num_queries
) -> None:
    client = client_for(outsider)
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_favicon_ico_answers_with_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    icon = settings.BASE_DIR / "workbench" / "static" / "workbench" / "favicon.ico"
    assert body == icon.read_bytes()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_favicon(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon" href="/static/workbench/favicon.ico"' in html


def test_api_docs_lead_back_to_the_app(client_for, analyst: User) -> None:
    html = client_for(analyst).get("/api/docs/").content.decode()
    assert re.search(r'<a class="wb-docs-back" href="/"[^>]*>', html)
    assert "/static/workbench/api_docs.css" in html
    assert "<script>" not in html
