"""Catalog API routes under /api/catalog/. Each area registers its viewsets or views here."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from catalog.api.assets import AssetViewSet, PiiSuggestionViewSet, QualityCheckViewSet
from catalog.api.exports import CatalogExportViewSet, SourceExportStartView
from catalog.api.glossary import GlossaryTermViewSet
from catalog.api.search import SearchView
from catalog.api.sources import DataSourceViewSet, ScanRunViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("sources", DataSourceViewSet, basename="catalog-source")
router.register("scans", ScanRunViewSet, basename="catalog-scan")
router.register("assets", AssetViewSet, basename="catalog-asset")
router.register("pii-suggestions", PiiSuggestionViewSet, basename="catalog-pii-suggestion")
router.register("quality-checks", QualityCheckViewSet, basename="catalog-quality-check")
router.register("glossary", GlossaryTermViewSet, basename="catalog-glossary")
router.register("exports", CatalogExportViewSet, basename="catalog-export")

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", SearchView.as_view(), name="catalog-search"),
    path(
        "sources/<int:source_id>/exports/",
        SourceExportStartView.as_view(),
        name="catalog-source-exports",
    ),
    *router.urls,
]
