"""One error format for every API failure: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from workbench.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_api(settings) -> APIClient:
    settings.ROOT_URLCONF = "tests.core.api_error_urls"
    return APIClient(raise_request_exception=False)


def _error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert "ErrorDetail" not in body["error"]["message"]
    assert "{" not in body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("url", "status", "code", "message"),
    [
        ("/api/test/http404/", 404, "not_found", "Nothing exists at this address."),
        ("/api/test/django-denied/", 403, "permission_denied", "Stewards only."),
        ("/api/test/denied/", 403, "permission_denied", "permission"),
        ("/api/test/throttled/", 429, "throttled", "30 seconds"),
        ("/api/test/needs-login/", 401, "not_authenticated", "credentials were not provided"),
        ("/api/test/boom/", 500, "server_error", "Something went wrong"),
    ],
    ids=[
        "http404",
        "django-permission-denied",
        "drf-permission-denied",
        "throttled",
        "not-authenticated",
        "server-error",
    ],
)
def test_each_exception_has_its_code(
    failing_api: APIClient, url: str, status: int, code: str, message: str
) -> None:
    error = _error(failing_api.get(url), status, code)
    assert message in error["message"]
    assert error["fields"] == {}
    assert "secret-internal-detail" not in error["message"]


def test_throttled_says_when_to_retry(failing_api: APIClient) -> None:
    assert failing_api.get("/api/test/throttled/")["Retry-After"] == "30"


def test_validation_error_lists_fields(failing_api: APIClient) -> None:
    response = failing_api.post("/api/test/body/", {"name": "too long", "size": 0}, format="json")
    error = _error(response, 400, "invalid")
    assert set(error["fields"]) == {"name", "size"}
    assert all(isinstance(problem, str) for problem in error["fields"]["name"])
    assert "name" in error["message"]


def test_malformed_json_is_a_parse_error(failing_api: APIClient) -> None:
    response = failing_api.post(
        "/api/test/body/", data='{"name": ', content_type="application/json"
    )
    _error(response, 400, "parse_error")


def test_unsupported_media_type(failing_api: APIClient) -> None:
    response = failing_api.post("/api/test/body/", data="name=x", content_type="text/plain")
    _error(response, 415, "unsupported_media_type")


def test_method_not_allowed(failing_api: APIClient) -> None:
    _error(failing_api.delete("/api/test/body/"), 405, "method_not_allowed")


def test_unknown_api_address_is_a_json_404(api_client_for, analyst: User) -> None:
    for client in (api_client_for(None), api_client_for(analyst)):
        _error(client.get("/api/no-such-thing/"), 404, "not_found")


def test_missing_object_in_a_real_endpoint(api_client_for, auditor: User) -> None:
    error = _error(api_client_for(auditor).get("/api/audit/events/0/"), 404, "not_found")
    assert error["message"] == "Nothing exists at this address."


def test_bad_token_is_authentication_failed(api_client_for) -> None:
    client = api_client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    error = _error(client.get("/api/me/"), 401, "authentication_failed")
    assert error["message"] == "Invalid token."


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=-1", "page"),
        ("page=last", "page"),
        ("page_size=null", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=501", "page_size"),
        ("page_size=1.5", "page_size"),
        ("page_size=", "page_size"),
    ],
)
def test_bad_pagination_is_a_400_naming_the_parameter(
    api_client_for, analyst: User, query: str, field: str
) -> None:
    error = _error(api_client_for(analyst).get(f"/api/tokens/?{query}"), 400, "invalid")
    assert list(error["fields"]) == [field]


def test_page_past_the_end_is_a_404_that_says_how_many(api_client_for, analyst: User) -> None:
    error = _error(api_client_for(analyst).get("/api/tokens/?page=3"), 404, "not_found")
    assert error["message"] == "Page 3 does not exist; there is 1 page."


def test_good_pagination_is_accepted(api_client_for, analyst: User) -> None:
    body = api_client_for(analyst).get("/api/tokens/?page=1&page_size=500").json()
    assert body["count"] == 0
