"""Admin for people, roles, API tokens and the organisation tree, for platform admins.

Nothing here can make a superuser or hand out the audit-trail write permissions: those exist only
from the shell. API tokens are listed and revoked, never read (only a digest is stored).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from workbench.accounts import services
from workbench.accounts.models import ApiToken, Department, RoleGroup, User
from workbench.accounts.roles import ADMIN_EXCLUDED_PERMISSIONS

admin.site.unregister(Group)


def grantable_permissions() -> QuerySet[Permission]:
    """Permissions the admin may offer: all but the ones that would let someone edit the trail."""
    excluded = Q(pk__in=[])
    for name in ADMIN_EXCLUDED_PERMISSIONS:
        app_label, codename = name.split(".", 1)
        excluded |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.exclude(excluded).select_related("content_type")


def _check_grantable(permissions: Any) -> Any:
    names = {f"{p.content_type.app_label}.{p.codename}" for p in permissions or []}
    if names & ADMIN_EXCLUDED_PERMISSIONS:
        raise forms.ValidationError("Audit-trail write permissions cannot be given to anyone.")
    return permissions


class RoleGroupForm(forms.ModelForm[RoleGroup]):
    class Meta:
        model = RoleGroup
        fields = ["name", "permissions"]

    def clean_permissions(self) -> Any:
        return _check_grantable(self.cleaned_data.get("permissions"))


@admin.register(RoleGroup)
class RoleGroupAdmin(admin.ModelAdmin[RoleGroup]):
    form = RoleGroupForm
    search_fields = ("name",)
    ordering = ("name",)
    filter_horizontal = ("permissions",)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "permissions":
            kwargs["queryset"] = grantable_permissions()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "code", "parent")
    list_select_related = ("parent",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    autocomplete_fields = ("parent",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Few columns so the list fits a 1366 px screen; the rest are filters.
    list_display = ("username", "display_name", "department", "is_active")
    list_filter = ("is_active", "is_staff", "groups", "region", "clearance", "department")
    list_select_related = ("department",)
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    autocomplete_fields = ("department", "manager")
    # Superuser status is given from the shell only (manage.py createsuperuser / shell).
    readonly_fields = ("is_superuser", "last_login", "date_joined")
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

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "user_permissions":
            kwargs["queryset"] = grantable_permissions()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Someone who is not a superuser cannot take over one (password, roles, deactivation).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # People who acted are kept for the audit trail; deactivate them instead.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are listed and revoked here; the key cannot be read (only its digest is stored)."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "status")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "expires_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke_selected"]
    date_hierarchy = "created_at"

    @admin.display(description="Status")
    def status(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "Revoked"
        return "Expired" if token.is_expired() else "Active"

    @admin.action(description="Revoke selected API tokens", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        admin_user: User = request.user  # type: ignore[assignment]
        revoked = sum(
            services.api_token_revoke(token=token, revoked_by=admin_user)
            for token in queryset.select_related("user")
        )
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token is created by its owner, who alone sees the key

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked tokens stay, so the trail's references keep their meaning
