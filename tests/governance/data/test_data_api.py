"""The data API four ways (anonymous, outsider, member without the permission, member with it),
IDOR attempts on asset ids, and the refusal format."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from catalog.models import Asset, Classification
from tests.catalog.factories import AssetFactory
from tests.governance.data.conftest import DataWorld, assert_no_canary
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.models import VaultToken
from workbench.governance.vault import vault_tokenize

pytestmark = pytest.mark.django_db
PURPOSE = "Quarterly churn review"


def preview_url(asset: Asset) -> str:
    return reverse("api-governance-data-preview", args=[asset.pk])


def rows_url(asset: Asset) -> str:
    return reverse("api-governance-data-rows", args=[asset.pk])


def export_url(asset: Asset) -> str:
    return reverse("api-governance-data-export", args=[asset.pk])


def read_events() -> int:
    return AuditEvent.objects.filter(action__in=["governance.preview", "governance.query"]).count()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 403), ("hr", 403), ("analyst", 200)],
)
def test_preview_four_ways(
    request: pytest.FixtureRequest,
    api_client_for,  # noqa: ANN001
    data_world: DataWorld,
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_client_for(user).get(preview_url(data_world.customers), {"limit": 5})
    assert response.status_code == status, response.content
    assert_no_canary(response.content.decode(), data_world.canaries)
    if status == 200:
        body = response.json()
        assert len(body["rows"]) == 5
        assert {m["column"]: m["operator"] for m in body["column_masks"]}["iban"] == "tokenize"
        assert body["is_masked"] is True
    else:
        assert set(response.json()["error"]) >= {"code", "message"}
        assert read_events() == 0  # refused before the data path: nothing read
        assert VaultToken.objects.count() == 0


def test_preview_refused_by_policy_offers_a_request(
    api_client_for,  # noqa: ANN001
    analyst: User,
    data_world: DataWorld,
) -> None:
    response = api_client_for(analyst).get(preview_url(data_world.ledger))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["needs_request"] is True
    assert "access request" in error["message"]
    assert AuditEvent.objects.get(action="governance.preview").outcome == "denied"


def test_failed_source_is_502(api_client_for, analyst: User, data_world: DataWorld) -> None:  # noqa: ANN001
    data_world.path.unlink()
    response = api_client_for(analyst).get(preview_url(data_world.customers))
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "source_unavailable"


@pytest.mark.parametrize("persona", ["analyst", "steward"])
def test_idor_on_assets_not_discoverable_is_404(
    request: pytest.FixtureRequest,
    api_client_for,  # noqa: ANN001
    data_world: DataWorld,
    persona: str,
) -> None:
    user: User = request.getfixturevalue(persona)
    hidden = AssetFactory(
        source=data_world.customers.source,
        schema_name="main",
        name="salaries",
        classification=Classification.RESTRICTED,
    )
    client = api_client_for(user)
    for url in (
        preview_url(hidden),
        rows_url(hidden),
        reverse("api-governance-data-preview", args=[987654]),
    ):
        response = client.get(url, {"purpose": PURPOSE})
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    response = client.post(export_url(hidden), {"purpose": PURPOSE}, format="json")
    assert response.status_code == 404
    assert read_events() == 0
    assert not AuditEvent.objects.filter(action="governance.export").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 403), ("hr", 403), ("analyst", 200)],
)
def test_rows_four_ways(
    request: pytest.FixtureRequest,
    api_client_for,  # noqa: ANN001
    data_world: DataWorld,
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_client_for(user).get(
        rows_url(data_world.customers), {"purpose": PURPOSE, "limit": 3}
    )
    assert response.status_code == status
    assert_no_canary(response.content.decode(), data_world.canaries)
    if status == 200:
        assert response.json()["action"] == "query"
        assert len(response.json()["rows"]) == 3


def test_rows_need_a_purpose(api_client_for, analyst: User, data_world: DataWorld) -> None:  # noqa: ANN001
    response = api_client_for(analyst).get(rows_url(data_world.customers))
    assert response.status_code == 400
    assert "purpose" in response.json()["error"]["fields"]
    assert read_events() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 403), ("hr", 403), ("analyst", 200)],
)
def test_export_four_ways(
    request: pytest.FixtureRequest,
    api_client_for,  # noqa: ANN001
    data_world: DataWorld,
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_client_for(user).post(
        export_url(data_world.customers), {"purpose": PURPOSE}, format="json"
    )
    assert response.status_code == status
    body = b"".join(response.streaming_content) if status == 200 else response.content
    assert_no_canary(body.decode(), data_world.canaries)
    if status == 200:
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        assert body.decode().count("\r\n") == 7
    else:
        assert not AuditEvent.objects.filter(action="governance.export").exists()


def test_export_refusal_and_bad_input(
    api_client_for,  # noqa: ANN001
    analyst: User,
    data_world: DataWorld,
) -> None:
    client = api_client_for(analyst)
    missing = client.post(export_url(data_world.customers), {}, format="json")
    assert missing.status_code == 400
    assert "purpose" in missing.json()["error"]["fields"]
    refused = client.post(export_url(data_world.ledger), {"purpose": PURPOSE}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["needs_request"] is True


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 403), ("analyst", 403), ("admin", 200)],
)
def test_detokenize_four_ways(
    request: pytest.FixtureRequest,
    api_client_for,  # noqa: ANN001
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    token = vault_tokenize(["CANARY-iban-0001"], "iban")["CANARY-iban-0001"]
    response = api_client_for(user).post(
        reverse("api-governance-data-detokenize"),
        {"token": token, "purpose": PURPOSE, "purpose_category": "compliance"},
        format="json",
    )
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"token": token, "value": "CANARY-iban-0001", "pii_kind": "iban"}
        assert response["Cache-Control"] == "no-store"
        assert AuditEvent.objects.get(action="governance.detokenize").outcome == "allowed"
    else:
        assert "CANARY" not in response.content.decode()
        assert not AuditEvent.objects.filter(
            action="governance.detokenize", outcome="allowed"
        ).exists()


def test_detokenize_unknown_token_is_404(api_client_for, admin: User) -> None:  # noqa: ANN001
    response = api_client_for(admin).post(
        reverse("api-governance-data-detokenize"),
        {"token": "tok_" + "a" * 24, "purpose": PURPOSE},
        format="json",
    )
    assert response.status_code == 404
    short = api_client_for(admin).post(
        reverse("api-governance-data-detokenize"),
        {"token": "tok_" + "a" * 24, "purpose": "why"},
        format="json",
    )
    assert short.status_code == 400
    assert json.loads(short.content)["error"]["fields"]["purpose"]
