"""Policies in the REST API: list and read documents, their versions and diffs (admins and
auditors); POST a new version (platform admins). A refused document answers 400 with its
problems, each with path, line, column and message."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.accounts.roles import access_hint, roles_granting
from workbench.core.api.errors import Conflict, error_body
from workbench.governance import selectors
from workbench.governance.api.params import int_param
from workbench.governance.forms_oversight import POLICY_SOURCE_MAX_CHARS
from workbench.governance.models import Policy, PolicyVersion
from workbench.governance.services_policies import PolicyConflict, policy_edit_save


class PolicyAccess(BasePermission):
    """Reading needs governance.view_policy; writing a version needs governance.manage_policies."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        needed = (
            selectors.VIEW_POLICY_PERMISSION
            if request.method in ("GET", "HEAD", "OPTIONS")
            else selectors.MANAGE_POLICY_PERMISSION
        )
        self.message = access_hint(page="This", roles=roles_granting(needed))
        return bool(user.has_perm(needed))


# --- serializers ------------------------------------------------------------------------------


class VersionSerializer(serializers.ModelSerializer[PolicyVersion]):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = PolicyVersion
        fields = ["number", "checksum", "comment", "author", "loaded_from", "created_at"]
        read_only_fields = fields


class VersionDetailSerializer(VersionSerializer):
    path = serializers.CharField(source="policy.path", read_only=True)
    policy = serializers.IntegerField(source="policy_id", read_only=True)

    class Meta(VersionSerializer.Meta):
        fields = ["policy", "path", *VersionSerializer.Meta.fields, "source", "diff"]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer[Policy]):
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = ["id", "path", "package", "kind", "description", "is_active", "current_version"]
        read_only_fields = fields

    @extend_schema_field(VersionSerializer(allow_null=True))
    def get_current_version(self, policy: Policy) -> dict[str, Any] | None:
        current = next(iter(policy.versions.all()), None)
        return VersionSerializer(current).data if current else None


class PolicyDetailSerializer(PolicySerializer):
    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    versions = serializers.SerializerMethodField()

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "source", "versions"]
        read_only_fields = fields

    def get_source(self, policy: Policy) -> str:
        current = next(iter(policy.versions.all()), None)
        return current.source if current else ""

    def get_versions(self, policy: Policy) -> int:
        return len(policy.versions.all())


class VersionCreateSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=POLICY_SOURCE_MAX_CHARS, trim_whitespace=False
    )
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    base_version = serializers.IntegerField(
        required=False,
        min_value=0,
        allow_null=True,
        default=None,
        help_text="The version number you edited; a newer one saved meanwhile answers 409.",
    )


# The error format (workbench.core.api.errors) with the problems of a refused document.
POLICY_REFUSED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "policy_invalid, or invalid"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": True},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["path", "line", "column", "message"],
                        "properties": {
                            "path": {"type": "string"},
                            "line": {"type": "integer", "description": "1-based; 0: whole file"},
                            "column": {"type": "integer"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}


class DiffSerializer(serializers.Serializer[Any]):
    policy = serializers.IntegerField()
    path = serializers.CharField()
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    diff = serializers.CharField(help_text="Unified diff, empty when the versions are the same.")


# --- views ------------------------------------------------------------------------------------


def _policies() -> QuerySet[Policy]:
    return selectors.policy_list()


class PolicyListView(generics.ListAPIView[Policy]):
    """Policy documents with their current version, by path."""

    serializer_class = PolicySerializer
    permission_classes = [PolicyAccess]

    def get_queryset(self) -> QuerySet[Policy]:
        return _policies()


class PolicyDetailView(generics.RetrieveAPIView[Policy]):
    """One policy document with the source of its current version."""

    serializer_class = PolicyDetailSerializer
    permission_classes = [PolicyAccess]

    def get_queryset(self) -> QuerySet[Policy]:
        return _policies()


class PolicyVersionListView(generics.ListAPIView[PolicyVersion]):
    """A document's versions, newest first; POST saves a new one (platform admins)."""

    serializer_class = VersionSerializer
    permission_classes = [PolicyAccess]

    def get_queryset(self) -> QuerySet[PolicyVersion]:
        policy = selectors.policy_get(policy_id=self.kwargs["pk"])
        return selectors.policy_versions(policy=policy)

    @extend_schema(
        request=VersionCreateSerializer,
        responses={
            201: VersionDetailSerializer,
            200: OpenApiResponse(
                VersionDetailSerializer, description="Unchanged text: the current version"
            ),
            400: OpenApiResponse(
                POLICY_REFUSED_SCHEMA,
                description="A malformed body, or a document refused with its problems (every "
                "document must compile and every Rego test pass).",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        from workbench.governance.policy import PolicyInvalid

        policy = selectors.policy_get(policy_id=pk)
        body = VersionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = policy_edit_save(
                policy=policy,
                author=request.user,  # type: ignore[arg-type]
                source=body.validated_data["source"],
                comment=body.validated_data["comment"],
                base_version=body.validated_data["base_version"],
                loaded_from="api",
            )
        except PolicyConflict as conflict:
            raise Conflict(conflict.message) from None
        except PolicyInvalid as refused:
            return Response(_refused_body(refused.problems), status=status.HTTP_400_BAD_REQUEST)
        if version is None:
            current = selectors.policy_version_get(policy=policy)
            return Response(VersionDetailSerializer(current).data, status=status.HTTP_200_OK)
        return Response(VersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)


def _refused_body(problems: list[Any]) -> dict[str, Any]:
    listed = [
        {"path": p.path, "line": p.line, "column": p.column, "message": p.message} for p in problems
    ]
    first = problems[0] if problems else None
    where = f" (line {first.line}, column {first.column})" if first and first.line else ""
    message = f"The policy was refused{where}: {first.message}" if first else "Refused."
    fields = {"source": [str(problem) for problem in problems]}
    body = error_body("policy_invalid", message, fields)
    body["error"]["problems"] = listed
    return body


class PolicyVersionDetailView(APIView):
    """One version of a document: its source and its diff against the version before."""

    permission_classes = [PolicyAccess]

    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        policy = selectors.policy_get(policy_id=pk)
        version = selectors.policy_version_get(policy=policy, number=number)
        return Response(VersionDetailSerializer(version).data)


class PolicyDiffView(APIView):
    """A unified diff between two versions of a document (default: the current one against the
    one before it)."""

    permission_classes = [PolicyAccess]

    @extend_schema(
        parameters=[
            int_param("from", "Older version number"),
            int_param("to", "Newer version number"),
        ],
        responses=DiffSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        policy = selectors.policy_get(policy_id=pk)
        current = selectors.policy_version_get(policy=policy)
        new_number = _version_param(request, "to") or current.number
        old_number = _version_param(request, "from") or max(new_number - 1, 1)
        diff = selectors.policy_diff(policy=policy, old_number=old_number, new_number=new_number)
        return Response(
            {
                "policy": policy.pk,
                "path": policy.path,
                "from_version": diff.old.number,
                "to_version": diff.new.number,
                "diff": diff.text,
            }
        )


def _version_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 2_147_483_647:
        raise ValidationError({name: ["A version number: a whole number of at least 1."]})
    return int(raw)
