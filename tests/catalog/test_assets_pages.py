"""Asset pages four ways (anonymous, outsider, analyst without curation rights, domain steward),
IDOR attempts, curation, certification, PII review and quality-check definitions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Asset, Classification, Column, PiiSuggestion, QualityCheck
from tests.catalog.catalog_fixtures import CANARY_EMAILS, CANARY_NAMES
from tests.catalog.factories import QualityCheckFactory, QualityResultFactory
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db


def detail_url(asset: Asset) -> str:
    return reverse("catalog:asset_detail", args=[asset.pk])


def snapshot(asset: Asset) -> tuple[object, ...]:
    asset.refresh_from_db()
    return (
        asset.description,
        asset.owner_id,
        asset.classification,
        asset.is_certified,
        sorted(asset.tags.values_list("name", flat=True)),
        QualityCheck.objects.count(),
        sorted(PiiSuggestion.objects.values_list("status", flat=True)),
    )


# --- the asset page -------------------------------------------------------------------------


def test_asset_page_anonymous_goes_to_login(client_for, world) -> None:
    response = client_for(None).get(detail_url(world.customers))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_asset_page_refuses_outsider(client_for, outsider: User, world) -> None:
    response = client_for(outsider).get(detail_url(world.customers))
    assert response.status_code == 403
    assert "customers" not in response.content.decode()


def test_asset_page_for_analyst_shows_metadata_without_curation(
    client_for,
    analyst: User,
    world,
) -> None:
    world.customers.description = "Our **customers**. <script>alert(1)</script>"
    world.customers.save(update_fields=["description"])
    html = client_for(analyst).get(detail_url(world.customers)).content.decode()
    assert "<strong>customers</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert 'data-testid="curation-form"' not in html
    assert 'data-action="accept-pii"' not in html
    assert 'data-action="certify"' not in html
    assert 'data-column="email"' in html
    assert "Person name?" in html  # the pending suggestion is shown, without buttons
    for value in [*CANARY_EMAILS, *CANARY_NAMES]:
        assert value not in html


def test_asset_page_for_steward_offers_curation(client_for, steward: User, world) -> None:
    html = client_for(steward).get(detail_url(world.customers)).content.decode()
    assert 'data-testid="curation-form"' in html
    assert 'data-action="accept-pii"' in html
    assert 'data-action="certify"' in html
    assert 'data-testid="check-form"' in html


def test_asset_page_shows_quality_history(client_for, analyst: User, world) -> None:
    check = QualityCheckFactory(asset=world.customers, name="has rows", last_status="failed")
    QualityResultFactory(quality_check=check, status="passed")
    QualityResultFactory(quality_check=check, status="failed")
    html = client_for(analyst).get(detail_url(world.customers)).content.decode()
    assert 'data-check="has rows"' in html
    assert html.count('data-result="') == 2
    assert "Quality checks fail" in html


def test_asset_page_query_count_is_bounded(
    client_for,
    steward: User,
    world,
    django_assert_max_num_queries,
) -> None:
    client = client_for(steward)
    client.get(detail_url(world.customers))
    # 40 for the page itself, 5 for its "Your access" panel (one batched policy evaluation of
    # every action: stewardship, grants, domains; pending requests; live grants on the asset).
    with django_assert_max_num_queries(45):
        assert client.get(detail_url(world.customers)).status_code == 200


@pytest.mark.parametrize("persona", ["analyst", "steward"])
def test_guessing_an_asset_id_beyond_clearance_is_404(
    request: pytest.FixtureRequest,
    client_for,
    world,
    persona: str,
) -> None:
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(world.payroll)
    for url in [
        detail_url(world.payroll),
        reverse("catalog:asset_preview", args=[world.payroll.pk]),
        reverse("catalog:asset_detail", args=[999_999]),
    ]:
        assert client.get(url).status_code == 404
    for name in ["asset_curate", "asset_certify", "asset_uncertify", "quality_check_create"]:
        response = client.post(
            reverse(f"catalog:{name}", args=[world.payroll.pk]),
            {"description": "pwned", "classification": 0, "name": "x", "kind": "row_count"},
        )
        assert response.status_code == 404
    assert snapshot(world.payroll) == before


# --- preview through the page ----------------------------------------------------------------


def test_preview_partial_masks_values(client_for, analyst: User, world) -> None:
    url = reverse("catalog:asset_preview", args=[world.customers.pk])
    response = client_for(analyst).get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-masked="email"' in html
    assert "NL" in html
    for value in [*CANARY_EMAILS, *CANARY_NAMES]:
        assert value not in html


# --- curation --------------------------------------------------------------------------------


def curation_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Customers who bought in the last year.",
        "owner": "steward",
        "stewards": ["steward"],
        "domain": "sales",
        "classification": Classification.CONFIDENTIAL.value,
        "tags": "crm, gdpr",
    }
    data.update(overrides)
    return data


def test_steward_curates_an_asset_of_their_domain(client_for, steward: User, world) -> None:
    url = reverse("catalog:asset_curate", args=[world.customers.pk])
    response = client_for(steward).post(url, curation_data())
    assert response.status_code == 302
    asset = Asset.objects.get(pk=world.customers.pk)
    assert asset.description == "Customers who bought in the last year."
    assert asset.owner == steward
    assert asset.is_classified
    assert sorted(asset.tags.values_list("name", flat=True)) == ["crm", "gdpr"]
    assert "bought" in asset.search_document
    event = AuditEvent.objects.get(action="catalog.asset.curate")
    assert event.outcome == AuditOutcome.DONE
    assert event.detail["changes"]["tags"] == {"before": [], "after": ["crm", "gdpr"]}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"classification": 9}, "classification"),
        ({"classification": Classification.PUBLIC.value}, "classification"),  # below a column
        ({"tags": "Bad Tag!"}, "tags"),
        ({"owner": "nobody-like-this"}, "owner"),
        ({"description": "x" * 20_001}, "description"),
    ],
    ids=["unknown-class", "below-columns", "bad-tag", "unknown-owner", "too-long"],
)
def test_bad_curation_is_refused_and_changes_nothing(
    client_for,
    steward: User,
    world,
    overrides: dict[str, object],
    field: str,
) -> None:
    before = snapshot(world.customers)
    url = reverse("catalog:asset_curate", args=[world.customers.pk])
    response = client_for(steward).post(url, curation_data(**overrides))
    assert response.status_code == 400
    assert response.context["curation_form"].errors[field]
    assert snapshot(world.customers) == before


def test_analyst_may_not_curate(client_for, analyst: User, world) -> None:
    before = snapshot(world.customers)
    url = reverse("catalog:asset_curate", args=[world.customers.pk])
    response = client_for(analyst).post(url, curation_data())
    assert response.status_code == 403
    assert snapshot(world.customers) == before
    denial = AuditEvent.objects.get(action="catalog.asset.curate")
    assert denial.outcome == AuditOutcome.DENIED


def test_steward_of_another_domain_may_not_curate(client_for, steward: User, world) -> None:
    world.domain.stewards.remove(steward)
    before = snapshot(world.customers)
    url = reverse("catalog:asset_curate", args=[world.customers.pk])
    assert client_for(steward).post(url, curation_data(domain="")).status_code == 403
    assert snapshot(world.customers) == before


# --- certification ---------------------------------------------------------------------------


def test_steward_certifies_with_expiry_and_badge_shows(client_for, steward: User, world) -> None:
    client = client_for(steward)
    day = (timezone.now() + timedelta(days=90)).date()
    url = reverse("catalog:asset_certify", args=[world.customers.pk])
    assert client.post(url, {"expires_on": day.isoformat()}).status_code == 302
    asset = Asset.objects.get(pk=world.customers.pk)
    assert asset.is_certification_current
    assert asset.certified_by == steward
    assert asset.certification_expires_at.date() == day
    html = client.get(detail_url(asset)).content.decode()
    assert f"Certified until {day.isoformat()}" in html
    uncertify = reverse("catalog:asset_uncertify", args=[asset.pk])
    assert client.post(uncertify).status_code == 302
    assert not Asset.objects.get(pk=asset.pk).is_certified
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("sequence"))
    assert actions[-2:] == ["catalog.asset.certify", "catalog.asset.uncertify"]


@pytest.mark.parametrize("day", ["2001-01-01", "2999-01-01", "not-a-date"])
def test_bad_certification_expiry_is_refused(client_for, steward: User, world, day: str) -> None:
    url = reverse("catalog:asset_certify", args=[world.customers.pk])
    assert client_for(steward).post(url, {"expires_on": day}).status_code == 400
    assert not Asset.objects.get(pk=world.customers.pk).is_certified


def test_analyst_may_not_certify(client_for, analyst: User, world) -> None:
    url = reverse("catalog:asset_certify", args=[world.customers.pk])
    assert client_for(analyst).post(url, {"expires_on": ""}).status_code == 403
    assert not Asset.objects.get(pk=world.customers.pk).is_certified


# --- PII review ------------------------------------------------------------------------------


def decide_url(suggestion: PiiSuggestion, decision: str) -> str:
    return reverse("catalog:pii_decide", args=[suggestion.pk, decision])


def test_steward_accepts_a_pii_suggestion(client_for, steward: User, world) -> None:
    client = client_for(steward)
    assert client.post(decide_url(world.name_suggestion, "accept")).status_code == 302
    column = Column.objects.get(pk=world.name.pk)
    assert column.pii_kinds == ["person_name"]
    assert column.classification == Classification.CONFIDENTIAL
    assert Asset.objects.get(pk=world.customers.pk).classification == Classification.CONFIDENTIAL
    suggestion = PiiSuggestion.objects.get(pk=world.name_suggestion.pk)
    assert suggestion.status == "accepted"
    assert suggestion.decided_by == steward
    # Accepting again changes nothing and records nothing new.
    events = AuditEvent.objects.count()
    assert client.post(decide_url(world.name_suggestion, "accept")).status_code == 302
    assert AuditEvent.objects.count() == events
    # Rejecting an accepted suggestion is refused.
    client.post(decide_url(world.name_suggestion, "reject"))
    assert PiiSuggestion.objects.get(pk=world.name_suggestion.pk).status == "accepted"


def test_steward_rejects_a_pii_suggestion(client_for, steward: User, world) -> None:
    assert client_for(steward).post(decide_url(world.name_suggestion, "reject")).status_code == 302
    suggestion = PiiSuggestion.objects.get(pk=world.name_suggestion.pk)
    assert suggestion.status == "rejected"
    assert suggestion.decided_at is not None
    assert Column.objects.get(pk=world.name.pk).pii_kinds == []
    assert AuditEvent.objects.filter(action="catalog.pii.reject").count() == 1


def test_stale_accept_after_another_steward_decided_applies_once(
    steward: User,
    admin: User,
    world,
) -> None:
    from catalog.services.pii_review import pii_suggestion_accept

    stale = PiiSuggestion.objects.get(pk=world.name_suggestion.pk)
    first = pii_suggestion_accept(suggestion=stale, actor=admin)
    second = pii_suggestion_accept(suggestion=stale, actor=steward)
    assert first.changed
    assert not second.changed
    assert second.suggestion.decided_by == admin
    assert Column.objects.get(pk=world.name.pk).pii_kinds == ["person_name"]


@pytest.mark.parametrize(("persona", "status"), [("analyst", 403), ("outsider", 403), (None, 302)])
def test_pii_review_refused_without_rights(
    request: pytest.FixtureRequest,
    client_for,
    world,
    persona: str | None,
    status: int,
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).post(decide_url(world.name_suggestion, "accept"))
    assert response.status_code == status
    assert PiiSuggestion.objects.get(pk=world.name_suggestion.pk).status == "pending"
    assert Column.objects.get(pk=world.name.pk).pii_kinds == []


def test_unknown_decision_is_404(client_for, steward: User, world) -> None:
    assert client_for(steward).post(decide_url(world.name_suggestion, "maybe")).status_code == 404


# --- quality checks --------------------------------------------------------------------------


def test_steward_defines_and_deletes_a_check(client_for, steward: User, world) -> None:
    client = client_for(steward)
    url = reverse("catalog:quality_check_create", args=[world.customers.pk])
    data = {"name": "known countries", "kind": "accepted_values", "column": world.country.pk}
    response = client.post(url, {**data, "params": '{"values": ["NL", "DE", "FR"]}'})
    assert response.status_code == 302
    check = QualityCheck.objects.get()
    assert check.params == {"values": ["NL", "DE", "FR"]}
    assert check.created_by == steward
    delete = reverse("catalog:quality_check_delete", args=[check.pk])
    assert client.post(delete).status_code == 302
    assert not QualityCheck.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="catalog.quality.").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "range", "params": '{"min": 5, "max": 1}'}, "params"),
        ({"kind": "regex", "params": '{"pattern": "("}'}, "params"),
        ({"kind": "not_null", "column": ""}, "column"),
        ({"kind": "custom_sql", "params": '{"sql": "DELETE FROM customers"}'}, "params"),
        ({"kind": "row_count", "params": "{not json"}, "params"),
        ({"kind": "teleport"}, "kind"),
    ],
    ids=["range-inverted", "bad-regex", "missing-column", "sql-write", "bad-json", "bad-kind"],
)
def test_bad_check_is_refused_and_nothing_saved(
    client_for,
    steward: User,
    world,
    data: dict[str, object],
    field: str,
) -> None:
    url = reverse("catalog:quality_check_create", args=[world.customers.pk])
    payload = {"name": "bad", "column": world.country.pk, "params": "{}", **data}
    response = client_for(steward).post(url, payload)
    assert response.status_code == 400
    assert response.context["check_form"].errors[field]
    assert not QualityCheck.objects.exists()


def test_analyst_may_not_define_checks(client_for, analyst: User, world) -> None:
    url = reverse("catalog:quality_check_create", args=[world.customers.pk])
    response = client_for(analyst).post(url, {"name": "x", "kind": "row_count", "params": "{}"})
    assert response.status_code == 403
    assert not QualityCheck.objects.exists()
