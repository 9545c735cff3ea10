"""The catalog home: search page four ways, facets, bad input, query count, and the KPI panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.kpis import catalog_coverage, catalog_kpis, catalog_onboarding
from catalog.models import Asset, ScanRun, ScanStatus
from tests.catalog.factories import AssetFactory, ScanRunFactory, TagFactory
from workbench.accounts.models import User

pytestmark = pytest.mark.django_db
URL = reverse("catalog:search")


def test_search_page_four_ways(
    client_for, outsider: User, analyst: User, admin: User, world
) -> None:
    assert client_for(None).get(URL).status_code == 302
    assert client_for(outsider).get(URL).status_code == 403
    analyst_html = client_for(analyst).get(URL, {"q": "customers"}).content.decode()
    assert 'data-asset="customers"' in analyst_html
    assert 'data-asset="payroll"' not in analyst_html
    admin_html = client_for(admin).get(URL).content.decode()
    assert 'data-asset="payroll"' in admin_html


def test_search_page_facets_filter(client_for, analyst: User, world) -> None:
    other = AssetFactory(source=world.customers.source, name="orders")
    other.tags.add(TagFactory(name="finance"))
    client = client_for(analyst)
    html = client.get(URL).content.decode()
    assert 'data-facet="domain"' in html
    assert 'data-facet="tag"' in html
    filtered = client.get(URL, {"tag": "finance"}).content.decode()
    assert 'data-asset="orders"' in filtered
    assert 'data-asset="customers"' not in filtered
    by_domain = client.get(URL, {"domain": "sales"}).content.decode()
    assert 'data-asset="customers"' in by_domain
    assert 'data-asset="orders"' not in by_domain


@pytest.mark.parametrize(
    "params",
    [{"q": "x" * 201}, {"classification": "12"}, {"source": "x"}, {"tag": "<script>"}],
    ids=["long", "bad-class", "bad-source", "bad-tag"],
)
def test_search_page_bad_input_is_400_with_a_message(
    client_for,
    analyst: User,
    world,
    params: dict[str, str],
) -> None:
    response = client_for(analyst).get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1]
    assert 'role="alert"' in html or "is-invalid" in html


def test_search_page_query_count_is_pinned(
    client_for,
    analyst: User,
    world,
    django_assert_max_num_queries,
) -> None:
    for n in range(25):
        AssetFactory(source=world.customers.source, name=f"t_{n}").tags.add(
            TagFactory(name=f"g{n}")
        )
    client = client_for(analyst)
    client.get(URL)
    with django_assert_max_num_queries(30):
        response = client.get(URL)
    assert "Page 1 of 2" in response.content.decode()


def test_kpi_panel_and_figures(client_for, analyst: User, steward: User, world) -> None:
    customers = world.customers
    assert catalog_coverage().tables == 2
    assert catalog_coverage().documented == 0
    Asset.objects.filter(pk=customers.pk).update(
        description="Documented", owner=steward, is_classified=True
    )
    coverage = catalog_coverage()
    assert (coverage.documented, coverage.percent) == (1, 50.0)
    source = customers.source
    created = timezone.now() - timedelta(hours=10)
    type(source).objects.filter(pk=source.pk).update(created_at=created)
    run = ScanRunFactory(source=source, status=ScanStatus.SUCCEEDED)
    ScanRun.objects.filter(pk=run.pk).update(finished_at=created + timedelta(hours=2))
    ScanRunFactory(source=source, status=ScanStatus.FAILED)
    Asset.objects.filter(pk=customers.pk).update(
        is_certified=True, certified_at=created + timedelta(hours=6)
    )
    onboarding = catalog_onboarding()
    assert onboarding.median_hours_to_first_scan == 2.0
    assert onboarding.median_hours_to_certified == 6.0
    kpis = catalog_kpis()
    assert kpis.certified_assets == 1
    assert kpis.pending_pii_suggestions == 1
    html = client_for(analyst).get(URL).content.decode()
    assert 'data-kpi="coverage">50.0%' in html
    assert 'data-kpi="to-scan">2.0 h' in html


def test_catalog_is_in_the_navigation(client_for, analyst: User, outsider: User) -> None:
    assert 'data-nav="catalog"' in client_for(analyst).get("/").content.decode()
    assert 'data-nav="catalog"' not in client_for(outsider).get("/").content.decode()
