from __future__ import annotations

from typing import Any

from rest_framework import serializers

from workbench.accounts.models import ApiToken, Department, User
from workbench.accounts.selectors import user_roles


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent"]


class ManagerSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class MeSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    manager = ManagerSerializer(read_only=True, allow_null=True)
    roles = serializers.SerializerMethodField()
    clearance = serializers.CharField(source="get_clearance_display", read_only=True)
    clearance_level = serializers.IntegerField(source="clearance", read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "job_title",
            "department",
            "manager",
            "region",
            "clearance",
            "clearance_level",
            "roles",
            "is_staff",
            "permissions",
        ]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return [spec.role.value for spec in user_roles(user)]

    def get_permissions(self, user: User) -> list[str]:
        return sorted(user.get_all_permissions())


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "is_expired"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer[Any]):
    # At least one visible character (names are trimmed); documented as a pattern for clients.
    name = serializers.RegexField(r"\S", max_length=80)
    expires_in_days = serializers.IntegerField(min_value=1, max_value=365, required=False)


class IssuedApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown only in this response.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields
