"""Pages of the governed data path four ways: the masking page, detokenising, the export page;
IDOR on the export page; forms keep what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.governance.data.conftest import DataWorld, assert_no_canary
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.models import VaultToken
from workbench.governance.vault import vault_tokenize

pytestmark = pytest.mark.django_db
PURPOSE = "Campaign list for the spring sale"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("analyst", 403), ("steward", 200), ("auditor", 200)],
)
def test_masking_page_four_ways(
    request: pytest.FixtureRequest,
    page_client_for,  # noqa: ANN001
    data_world: DataWorld,
    region_filter,  # noqa: ANN001
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = page_client_for(user).get(reverse("governance:masking"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert 'data-rule="Emails → keyed hash"' in page
        assert 'data-row-filter="Customers by region"' in page
        assert 'data-operator-example="surrogate"' in page
        assert "Ada Lovelace" in page  # the made-up sample, not data
        assert "detokenize-form" not in page  # not theirs to use


def test_masking_page_empty_states(page_client_for, steward: User) -> None:  # noqa: ANN001
    from workbench.governance.models import MaskingRule

    MaskingRule.objects.all().delete()
    page = page_client_for(steward).get(reverse("governance:masking")).content.decode()
    assert 'data-testid="no-rules"' in page
    assert 'data-testid="no-row-filters"' in page


def test_admin_sees_edit_links_and_detokenises_in_place(page_client_for, admin: User) -> None:  # noqa: ANN001
    token = vault_tokenize(["CANARY-value-1"], "iban")["CANARY-value-1"]
    client = page_client_for(admin)
    page = client.get(reverse("governance:masking")).content.decode()
    assert 'data-action="edit-rules"' in page
    assert 'data-testid="detokenize-form"' in page
    data = {"token": token, "purpose": PURPOSE, "purpose_category": "compliance"}
    partial = client.post(reverse("governance:detokenize"), data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "CANARY-value-1" in partial.content.decode()
    assert partial["Cache-Control"] == "no-store"
    assert AuditEvent.objects.get(action="governance.detokenize").outcome == "allowed"


def test_detokenize_form_keeps_what_was_typed(page_client_for, admin: User) -> None:  # noqa: ANN001
    data = {"token": "not-a-token", "purpose": "short", "purpose_category": "compliance"}
    response = page_client_for(admin).post(reverse("governance:detokenize"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="not-a-token"' in page
    assert ">short</textarea>" in page
    assert not AuditEvent.objects.filter(action="governance.detokenize").exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("analyst", 403)]
)
def test_detokenize_page_refuses_without_the_permission(
    request: pytest.FixtureRequest,
    page_client_for,  # noqa: ANN001
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    token = vault_tokenize(["CANARY-value-2"], "")["CANARY-value-2"]
    data = {"token": token, "purpose": PURPOSE, "purpose_category": "compliance"}
    response = page_client_for(user).post(reverse("governance:detokenize"), data)
    assert response.status_code == status
    assert "CANARY-value-2" not in response.content.decode()
    if user is not None:  # a refused attempt leaves a trace
        assert AuditEvent.objects.get(action="governance.detokenize").outcome == "denied"


def export_url(world: DataWorld, asset: str = "customers") -> str:
    return reverse("governance:asset_export", args=[getattr(world, asset).pk])


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("hr", 403), ("analyst", 200)]
)
def test_export_page_four_ways(
    request: pytest.FixtureRequest,
    page_client_for,  # noqa: ANN001
    data_world: DataWorld,
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = page_client_for(user)
    assert client.get(export_url(data_world)).status_code == status
    data = {"purpose": PURPOSE, "purpose_category": "analytics"}
    response = client.post(export_url(data_world), data)
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content).decode()
        assert body.startswith("id,full_name,email")
        assert_no_canary(body, data_world.canaries)
        assert AuditEvent.objects.get(action="governance.export").outcome == "allowed"
    else:
        assert_no_canary(response.content.decode(), data_world.canaries)
        assert not AuditEvent.objects.filter(action="governance.export").exists()


def test_export_page_explains_the_plan_and_keeps_typed_text(
    page_client_for,  # noqa: ANN001
    analyst: User,
    data_world: DataWorld,
    region_filter,  # noqa: ANN001
) -> None:
    client = page_client_for(analyst)
    page = client.get(export_url(data_world)).content.decode()
    assert 'data-masked="iban"' in page
    assert "only rows where region" in page
    response = client.post(export_url(data_world), {"purpose": "", "purpose_category": "analytics"})
    assert response.status_code == 400
    assert '<option value="analytics" selected>' in response.content.decode()
    assert not AuditEvent.objects.filter(action="governance.export").exists()


def test_export_page_refusal_offers_a_request(
    page_client_for,  # noqa: ANN001
    analyst: User,
    data_world: DataWorld,
) -> None:
    client = page_client_for(analyst)
    page = client.get(export_url(data_world, "ledger")).content.decode()
    assert 'data-testid="export-decision"' in page
    assert 'data-action="request-access"' in page
    response = client.post(
        export_url(data_world, "ledger"), {"purpose": PURPOSE, "purpose_category": "analytics"}
    )
    assert response.status_code == 403
    assert 'data-testid="export-refused"' in response.content.decode()
    assert AuditEvent.objects.get(action="governance.export").outcome == "denied"
    assert VaultToken.objects.count() == 0


def test_export_page_idor_is_404(page_client_for, analyst: User, data_world: DataWorld) -> None:  # noqa: ANN001
    response = page_client_for(analyst).post(
        reverse("governance:asset_export", args=[987654]), {"purpose": PURPOSE}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="governance.export").exists()


def test_asset_page_links_to_the_export(
    page_client_for, analyst: User, data_world: DataWorld
) -> None:  # noqa: ANN001
    page = page_client_for(analyst).get(
        reverse("catalog:asset_detail", args=[data_world.customers.pk])
    )
    assert export_url(data_world) in page.content.decode()
