"""The access heat-map page: people or departments × datasets, by effective access."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Asset
from workbench.governance import selectors
from workbench.governance.forms_oversight import HeatmapFilterForm
from workbench.governance.heatmap import AccessLevel, Heatmap, HeatmapFilters, heatmap_build
from workbench.governance.selectors import GovernanceScope
from workbench.governance.views.scope import OVERSIGHT_MESSAGE, may_oversee, require_scope


@require_GET
@require_scope(may_oversee, OVERSIGHT_MESSAGE)
def heatmap_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    form = HeatmapFilterForm(request.GET or None)
    is_valid = not form.is_bound or form.is_valid()
    heatmap = None
    if is_valid:
        filters = form.to_filters() if form.is_bound else HeatmapFilters()
        heatmap = heatmap_build(scope=scope, filters=filters)
    query = request.GET.copy()
    for name in ("page", "assets_page"):
        query.pop(name, None)
    context = {
        "column_counts": _column_counts(heatmap),
        "form": form,
        "heatmap": heatmap,
        "levels": list(AccessLevel),
        "domains": selectors.heatmap_domains(scope=scope),
        "query": query.urlencode(),
        "scope": scope,
    }
    return render(request, "governance/heatmap.html", context, status=200 if is_valid else 400)


def _column_counts(heatmap: Heatmap | None) -> list[tuple[Asset, list[int]]]:
    if heatmap is None:
        return []
    return [
        (asset, [counts[level] for level in AccessLevel])
        for asset, counts in zip(heatmap.columns, heatmap.column_counts, strict=True)
    ]
