"""Read-only admin for the trail: nobody, not even a superuser, edits or deletes an event here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workbench.audit.models import AuditChainHead, AuditEvent, AuditVerification


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "sequence",
        "occurred_at",
        "actor_username",
        "action",
        "target_label",
        "outcome",
    )
    list_filter = ("outcome", "action")
    search_fields = ("actor_username", "action", "target_label", "request_id")
    date_hierarchy = "occurred_at"
    list_select_related = False
    show_full_result_count = False


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "status", "rows_checked", "problem")
    list_filter = ("status",)


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "last_hash")


# Bulk deletion writes its admin log with bulk_create, which the audit adapter cannot see; with the
# action off, every admin deletion is a single-object delete that lands in the trail.
admin.site.disable_action("delete_selected")
