"""Catalog API routes under /api/catalog/. Each area registers its viewsets or views here."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
