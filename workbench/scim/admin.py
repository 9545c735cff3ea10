from django.contrib import admin

from workbench.scim.models import ProvisionedUser


@admin.register(ProvisionedUser)
class ProvisionedUserAdmin(admin.ModelAdmin[ProvisionedUser]):
    list_display = ["user", "external_id", "updated_at", "deleted_at"]
    search_fields = ["user__username", "external_id"]
    readonly_fields = ["user", "external_id", "created_at", "updated_at", "deleted_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
