"""Catalog API routes under /api/catalog/. Each area registers its viewsets or views here."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

from catalog.api.sources import DataSourceViewSet, ScanRunViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("sources", DataSourceViewSet, basename="catalog-source")
router.register("scans", ScanRunViewSet, basename="catalog-scan")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
