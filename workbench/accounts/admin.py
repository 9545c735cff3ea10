"""Admin for people and the organisation tree, for platform admins."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from workbench.accounts.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "code", "parent")
    list_select_related = ("parent",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "email",
        "department",
        "region",
        "clearance",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_active", "is_staff", "groups", "region", "clearance", "department")
    list_select_related = ("department",)
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    autocomplete_fields = ("department", "manager")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Organisation and policy attributes",
            {"fields": ("department", "job_title", "manager", "region", "clearance")},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Organisation", {"fields": ("email", "department", "job_title", "region", "clearance")}),
    )

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # People who acted are kept for the audit trail; deactivate them instead.
        return False
