"""The OpenAPI document tells the truth: nullability, error responses, pagination limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def test_me_manager_and_department_are_nullable(document: dict[str, Any]) -> None:
    me = document["components"]["schemas"]["Me"]["properties"]
    for name in ("manager", "department"):
        assert me[name].get("nullable") is True, name


def test_every_operation_documents_its_errors(document: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in _operations(document):
        for status in ("400", "401", "403", "404", "429"):
            response = operation["responses"].get(status)
            assert response, f"{method.upper()} {path} does not document {status}"
        not_found = operation["responses"]["404"]["content"]["application/json"]["schema"]
        assert not_found == error_ref, f"{method.upper()} {path}"
        if method != "get":
            assert "409" in operation["responses"], f"{method.upper()} {path}"


def test_error_schema_matches_the_real_error_body(document: dict[str, Any]) -> None:
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]


def test_pagination_parameters_have_limits(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in document["paths"]["/api/tokens/"]["get"]["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500}


def test_token_authentication_is_documented(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


def test_api_accepts_json_bodies_only(document: dict[str, Any]) -> None:
    body = document["paths"]["/api/tokens/"]["post"]["requestBody"]["content"]
    assert list(body) == ["application/json"]
