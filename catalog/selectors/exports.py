"""Reads for OpenMetadata exports: a source's recent exports (without their files), one export."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import CatalogExport

LIST_FIELDS_DEFERRED = ("content",)


def catalog_export_list(*, source_id: int | None = None) -> QuerySet[CatalogExport]:
    """Exports newest first, with source and requester, never loading the files themselves."""
    exports = CatalogExport.objects.select_related("source", "requested_by").defer(
        *LIST_FIELDS_DEFERRED
    )
    return exports if source_id is None else exports.filter(source_id=source_id)


def catalog_export_recent(*, source_id: int, limit: int = 5) -> list[CatalogExport]:
    return list(catalog_export_list(source_id=source_id)[:limit])


def catalog_export_get(*, export_id: int) -> CatalogExport | None:
    return catalog_export_list().filter(pk=export_id).first()


def catalog_export_get_with_file(*, export_id: int) -> CatalogExport | None:
    return CatalogExport.objects.select_related("source").filter(pk=export_id).first()
