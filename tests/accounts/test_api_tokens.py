"""Named API tokens: stored only as digests, shown once, expiring, revocable, audited."""

from __future__ import annotations

import importlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory
from workbench.accounts import services
from workbench.accounts.models import ApiToken, User
from workbench.accounts.tokens import api_token_digest
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _create(user: User, name: str = "export script", days: int | None = None) -> str:
    return services.api_token_create(user=user, name=name, expires_in_days=days).key


def test_profile_creates_a_token_shown_once(client_for, analyst: User) -> None:
    client = client_for(analyst)
    response = client.post(
        reverse("accounts:api_token_issue"), {"name": "nightly export", "expires_in_days": "30"}
    )
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=analyst)
    key = response.context["token_key"]
    assert key in response.content.decode()
    assert (token.name, token.prefix) == ("nightly export", key[:8])
    assert token.digest == api_token_digest(key)
    assert timedelta(days=29) < token.expires_at - token.created_at <= timedelta(days=30)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert key not in profile
    assert "nightly export" in profile
    assert f"{key[:8]}…" in profile
    event = AuditEvent.objects.get(action="auth.api_token_issued")
    assert (event.actor_id, event.target_id) == (analyst.pk, str(token.pk))


def test_no_plaintext_key_anywhere_in_the_database(client_for, analyst: User) -> None:
    response = client_for(analyst).post(
        reverse("accounts:api_token_issue"), {"name": "grep me", "expires_in_days": "90"}
    )
    key = response.context["token_key"]
    _token_client(key).get("/api/me/")  # a use writes last_used_at and nothing else
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert '"grep me"' in dump.getvalue()  # the dump does contain the token row
    assert key not in dump.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"name": "", "expires_in_days": "90"}, "This field is required"),
        ({"name": "   ", "expires_in_days": "90"}, "This field is required"),
        ({"name": "x" * 81, "expires_in_days": "90"}, "at most 80 characters"),
        ({"name": "ok", "expires_in_days": "9999"}, "Select a valid choice"),
        ({"name": "ok", "expires_in_days": "soon"}, "Select a valid choice"),
    ],
    ids=["empty", "blank", "too-long", "unknown-term", "not-a-number"],
)
def test_profile_rejects_bad_token_input_and_keeps_it(
    client_for, analyst: User, data: dict[str, str], problem: str
) -> None:
    response = client_for(analyst).post(reverse("accounts:api_token_issue"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert problem in html
    if data["name"].strip():
        assert f'value="{data["name"]}"' in html
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.api_token_issued").exists()


def test_profile_refuses_a_duplicate_name(client_for, analyst: User) -> None:
    _create(analyst, "ci")
    response = client_for(analyst).post(
        reverse("accounts:api_token_issue"), {"name": "ci", "expires_in_days": "90"}
    )
    assert response.status_code == 400
    assert "already have a token named" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_token_limit_per_person(settings, analyst: User) -> None:
    settings.API_TOKEN_MAX_PER_USER = 2
    _create(analyst, "one")
    _create(analyst, "two")
    with pytest.raises(services.ApiTokenError, match="revoke one first"):
        _create(analyst, "three")


def test_several_named_tokens_work_side_by_side(analyst: User) -> None:
    first, second = _create(analyst, "one"), _create(analyst, "two")
    assert _token_client(first).get("/api/me/").json()["username"] == "analyst"
    assert _token_client(second).get("/api/me/").json()["username"] == "analyst"


def test_last_used_is_written_at_most_once_a_minute(analyst: User) -> None:
    key = _create(analyst)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    client = _token_client(key)
    assert client.get("/api/me/").status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert client.get("/api/me/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(seconds=61))
    assert client.get("/api/me/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(seconds=61)


def _assert_401(response, message: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert message in error["message"]


def test_expired_token_is_refused(analyst: User) -> None:
    key = _create(analyst)
    past = timezone.now() - timedelta(days=400)
    ApiToken.objects.update(created_at=past, expires_at=past + timedelta(days=1))
    _assert_401(_token_client(key).get("/api/me/"), "expired")


def test_revoked_token_is_refused(analyst: User) -> None:
    key = _create(analyst)
    services.api_token_revoke(token=ApiToken.objects.get(), revoked_by=analyst)
    _assert_401(_token_client(key).get("/api/me/"), "revoked")


def test_token_of_deactivated_user_is_refused(analyst: User) -> None:
    key = _create(analyst)
    User.objects.filter(pk=analyst.pk).update(is_active=False)
    _assert_401(_token_client(key).get("/api/me/"), "deactivated")


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token", "Token two parts", "token " + "a" * 43],
    ids=["unknown", "no-key", "spaces", "lowercase-keyword-unknown"],
)
def test_bad_token_headers_are_refused(analyst: User, header: str) -> None:
    _create(analyst)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["message"]


def test_key_with_a_known_prefix_but_wrong_rest_is_refused(analyst: User) -> None:
    key = _create(analyst)
    forged = key[:8] + ("A" if key[8] != "A" else "B") + key[9:]
    _assert_401(_token_client(forged).get("/api/me/"), "Invalid token")


def test_profile_revokes_own_token_and_audits_it(client_for, analyst: User) -> None:
    key = _create(analyst)
    token = ApiToken.objects.get()
    response = client_for(analyst).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _token_client(key).get("/api/me/").status_code == 401
    event = AuditEvent.objects.get(action="auth.api_token_revoked")
    assert (event.actor_id, event.target_id) == (analyst.pk, str(token.pk))
    assert token.name not in client_for(analyst).get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [(None, 302), ("outsider", 404), ("steward", 404), ("admin", 404)],
)
def test_nobody_else_revokes_a_token_from_the_profile(
    request: pytest.FixtureRequest, client_for, analyst: User, persona: str | None, status: int
) -> None:
    _create(analyst)
    token = ApiToken.objects.get()
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == status
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="auth.api_token_revoked").exists()


def test_token_pages_need_post(client_for, analyst: User) -> None:
    assert client_for(None).post(reverse("accounts:api_token_issue")).status_code == 302
    assert client_for(analyst).get(reverse("accounts:api_token_issue")).status_code == 405
    assert not ApiToken.objects.exists()


# --- API ------------------------------------------------------------------------------------


def test_api_tokens_anonymous_gets_401(api_client_for) -> None:
    assert api_client_for(None).get("/api/tokens/").status_code == 401
    assert api_client_for(None).post("/api/tokens/", {"name": "x"}).status_code == 401
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "analyst", "admin"])
def test_api_lists_only_own_tokens(
    request: pytest.FixtureRequest, api_client_for, steward: User, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    _create(steward, "steward's")
    _create(user, "mine")
    body = api_client_for(user).get("/api/tokens/").json()
    assert [row["name"] for row in body["results"]] == ["mine"]
    assert "digest" not in body["results"][0]
    assert "key" not in body["results"][0]


def test_api_creates_and_revokes_a_token(api_client_for, analyst: User) -> None:
    client = api_client_for(analyst)
    response = client.post("/api/tokens/", {"name": "ci", "expires_in_days": 7}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    assert _token_client(key).get("/api/me/").status_code == 200
    token_id = response.json()["id"]
    assert client.get(f"/api/tokens/{token_id}/").json()["prefix"] == key[:8]
    assert client.delete(f"/api/tokens/{token_id}/").status_code == 204
    assert _token_client(key).get("/api/me/").status_code == 401
    assert client.get(f"/api/tokens/{token_id}/").status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": ""},
        {"name": "ok", "expires_in_days": 0},
        {"name": "ok", "expires_in_days": "x"},
    ],
    ids=["missing-name", "empty-name", "zero-days", "text-days"],
)
def test_api_rejects_bad_token_input(api_client_for, analyst: User, data: dict) -> None:
    response = api_client_for(analyst).post("/api/tokens/", data, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"]
    assert not ApiToken.objects.exists()


def test_api_cannot_touch_someone_elses_token(api_client_for, analyst: User, admin: User) -> None:
    _create(analyst)
    token = ApiToken.objects.get()
    client = api_client_for(admin)
    assert client.get(f"/api/tokens/{token.pk}/").status_code == 404
    assert client.delete(f"/api/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_api_token_list_query_count_is_pinned(
    api_client_for, analyst: User, django_assert_max_num_queries
) -> None:
    for number in range(5):
        _create(analyst, f"token {number}")
    client = api_client_for(analyst)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/tokens/").json()["results"]) == 5


# --- Admin ----------------------------------------------------------------------------------


def test_admin_lists_tokens_but_never_the_key_or_digest(
    client_for, admin: User, analyst: User
) -> None:
    key = _create(analyst, "dashboard feed")
    token = ApiToken.objects.get()
    client = client_for(admin)
    listing = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    for html in (listing, detail):
        assert "dashboard feed" in html
        assert token.prefix in html
        assert key not in html
        assert token.digest not in html
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_admin_cannot_search_by_digest(client_for, admin: User, analyst: User) -> None:
    _create(analyst, "secret feed")
    digest = ApiToken.objects.get().digest
    url = reverse("admin:accounts_apitoken_changelist")
    assert "secret feed" not in client_for(admin).get(url, {"q": digest}).content.decode()


def test_admin_revokes_tokens_and_it_is_audited(client_for, admin: User, analyst: User) -> None:
    key = _create(analyst)
    token = ApiToken.objects.get()
    response = client_for(admin).post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _token_client(key).get("/api/me/").status_code == 401
    event = AuditEvent.objects.get(action="auth.api_token_revoked")
    assert (event.actor_id, event.detail["owner"]) == (admin.pk, analyst.pk)


def test_admin_change_post_cannot_alter_a_token(client_for, admin: User, analyst: User) -> None:
    _create(analyst, "keep")
    token = ApiToken.objects.get()
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    client_for(admin).post(url, {"name": "renamed", "digest": "0" * 64})
    token.refresh_from_db()
    assert (token.name, token.digest) != ("renamed", "0" * 64)


# --- Migration of DRF's plain-text tokens ---------------------------------------------------


# The SQLite schema editor cannot run inside the test's transaction: these tests commit.
@pytest.mark.django_db(transaction=True)
def test_old_plaintext_tokens_are_converted_and_the_old_table_dropped(analyst: User) -> None:
    migration = importlib.import_module(
        "workbench.accounts.migrations.0003_api_tokens_from_authtoken"
    )
    old_key = "0123456789abcdef0123456789abcdef01234567"
    created = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS authtoken_token")
        cursor.execute(
            f"CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created {created} "
            "NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, timezone.now() - timedelta(days=3), analyst.pk],
        )
    from django.apps import apps

    with connection.schema_editor() as editor:
        migration.convert_authtoken_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=analyst)
    assert token.digest == api_token_digest(old_key)
    assert token.prefix == old_key[:8]
    assert token.expires_at > timezone.now()
    assert _token_client(old_key).get("/api/me/").json()["username"] == "analyst"


@pytest.mark.django_db(transaction=True)
def test_conversion_without_the_old_table_does_nothing(analyst: User) -> None:
    migration = importlib.import_module(
        "workbench.accounts.migrations.0003_api_tokens_from_authtoken"
    )
    from django.apps import apps

    with connection.schema_editor() as editor:
        migration.convert_authtoken_tokens(apps, editor)
    assert not ApiToken.objects.exists()


def test_factory_user_has_no_token() -> None:
    assert not ApiToken.objects.filter(user=UserFactory()).exists()
