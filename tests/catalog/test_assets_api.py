"""The catalog API four ways: assets, curation, certification, preview, PII decisions, quality
checks and search; IDOR guesses are 404 and change nothing; list query counts are pinned."""

from __future__ import annotations

import json

import pytest

from catalog.models import Asset, Classification, Column, PiiSuggestion, QualityCheck
from tests.catalog.catalog_fixtures import CANARY_EMAILS, CANARY_NAMES
from tests.catalog.factories import AssetFactory, ColumnFactory, TagFactory
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db
ASSETS = "/api/catalog/assets/"
SEARCH = "/api/catalog/search/"
SUGGESTIONS = "/api/catalog/pii-suggestions/"
CHECKS = "/api/catalog/quality-checks/"


def test_anonymous_gets_401_everywhere(api_client_for, world) -> None:
    client = api_client_for(None)
    for url in [ASSETS, f"{ASSETS}{world.customers.pk}/", SEARCH, SUGGESTIONS, CHECKS]:
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_outsider_gets_403_and_nothing(api_client_for, outsider: User, world) -> None:
    client = api_client_for(outsider)
    for url in [ASSETS, SEARCH, SUGGESTIONS, CHECKS]:
        response = client.get(url)
        assert response.status_code == 403
        assert "customers" not in response.content.decode()
        # The refusal names the role that opens it, not an internal permission code.
        message = response.json()["error"]["message"]
        assert "catalog." not in message
        assert "role" in message


def test_analyst_lists_only_what_they_may_discover(api_client_for, analyst: User, world) -> None:
    body = api_client_for(analyst).get(ASSETS).json()
    assert [row["name"] for row in body["results"]] == ["customers"]
    assert body["results"][0]["domain"] == "sales"


def test_asset_list_query_count_is_pinned(
    api_client_for,
    analyst: User,
    world,
    django_assert_max_num_queries,
) -> None:
    for n in range(15):
        asset = AssetFactory(source=world.customers.source, name=f"extra_{n}")
        asset.tags.add(TagFactory(name=f"t{n}"))
    client = api_client_for(analyst)
    client.get(ASSETS)  # compiles the policies and lists the asset classes present, once
    with django_assert_max_num_queries(8):
        body = client.get(ASSETS).json()
    assert body["count"] == 16


def test_asset_detail_shows_columns_without_values(api_client_for, analyst: User, world) -> None:
    response = api_client_for(analyst).get(f"{ASSETS}{world.customers.pk}/")
    body = response.json()
    assert response.status_code == 200
    columns = {column["name"]: column for column in body["columns"]}
    assert columns["email"]["pii_kinds"] == ["email"]
    assert columns["full_name"]["pii_suggestions"][0]["kind"] == "person_name"
    text = json.dumps(body)
    assert not [value for value in [*CANARY_EMAILS, *CANARY_NAMES] if value in text]


@pytest.mark.parametrize("persona", ["analyst", "steward"])
def test_api_idor_on_an_undiscoverable_asset_is_404(
    request: pytest.FixtureRequest,
    api_client_for,
    world,
    persona: str,
) -> None:
    client = api_client_for(request.getfixturevalue(persona))
    url = f"{ASSETS}{world.payroll.pk}/"
    before = Asset.objects.filter(pk=world.payroll.pk).values().get()
    assert client.get(url).status_code == 404
    assert client.get(f"{url}preview/").status_code == 404
    assert client.patch(url, {"description": "pwned"}, format="json").status_code == 404
    assert client.post(f"{url}certify/", {}, format="json").status_code == 404
    check = {"asset": world.payroll.pk, "name": "x", "kind": "row_count", "params": {"min": 1}}
    response = client.post(CHECKS, check, format="json")
    assert response.status_code == 400  # the asset "does not exist" for this caller
    assert "asset" in response.json()["error"]["fields"]
    assert Asset.objects.filter(pk=world.payroll.pk).values().get() == before
    assert not QualityCheck.objects.exists()


def test_steward_curates_through_the_api(api_client_for, steward: User, world) -> None:
    url = f"{ASSETS}{world.customers.pk}/"
    payload = {"description": "CRM *customers*", "tags": ["crm"], "owner": "steward"}
    response = api_client_for(steward).patch(url, payload, format="json")
    assert response.status_code == 200
    assert response.json()["tags"] == ["crm"]
    asset = Asset.objects.get(pk=world.customers.pk)
    assert asset.description == "CRM *customers*"
    assert asset.owner == steward
    assert asset.classification == Classification.INTERNAL  # not sent, not changed


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"classification": 7}, "classification"),
        ({"owner": "ghost"}, "owner"),
        ({"tags": ["Not OK"]}, "tags"),
        ({"domain": "nowhere"}, "domain"),
    ],
)
def test_bad_curation_payload_is_400_with_fields(
    api_client_for,
    steward: User,
    world,
    payload: dict[str, object],
    field: str,
) -> None:
    before = Asset.objects.filter(pk=world.customers.pk).values().get()
    response = api_client_for(steward).patch(
        f"{ASSETS}{world.customers.pk}/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Asset.objects.filter(pk=world.customers.pk).values().get() == before


def test_analyst_may_not_curate_or_certify_via_api(api_client_for, analyst: User, world) -> None:
    client = api_client_for(analyst)
    url = f"{ASSETS}{world.customers.pk}/"
    assert client.patch(url, {"description": "x"}, format="json").status_code == 403
    assert client.post(f"{url}certify/", {}, format="json").status_code == 403
    asset = Asset.objects.get(pk=world.customers.pk)
    assert asset.description == ""
    assert not asset.is_certified
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).count() == 2


def test_certify_via_api_with_bad_and_good_expiry(api_client_for, steward: User, world) -> None:
    client = api_client_for(steward)
    url = f"{ASSETS}{world.customers.pk}/certify/"
    past = client.post(url, {"expires_at": "2000-01-01T00:00:00Z"}, format="json")
    assert past.status_code == 400
    assert "expires_at" in past.json()["error"]["fields"]
    assert client.post(url, {"expires_at": "garbage"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").json()["is_certified"] is True


def test_preview_via_api_masks_and_validates(api_client_for, analyst: User, world) -> None:
    client = api_client_for(analyst)
    url = f"{ASSETS}{world.customers.pk}/preview/"
    body = client.get(url, {"purpose": "test", "limit": 2}).json()
    assert body["masked_columns"] == ["full_name", "email"]
    assert len(body["rows"]) == 2
    assert not [v for v in [*CANARY_EMAILS, *CANARY_NAMES] if v in json.dumps(body)]
    assert client.get(url, {"limit": "lots"}).status_code == 400
    assert client.get(url, {"limit": 1000}).status_code == 400


def test_pii_decisions_via_api(api_client_for, steward: User, analyst: User, world) -> None:
    url = f"{SUGGESTIONS}{world.name_suggestion.pk}/"
    listed = api_client_for(analyst).get(SUGGESTIONS).json()
    assert [row["kind"] for row in listed["results"]] == ["person_name"]
    assert api_client_for(analyst).post(f"{url}accept/").status_code == 403
    assert PiiSuggestion.objects.get(pk=world.name_suggestion.pk).status == "pending"
    client = api_client_for(steward)
    first = client.post(f"{url}accept/").json()
    assert first["status"] == "accepted"
    assert first["changed"] is True
    assert client.post(f"{url}accept/").json()["changed"] is False
    conflict = client.post(f"{url}reject/")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert Column.objects.get(pk=world.name.pk).pii_kinds == ["person_name"]
    assert client.get(SUGGESTIONS, {"status": "bogus"}).status_code == 400


def test_suggestion_on_an_undiscoverable_asset_is_404(api_client_for, analyst: User, world) -> None:
    hidden = ColumnFactory(asset=world.payroll, name="iban", ordinal=2)
    suggestion = PiiSuggestion.objects.create(column=hidden, kind="iban", confidence="0.9")
    response = api_client_for(analyst).post(f"{SUGGESTIONS}{suggestion.pk}/accept/")
    assert response.status_code == 404
    assert PiiSuggestion.objects.get(pk=suggestion.pk).status == "pending"


def test_quality_check_crud_via_api(api_client_for, steward: User, analyst: User, world) -> None:
    client = api_client_for(steward)
    payload = {
        "asset": world.customers.pk,
        "column": world.country.pk,
        "name": "countries",
        "kind": "accepted_values",
        "params": {"values": ["NL", "DE"]},
    }
    assert api_client_for(analyst).post(CHECKS, payload, format="json").status_code == 403
    created = client.post(CHECKS, payload, format="json")
    assert created.status_code == 201
    check_id = created.json()["id"]
    bad = client.patch(f"{CHECKS}{check_id}/", {"params": {"values": []}}, format="json")
    assert bad.status_code == 400
    assert QualityCheck.objects.get().params == {"values": ["NL", "DE"]}
    good = client.patch(f"{CHECKS}{check_id}/", {"is_active": False}, format="json")
    assert good.json()["is_active"] is False
    assert api_client_for(analyst).get(CHECKS, {"asset": world.customers.pk}).json()["count"] == 1
    assert api_client_for(analyst).delete(f"{CHECKS}{check_id}/").status_code == 403
    assert client.delete(f"{CHECKS}{check_id}/").status_code == 204
    assert not QualityCheck.objects.exists()


# --- search ------------------------------------------------------------------------------------


def test_search_api_filters_and_facets(api_client_for, analyst: User, admin: User, world) -> None:
    body = api_client_for(analyst).get(SEARCH, {"q": "email"}).json()
    assert [row["name"] for row in body["results"]] == ["customers"]
    assert body["facets"]["domain"][0] == {"value": "sales", "label": "Sales", "count": 1}
    assert api_client_for(analyst).get(SEARCH, {"q": "salary"}).json()["count"] == 0
    assert api_client_for(admin).get(SEARCH, {"q": "salary"}).json()["count"] == 1
    restricted = {"classification": Classification.RESTRICTED.value}
    assert api_client_for(analyst).get(SEARCH, restricted).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 201}, {"classification": "7"}, {"source": "abc"}, {"page_size": "0"}],
    ids=["long-text", "bad-class", "bad-source", "bad-page-size"],
)
def test_search_api_bad_input_is_400(
    api_client_for,
    analyst: User,
    world,
    params: dict[str, str],
) -> None:
    response = api_client_for(analyst).get(SEARCH, params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_search_api_query_count_is_pinned(
    api_client_for,
    analyst: User,
    world,
    django_assert_max_num_queries,
) -> None:
    for n in range(15):
        AssetFactory(source=world.customers.source, name=f"more_{n}").tags.add(
            TagFactory(name=f"x{n}")
        )
    with django_assert_max_num_queries(14):
        body = api_client_for(analyst).get(SEARCH).json()
    assert body["count"] == 16


def test_steward_curates_a_column_and_links_a_term(
    api_client_for, steward: User, analyst: User, world
) -> None:
    from tests.catalog.factories import GlossaryTermFactory

    term = GlossaryTermFactory(name="Country of residence")
    url = f"{ASSETS}{world.customers.pk}/columns/{world.country.pk}/"
    payload = {"description": "ISO 3166 code", "tags": ["geo"], "terms": [term.pk]}
    assert api_client_for(analyst).patch(url, payload, format="json").status_code == 403
    response = api_client_for(steward).patch(url, payload, format="json")
    assert response.status_code == 200
    column = next(c for c in response.json()["columns"] if c["name"] == "country")
    assert (column["description"], column["tags"], column["terms"]) == (
        "ISO 3166 code",
        ["geo"],
        ["Country of residence"],
    )
    assert "residence" in Asset.objects.get(pk=world.customers.pk).search_document
    bad = api_client_for(steward).patch(url, {"tags": ["Bad Tag"]}, format="json")
    assert bad.status_code == 400
    other = f"{ASSETS}{world.customers.pk}/columns/{world.payroll.columns.get().pk}/"
    assert api_client_for(steward).patch(other, payload, format="json").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"{SUGGESTIONS}abc/accept/",
        f"{SUGGESTIONS}1e3/reject/",
        f"{ASSETS}x/",
        f"{CHECKS}-1/",
        "/api/catalog/glossary/%20/",
    ],
)
def test_non_numeric_ids_are_404(api_client_for, steward: User, url: str) -> None:
    client = api_client_for(steward)
    response = client.post(url) if url.endswith(("accept/", "reject/")) else client.get(url)
    assert response.status_code == 404


def test_a_refused_preview_answers_in_the_error_format(
    api_client_for, analyst: User, world
) -> None:
    response = api_client_for(analyst).get(f"{ASSETS}{world.payroll.pk}/preview/")

    assert response.status_code in {403, 404}
    body = response.json()
    assert set(body) == {"error"}
    assert "98765" not in response.content.decode()
