"""The catalog home: search with facets and the KPI panel; the domains page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.forms_curation import SearchForm
from catalog.kpis import catalog_kpis
from catalog.models import Classification
from catalog.search import SearchQuery, SearchResults, asset_search
from catalog.selectors import assets as selectors
from workbench.core.permissions import require_permission

DISCOVER = "catalog.view_asset"
PAGE_SIZE = 20
FACET_TITLES = {
    "certified": "Certification",
    "classification": "Classification",
    "domain": "Domain",
    "source": "Source",
    "tag": "Tag",
    "owner": "Owner",
}


@require_GET
@require_permission(DISCOVER)
def catalog_search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.to_query() if form.is_bound and form.is_valid() else SearchQuery()
    page_number = (form.cleaned_data.get("page") if form.is_bound and not form.errors else 1) or 1
    offset = (page_number - 1) * PAGE_SIZE
    results = asset_search(user=request.user, query=query, limit=PAGE_SIZE, offset=offset)
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page": _page(results, page_number),
        "facets": _facet_groups(request, results),
        "kpis": catalog_kpis(),
        "classifications": Classification,
        "base_query": _base_query(request),
    }
    return render(request, "catalog/search.html", context, status=400 if form.errors else 200)


def _page(results: SearchResults, number: int) -> Page:
    # A paginator over the total, so the page links are right without loading other pages.
    paginator = Paginator(range(results.total), PAGE_SIZE)
    return paginator.get_page(number)


def _base_query(request: HttpRequest) -> str:
    params = [(key, value) for key, value in request.GET.lists() if key != "page"]
    return urlencode([(key, item) for key, values in params for item in values])


def _facet_groups(request: HttpRequest, results: SearchResults) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for key, title in FACET_TITLES.items():
        chosen = set(request.GET.getlist(key))
        values = [
            {
                "value": v.value,
                "label": v.label,
                "count": v.count,
                "checked": v.value in chosen,
                "url": _toggle_url(request, key, v.value),
            }
            for v in results.facets.get(key, [])
        ]
        if values:
            groups.append({"key": key, "title": title, "values": values})
    return groups


def _toggle_url(request: HttpRequest, key: str, value: str) -> str:
    """The current search with this facet value added, or removed when it is already chosen."""
    params = request.GET.copy()
    params.pop("page", None)
    chosen = params.getlist(key)
    if value in chosen:
        params.setlist(key, [item for item in chosen if item != value])
    else:
        params.setlist(key, [value] if key == "certified" else [*chosen, value])
    return f"?{params.urlencode()}"


@require_GET
@require_permission(DISCOVER)
def domain_list_view(request: HttpRequest) -> HttpResponse:
    domains = selectors.domain_list(user=request.user)
    return render(request, "catalog/domain_list.html", {"domains": domains})
