"""Catalog pages. Each area adds its routes here."""

from django.urls import URLPattern, URLResolver

app_name = "catalog"

urlpatterns: list[URLPattern | URLResolver] = []
