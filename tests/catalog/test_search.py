"""Catalog search: matching, typo tolerance, ranking, facets and the permission filter in SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import AssetStatus, Classification
from catalog.search import SearchError, SearchQuery, asset_search, asset_search_refresh
from tests.catalog.factories import (
    DomainFactory,
    GlossaryTermFactory,
    TagFactory,
    asset_with_columns,
)
from workbench.accounts.models import User

pytestmark = pytest.mark.django_db


def names(user: User, **query: object) -> list[str]:
    results = asset_search(user=user, query=SearchQuery(**query), limit=50)  # type: ignore[arg-type]
    return [asset.name for asset in results.assets]


@pytest.fixture
def catalog_rows(steward: User) -> dict[str, object]:
    sales = DomainFactory(name="Sales", code="sales")
    orders = asset_with_columns(
        "order_id", "customer_email", name="customer_orders", domain=sales, usage_count=5
    )
    invoices = asset_with_columns("invoice_id", "amount", name="invoices", usage_count=50)
    invoices.description = "Every invoice sent to a customer, with its amount."
    invoices.save()
    payroll = asset_with_columns("salary", name="payroll", classification=Classification.RESTRICTED)
    return {"orders": orders, "invoices": invoices, "payroll": payroll, "sales": sales}


def test_search_matches_names_columns_and_descriptions(analyst: User, catalog_rows) -> None:
    asset_search_refresh(asset_ids=[catalog_rows["invoices"].pk])  # type: ignore[attr-defined]
    assert names(analyst, text="customer_orders") == ["customer_orders"]
    assert names(analyst, text="customer_email") == ["customer_orders"]
    assert set(names(analyst, text="customer")) == {"customer_orders", "invoices"}
    assert names(analyst, text="amount") == ["invoices"]
    assert names(analyst, text="nothing like this") == []


def test_search_tolerates_a_typo_in_a_name(analyst: User, catalog_rows) -> None:
    results = asset_search(user=analyst, query=SearchQuery(text="custmer_orders"))
    assert [asset.name for asset in results.assets] == ["customer_orders"]
    assert results.is_fuzzy


def test_search_finds_tags_and_glossary_terms(analyst: User, catalog_rows) -> None:
    orders = catalog_rows["orders"]
    orders.tags.add(TagFactory(name="gdpr"))  # type: ignore[attr-defined]
    term = GlossaryTermFactory(name="Net revenue", synonyms=["turnover"])
    orders.terms.add(term)  # type: ignore[attr-defined]
    assert names(analyst, text="turnover") == []  # not refreshed yet: the document is stale
    asset_search_refresh(asset_ids=[orders.pk])  # type: ignore[attr-defined]
    assert names(analyst, text="gdpr") == ["customer_orders"]
    assert names(analyst, text="turnover") == ["customer_orders"]
    assert names(analyst, text="net revenue") == ["customer_orders"]


def test_certified_then_frequently_used_rank_first(analyst: User, catalog_rows) -> None:
    asset_search_refresh(asset_ids=[catalog_rows["invoices"].pk])  # type: ignore[attr-defined]
    assert names(analyst, text="customer") == ["customer_orders", "invoices"]  # name match first
    assert names(analyst) == ["invoices", "customer_orders"]  # usage 50 before 5
    orders = catalog_rows["orders"]
    orders.is_certified = True  # type: ignore[attr-defined]
    orders.save()  # type: ignore[attr-defined]
    assert names(analyst) == ["customer_orders", "invoices"]
    orders.certification_expires_at = timezone.now() - timedelta(days=1)  # type: ignore[attr-defined]
    orders.save()  # type: ignore[attr-defined]
    assert names(analyst) == ["invoices", "customer_orders"]  # an expired badge counts for nothing
    assert names(analyst, certified=True) == []


def test_search_hides_what_the_user_may_not_discover(
    analyst: User, steward: User, admin: User, outsider: User, catalog_rows
) -> None:
    assert "payroll" not in names(analyst)
    assert names(analyst, text="salary") == []
    assert names(admin, text="salary") == ["payroll"]
    assert "payroll" not in names(steward)
    catalog_rows["sales"].stewards.add(steward)  # type: ignore[attr-defined]
    payroll = catalog_rows["payroll"]
    payroll.domain = catalog_rows["sales"]  # type: ignore[attr-defined]
    payroll.save()  # type: ignore[attr-defined]
    assert names(steward, text="salary") == ["payroll"]  # steward of its domain
    outsider.clearance = Classification.PUBLIC
    outsider.save()
    assert names(outsider) == []


def test_removed_assets_are_hidden(analyst: User, catalog_rows) -> None:
    invoices = catalog_rows["invoices"]
    invoices.status = AssetStatus.REMOVED  # type: ignore[attr-defined]
    invoices.save()  # type: ignore[attr-defined]
    assert names(analyst) == ["customer_orders"]


def test_facets_count_what_matched_and_filter(analyst: User, catalog_rows) -> None:
    catalog_rows["orders"].tags.add(TagFactory(name="gdpr"))  # type: ignore[attr-defined]
    results = asset_search(user=analyst, query=SearchQuery())
    facets = {key: {(v.value, v.count) for v in values} for key, values in results.facets.items()}
    assert results.total == 2
    assert facets["domain"] == {("sales", 1)}
    assert facets["tag"] == {("gdpr", 1)}
    assert facets["classification"] == {(str(Classification.INTERNAL.value), 2)}
    assert facets["certified"] == {("false", 2)}
    assert names(analyst, domains=("sales",)) == ["customer_orders"]
    assert names(analyst, tags=("gdpr",)) == ["customer_orders"]
    assert names(analyst, tags=("gdpr", "missing")) == []
    assert names(analyst, classifications=(Classification.RESTRICTED.value,)) == []


@pytest.mark.parametrize(
    "query",
    [{"text": "x" * 201}, {"classifications": (9,)}],
    ids=["text-too-long", "unknown-classification"],
)
def test_bad_search_input_is_refused(query: dict[str, object]) -> None:
    with pytest.raises(SearchError):
        SearchQuery(**query)  # type: ignore[arg-type]


def test_search_syntax_in_text_is_not_interpreted(analyst: User, catalog_rows) -> None:
    for text in ['"', "a OR b", "NEAR(", "*:", "'; drop table", "& | !"]:
        assert isinstance(names(analyst, text=text), list)


def test_reindex_command_rebuilds_documents_written_without_the_services(analyst: User) -> None:
    from io import StringIO

    from django.core.management import call_command

    from tests.catalog.factories import AssetFactory, ColumnFactory

    asset = AssetFactory(name="ledger_entries")  # as a bulk load would: no search document
    ColumnFactory(asset=asset, name="posting_date", ordinal=1)
    assert names(analyst, text="posting") == []
    out = StringIO()
    call_command("catalog_search_reindex", stdout=out)
    assert "Reindexed 1 assets" in out.getvalue()
    assert names(analyst, text="posting") == ["ledger_entries"]
