from django.contrib import admin

from workbench.sso.models import ClaimMapping, GroupRoleMapping, SsoIdentity


@admin.register(ClaimMapping)
class ClaimMappingAdmin(admin.ModelAdmin[ClaimMapping]):
    list_display = ["attribute", "claim", "is_required"]
    list_editable = ["claim", "is_required"]


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(admin.ModelAdmin[GroupRoleMapping]):
    list_display = ["group", "role"]
    list_editable = ["role"]
    search_fields = ["group"]


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin[SsoIdentity]):
    list_display = ["user", "issuer", "subject", "last_sign_in_at"]
    search_fields = ["user__username", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
