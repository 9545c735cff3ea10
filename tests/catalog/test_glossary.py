"""Glossary pages and API four ways; domain-scoped editing; bad input; links to tables/columns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.models import GlossaryTerm
from catalog.services.curation import column_curate
from tests.catalog.factories import DomainFactory, GlossaryTermFactory
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
API = "/api/catalog/glossary/"


@pytest.fixture
def revenue(world) -> GlossaryTerm:
    term = GlossaryTermFactory(name="Customer", definition="Someone who **bought**.")
    term.domain = world.domain
    term.save()
    return term


def test_glossary_list_four_ways(
    client_for, outsider: User, analyst: User, steward: User, revenue
) -> None:
    url = reverse("catalog:glossary_list")
    assert client_for(None).get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 403
    analyst_html = client_for(analyst).get(url).content.decode()
    assert 'data-term="Customer"' in analyst_html
    assert 'data-action="add-term"' not in analyst_html
    assert 'data-action="add-term"' in client_for(steward).get(url).content.decode()


def test_term_page_renders_markdown_and_links(client_for, analyst: User, revenue, world) -> None:
    world.customers.terms.add(revenue)
    column_curate(column=world.country, actor=User.objects.get(username="steward"), terms=[revenue])
    world.payroll.terms.add(revenue)  # analyst may not discover payroll: not listed
    html = (
        client_for(analyst)
        .get(reverse("catalog:glossary_detail", args=[revenue.pk]))
        .content.decode()
    )
    assert "<strong>bought</strong>" in html
    assert "main.customers" in html
    assert "country" in html
    assert "payroll" not in html
    assert 'data-action="edit-term"' not in html


def test_steward_creates_a_term(client_for, steward: User, world) -> None:
    data = {"name": "Churn", "definition": "Customers who left.", "synonyms": "attrition, loss"}
    response = client_for(steward).post(
        reverse("catalog:glossary_create"), {**data, "domain": "sales"}
    )
    assert response.status_code == 302
    term = GlossaryTerm.objects.get(name="Churn")
    assert term.synonyms == ["attrition", "loss"]
    assert AuditEvent.objects.filter(action="catalog.glossary.create").count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "customer", "definition": "dup"}, "name"),  # case-insensitive duplicate
        ({"name": "", "definition": "x"}, "name"),
        ({"name": "Empty", "definition": ""}, "definition"),
        ({"name": "Odd", "definition": "x", "domain": "nowhere"}, "domain"),
    ],
    ids=["duplicate", "no-name", "no-definition", "bad-domain"],
)
def test_bad_term_is_refused(
    client_for, steward: User, revenue, data: dict[str, str], field: str
) -> None:
    before = GlossaryTerm.objects.count()
    response = client_for(steward).post(reverse("catalog:glossary_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert GlossaryTerm.objects.count() == before


def test_analyst_may_not_create_terms(client_for, analyst: User) -> None:
    response = client_for(analyst).post(
        reverse("catalog:glossary_create"), {"name": "X", "definition": "Y"}
    )
    assert response.status_code == 403
    assert not GlossaryTerm.objects.exists()


def test_only_the_domain_stewards_edit_a_domain_term(
    client_for, steward: User, owner: User, revenue
) -> None:
    url = reverse("catalog:glossary_edit", args=[revenue.pk])
    data = {"name": "Customer", "definition": "A buyer.", "domain": "sales"}
    assert client_for(owner).post(url, data).status_code == 403  # owner role, but not of Sales
    assert GlossaryTerm.objects.get(pk=revenue.pk).definition == "Someone who **bought**."
    assert client_for(steward).post(url, data).status_code == 302
    assert GlossaryTerm.objects.get(pk=revenue.pk).definition == "A buyer."


def test_delete_term(client_for, steward: User, analyst: User, revenue) -> None:
    url = reverse("catalog:glossary_delete", args=[revenue.pk])
    assert client_for(analyst).post(url).status_code == 403
    assert client_for(steward).post(url).status_code == 302
    assert not GlossaryTerm.objects.exists()


def test_glossary_api(
    api_client_for, steward: User, analyst: User, outsider: User, revenue
) -> None:
    assert api_client_for(None).get(API).status_code == 401
    assert api_client_for(outsider).get(API).status_code == 403
    assert api_client_for(analyst).get(API).json()["results"][0]["name"] == "Customer"
    new = {
        "name": "Order",
        "definition": "A purchase.",
        "related": [revenue.pk],
        "synonyms": ["buy"],
    }
    assert api_client_for(analyst).post(API, new, format="json").status_code == 403
    created = api_client_for(steward).post(API, new, format="json")
    assert created.status_code == 201
    assert created.json()["related"] == [revenue.pk]
    assert list(
        GlossaryTerm.objects.get(name="Customer").related.values_list("name", flat=True)
    ) == ["Order"]
    duplicate = api_client_for(steward).post(API, {**new, "name": "ORDER"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()["error"]["fields"]
    term_id = created.json()["id"]
    self_related = api_client_for(steward).patch(
        f"{API}{term_id}/", {"related": [term_id]}, format="json"
    )
    assert self_related.status_code == 400
    assert api_client_for(steward).delete(f"{API}{term_id}/").status_code == 204


def test_domains_page(client_for, outsider: User, analyst: User, world) -> None:
    DomainFactory(name="Finance", code="finance")
    url = reverse("catalog:domain_list")
    assert client_for(None).get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 403
    response = client_for(analyst).get(url)
    html = response.content.decode()
    assert 'data-domain="sales"' in html
    assert 'data-domain="finance"' in html
    sales = next(d for d in response.context["domains"] if d.code == "sales")
    assert sales.asset_count == 1
