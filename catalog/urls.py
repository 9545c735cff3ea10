"""Catalog pages. Each area adds its routes here."""

from django.urls import URLPattern, URLResolver, path

from catalog.views import assets as asset_views
from catalog.views import exports as export_views
from catalog.views import glossary as glossary_views
from catalog.views import search as search_views
from catalog.views import sources as source_views

app_name = "catalog"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", search_views.catalog_search_view, name="search"),
    path("domains/", search_views.domain_list_view, name="domain_list"),
    path("assets/<int:asset_id>/", asset_views.asset_detail_view, name="asset_detail"),
    path("assets/<int:asset_id>/preview/", asset_views.asset_preview_view, name="asset_preview"),
    path("assets/<int:asset_id>/curate/", asset_views.asset_curate_view, name="asset_curate"),
    path("assets/<int:asset_id>/certify/", asset_views.asset_certify_view, name="asset_certify"),
    path(
        "assets/<int:asset_id>/uncertify/",
        asset_views.asset_uncertify_view,
        name="asset_uncertify",
    ),
    path(
        "assets/<int:asset_id>/checks/",
        asset_views.quality_check_create_view,
        name="quality_check_create",
    ),
    path(
        "checks/<int:check_id>/delete/",
        asset_views.quality_check_delete_view,
        name="quality_check_delete",
    ),
    path(
        "pii/<int:suggestion_id>/<str:decision>/",
        asset_views.pii_suggestion_decide_view,
        name="pii_decide",
    ),
    path("glossary/", glossary_views.glossary_list_view, name="glossary_list"),
    path("glossary/new/", glossary_views.glossary_create_view, name="glossary_create"),
    path("glossary/<int:term_id>/", glossary_views.glossary_detail_view, name="glossary_detail"),
    path("glossary/<int:term_id>/edit/", glossary_views.glossary_edit_view, name="glossary_edit"),
    path(
        "glossary/<int:term_id>/delete/",
        glossary_views.glossary_delete_view,
        name="glossary_delete",
    ),
    path("sources/", source_views.source_list_view, name="source_list"),
    path("sources/new/", source_views.source_create_view, name="source_create"),
    path("sources/<int:source_id>/", source_views.source_detail_view, name="source_detail"),
    path("sources/<int:source_id>/edit/", source_views.source_edit_view, name="source_edit"),
    path("sources/<int:source_id>/test/", source_views.source_test_view, name="source_test"),
    path("sources/<int:source_id>/scans/", source_views.scan_start_view, name="scan_start"),
    path("sources/scans/<int:run_id>/", source_views.scan_detail_view, name="scan_detail"),
    path(
        "sources/scans/<int:run_id>/progress/",
        source_views.scan_progress_view,
        name="scan_progress",
    ),
    path("sources/scans/<int:run_id>/retry/", source_views.scan_retry_view, name="scan_retry"),
    path("sources/<int:source_id>/exports/", export_views.export_start_view, name="export_start"),
    path(
        "sources/<int:source_id>/exports/panel/",
        export_views.export_panel_view,
        name="export_panel",
    ),
    path(
        "sources/<int:source_id>/exports/<int:export_id>/download/",
        export_views.export_download_view,
        name="export_download",
    ),
]
