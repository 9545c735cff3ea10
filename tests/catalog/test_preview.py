"""The governed preview: permission, masking of personal data (canary values never leave), audit."""

from __future__ import annotations

import json

import pytest

from catalog.models import AssetStatus, Classification, PiiSuggestion
from tests.catalog.catalog_fixtures import CANARY_EMAILS, CANARY_NAMES
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.governance.services import data_preview

pytestmark = pytest.mark.django_db
CANARIES = [*CANARY_EMAILS, *CANARY_NAMES]


def assert_no_canary(text: str) -> None:
    leaked = [value for value in CANARIES if value in text]
    assert not leaked, f"personal data leaked: {leaked}"


def test_preview_masks_accepted_and_suspected_pii(analyst: User, world) -> None:
    preview = data_preview(user=analyst, asset=world.customers, purpose="churn study")
    assert preview.is_allowed
    assert preview.columns == ["id", "full_name", "email", "country"]
    assert preview.masked_columns == ["full_name", "email"]
    assert [row[3] for row in preview.rows] == ["NL", "DE", "FR"]
    # Suspected names get synthetic names, emails a keyed hash (the default masking rules).
    assert preview.column_operators == {"full_name": "surrogate", "email": "hash"}
    assert not {row[1] for row in preview.rows} & set(CANARY_NAMES)
    assert all(len(row[2]) == 24 and "@" not in row[2] for row in preview.rows)
    assert_no_canary(json.dumps(preview.rows))
    event = AuditEvent.objects.get(action="governance.preview")
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.purpose == "churn study"
    assert event.detail["masked_columns"] == ["email", "full_name"]
    assert_no_canary(json.dumps(event.detail) + event.reason)


def test_rejected_suggestion_unmasks_but_high_classification_masks(analyst: User, world) -> None:
    PiiSuggestion.objects.filter(pk=world.name_suggestion.pk).update(status="rejected")
    world.country.classification = Classification.RESTRICTED
    world.country.save()
    preview = data_preview(user=analyst, asset=world.customers)
    assert preview.masked_columns == ["email", "country"]
    assert [row[1] for row in preview.rows] == CANARY_NAMES


@pytest.mark.parametrize("persona", ["analyst", "steward", "outsider"])
def test_preview_of_an_asset_above_clearance_is_refused(
    request: pytest.FixtureRequest,
    world,
    persona: str,
) -> None:
    user: User = request.getfixturevalue(persona)
    preview = data_preview(user=user, asset=world.payroll)
    assert not preview.is_allowed
    assert preview.rows == []
    assert "98765" not in json.dumps(preview.rows)
    assert preview.reason  # the policies say why (restricted data, or no catalog role)
    event = AuditEvent.objects.get(action="governance.preview")
    assert event.outcome == AuditOutcome.DENIED
    assert event.target_id == str(world.payroll.pk)


def test_admin_previews_everything_still_masked(admin: User, world) -> None:
    preview = data_preview(user=admin, asset=world.customers)
    assert preview.masked_columns == ["full_name", "email"]
    assert_no_canary(json.dumps(preview.rows))
    payroll = data_preview(user=admin, asset=world.payroll)
    assert payroll.is_allowed
    # Never scanned for personal data: every column but the key is redacted until it is.
    assert payroll.rows == [["••••••"]]


def test_removed_asset_and_unreachable_source_give_a_reason(analyst: User, world) -> None:
    world.customers.source.path = "/nonexistent/crm.sqlite3"
    world.customers.source.save()
    failed = data_preview(user=analyst, asset=world.customers)
    assert not failed.is_allowed
    assert "could not be read" in failed.reason
    assert AuditEvent.objects.get(action="governance.preview").outcome == AuditOutcome.FAILED
    world.customers.status = AssetStatus.REMOVED
    world.customers.save(update_fields=["status"])
    removed = data_preview(user=analyst, asset=world.customers)
    assert "removed" in removed.reason


@pytest.mark.parametrize("limit", [0, 101, -5])
def test_preview_limit_is_bounded(analyst: User, world, limit: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 100"):
        data_preview(user=analyst, asset=world.customers, limit=limit)


def test_preview_limit_caps_rows(analyst: User, world) -> None:
    assert len(data_preview(user=analyst, asset=world.customers, limit=2).rows) == 2


def test_preview_page_shows_the_reason_when_the_source_fails(
    client_for, analyst: User, world
) -> None:
    from django.urls import reverse

    world.customers.source.path = "/nonexistent/crm.sqlite3"
    world.customers.source.save()
    url = reverse("catalog:asset_preview", args=[world.customers.pk])
    partial = client_for(analyst).get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200  # so that htmx shows the reason in place
    assert 'data-testid="preview-denied"' in partial.content.decode()
    assert client_for(analyst).get(url).status_code == 403
