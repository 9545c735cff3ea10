"""Catalog pages. Each area adds its routes here."""

from django.urls import URLPattern, URLResolver, path

from catalog.views import sources as source_views

app_name = "catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sources/", source_views.source_list_view, name="source_list"),
    path("sources/new/", source_views.source_create_view, name="source_create"),
    path("sources/<int:source_id>/", source_views.source_detail_view, name="source_detail"),
    path("sources/<int:source_id>/edit/", source_views.source_edit_view, name="source_edit"),
    path("sources/<int:source_id>/test/", source_views.source_test_view, name="source_test"),
    path("sources/<int:source_id>/scans/", source_views.scan_start_view, name="scan_start"),
    path("scans/<int:run_id>/", source_views.scan_detail_view, name="scan_detail"),
    path("scans/<int:run_id>/progress/", source_views.scan_progress_view, name="scan_progress"),
    path("scans/<int:run_id>/retry/", source_views.scan_retry_view, name="scan_retry"),
]
