"""Django admin for the catalog. Sources are edited on their own pages (which encrypt the password,
keep the schedule in step and audit the change), so here they and their scan runs are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from catalog.models import DataSource, ScanLogEntry, ScanRun


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataSource)
class DataSourceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DataSource]):
    list_display = ("name", "kind", "domain", "owner", "residency", "is_active", "updated_at")
    list_filter = ("kind", "residency", "is_active")
    search_fields = ("name", "host", "database", "path")
    list_select_related = ("domain", "owner")
    exclude = ("password_encrypted",)


class ScanLogEntryInline(ReadOnlyAdminMixin, admin.TabularInline[ScanLogEntry, ScanRun]):
    model = ScanLogEntry
    fields = ("at", "level", "message")
    readonly_fields = fields
    extra = 0


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ScanRun]):
    list_display = ("id", "source", "kind", "status", "phase", "created_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("source__name",)
    list_select_related = ("source",)
    inlines = [ScanLogEntryInline]
