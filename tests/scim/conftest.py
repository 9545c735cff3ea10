"""SCIM fixtures: the provisioning token in a file; a client that acts as the identity provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.factories import DepartmentFactory

SCIM_TOKEN = "scim-test-token-0123456789abcdef"


@pytest.fixture
def scim_token(settings: Settings, tmp_path: Path) -> str:
    token_file = tmp_path / "scim-token"
    token_file.write_text(SCIM_TOKEN + "\n")
    settings.SCIM_TOKEN_FILE = str(token_file)
    return SCIM_TOKEN


class ScimClient:
    """Sends what an identity provider sends: JSON bodies, a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.client.generic(
            method,
            "/scim/v2/" + path,
            data,
            content_type="application/scim+json",
            headers=self.headers,
        )

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Any:
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": list(operations),
        }
        return self.request("PATCH", path, body)


@pytest.fixture
def scim(scim_token: str, roles: None) -> ScimClient:
    DepartmentFactory(name="Growth Marketing", code="growth")
    DepartmentFactory(name="Finance", code="finance")
    return ScimClient(scim_token)


def user_body(username: str = "ada", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "userName": username,
        "externalId": f"ext-{username}",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": f"{username}@example.com", "type": "work", "primary": True}],
        "title": "Analyst",
        "active": True,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "growth"},
    }
    body.update(extra)
    return body
