"""Data sources and scan runs in the REST API; the password is write-only (`has_password`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import DataSource, Domain, ScanKind, ScanLogEntry, ScanRun, SchemaChange
from catalog.selectors import sources as selectors
from catalog.services import scans as scan_services
from catalog.services import sources as source_services
from workbench.accounts.models import User

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid fields: {error: {code, message, fields}}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="Missing permission"),
    404: OpenApiResponse(description="No such object"),
}


def _as_drf_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


# --- serializers ------------------------------------------------------------------------------


class ScanRunSummarySerializer(serializers.ModelSerializer[ScanRun]):
    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = ScanRun
        fields = [
            "id",
            "source",
            "kind",
            "status",
            "phase",
            "progress_done",
            "progress_total",
            "progress_percent",
            "is_finished",
            "counts",
            "error",
            "attempt",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
        ]
        read_only_fields = fields


class ScanLogEntrySerializer(serializers.ModelSerializer[ScanLogEntry]):
    class Meta:
        model = ScanLogEntry
        fields = ["at", "level", "message"]
        read_only_fields = fields


class SchemaChangeSerializer(serializers.ModelSerializer[SchemaChange]):
    asset_name = serializers.CharField(source="asset.qualified_name", read_only=True)

    class Meta:
        model = SchemaChange
        fields = ["id", "asset", "asset_name", "column_name", "kind", "before", "after"]
        read_only_fields = fields


class ScanRunSerializer(ScanRunSummarySerializer):
    log = ScanLogEntrySerializer(source="log_entries", many=True, read_only=True)
    changes = SchemaChangeSerializer(many=True, read_only=True)
    duration_seconds = serializers.FloatField(read_only=True, allow_null=True)

    class Meta(ScanRunSummarySerializer.Meta):
        fields = [*ScanRunSummarySerializer.Meta.fields, "duration_seconds", "log", "changes"]
        read_only_fields = fields


class ScanStartSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ScanKind.choices, default=ScanKind.FULL)


class ConnectionCheckSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    server_version = serializers.CharField(allow_blank=True)
    elapsed_ms = serializers.IntegerField()


class LastScanSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class DataSourceSerializer(serializers.ModelSerializer[DataSource]):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="Write-only. Omit or leave empty to keep the stored one.",
    )
    has_password = serializers.BooleanField(read_only=True)
    schedule = serializers.CharField(
        required=False,
        max_length=100,
        help_text="off, hourly, daily, weekly or a five-field crontab expression (UTC).",
    )
    next_scan_at = serializers.SerializerMethodField()
    asset_count = serializers.SerializerMethodField()
    last_scan = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    domain = serializers.PrimaryKeyRelatedField(
        queryset=Domain.objects.all(), allow_null=True, required=False
    )
    port = serializers.IntegerField(min_value=1, max_value=65535, allow_null=True, required=False)
    include_schemas = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False
    )
    options = serializers.DictField(child=serializers.CharField(max_length=1000), required=False)

    class Meta:
        model = DataSource
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "host",
            "port",
            "database",
            "username",
            "password",
            "has_password",
            "path",
            "options",
            "include_schemas",
            "owner",
            "domain",
            "residency",
            "schedule",
            "next_scan_at",
            "is_active",
            "asset_count",
            "last_scan",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "has_password", "created_at", "updated_at"]

    def to_representation(self, instance: DataSource) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["schedule"] = source_services.schedule_label(
            source_services.schedule_expression(instance.scan_schedule)
        )
        return data

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_scan_at(self, source: DataSource) -> datetime | None:
        return selectors.schedule_next_run(source.scan_schedule)

    @extend_schema_field(serializers.IntegerField())
    def get_asset_count(self, source: DataSource) -> int:
        return int(getattr(source, "active_asset_count", 0) or 0)

    @extend_schema_field(LastScanSerializer(allow_null=True))
    def get_last_scan(self, source: DataSource) -> dict[str, Any] | None:
        run_id = getattr(source, "latest_run_id", None)
        if not run_id:
            return None
        return {
            "id": run_id,
            "status": source.latest_run_status,  # type: ignore[attr-defined]
            "created_at": serializers.DateTimeField().to_representation(
                source.latest_run_created_at  # type: ignore[attr-defined]
            ),
        }

    def validate_schedule(self, value: str) -> str:
        try:
            return source_services.schedule_normalise(value)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error

    def create(self, validated_data: dict[str, Any]) -> DataSource:
        try:
            return source_services.source_create(
                actor=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def update(self, instance: DataSource, validated_data: dict[str, Any]) -> DataSource:
        password = validated_data.pop("password", None) or None
        schedule = validated_data.pop("schedule", None)
        try:
            return source_services.source_update(
                source=instance,
                actor=self.context["request"].user,
                password=password,
                schedule=schedule,
                **validated_data,
            )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error


# --- permissions ------------------------------------------------------------------------------

ACTION_PERMISSIONS = {
    "list": selectors.SOURCE_VIEW_PERMISSION,
    "retrieve": selectors.SOURCE_VIEW_PERMISSION,
    "create": selectors.SOURCE_ADD_PERMISSION,
    "update": selectors.SOURCE_CHANGE_PERMISSION,
    "partial_update": selectors.SOURCE_CHANGE_PERMISSION,
    "test": selectors.SOURCE_CHANGE_PERMISSION,
    "scans": selectors.SOURCE_SCAN_PERMISSION,
}


class SourcePermission(BasePermission):
    """Deny by default: each viewset action maps to one Django permission."""

    message = "You may not manage data sources."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        needed = ACTION_PERMISSIONS.get(getattr(view, "action", "") or "")
        return bool(
            needed and user and user.is_authenticated and user.is_active and user.has_perm(needed)
        )


# --- views ------------------------------------------------------------------------------------


@extend_schema(responses={200: DataSourceSerializer, **ERROR_RESPONSES})
class DataSourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[DataSource],
):
    """Data sources (platform admins). Sources are switched off (`is_active`), never deleted:
    their assets' history and the audit trail refer to them."""

    serializer_class = DataSourceSerializer
    permission_classes = [SourcePermission]

    def get_queryset(self) -> QuerySet[DataSource]:
        return selectors.source_list()

    @extend_schema(request=None, responses={200: ConnectionCheckSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Try to connect and answer in one sentence (never with the password)."""
        check = source_services.source_connection_test(
            source=self.get_object(),
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(ConnectionCheckSerializer(check).data)

    @extend_schema(
        request=ScanStartSerializer,
        responses={
            200: OpenApiResponse(ScanRunSerializer, description="A scan is already under way"),
            202: OpenApiResponse(ScanRunSerializer, description="Scan queued"),
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"])
    def scans(self, request: Request, pk: str | None = None) -> Response:
        """Queue a scan; when one is already queued or running, that one comes back (200)."""
        source = self.get_object()
        body = ScanStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            run, created = scan_services.scan_run_start(
                source=source,
                requested_by=request.user,  # type: ignore[arg-type]
                kind=body.validated_data["kind"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        run = selectors.scan_run_get(run_id=run.pk) or run
        return Response(
            ScanRunSerializer(run).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class ScanPermission(BasePermission):
    message = "You may not see data source scans."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.has_perm(selectors.SOURCE_VIEW_PERMISSION)
        )


@extend_schema(responses={200: ScanRunSerializer, **ERROR_RESPONSES})
class ScanRunViewSet(viewsets.ReadOnlyModelViewSet[ScanRun]):
    """Scan runs, newest first; a run's detail has its progress, log and schema changes."""

    permission_classes = [ScanPermission]

    def get_queryset(self) -> QuerySet[ScanRun]:
        if self.action == "retrieve":
            return selectors.scan_run_detail_list()
        source = self.request.query_params.get("source", "")
        if source and not source.isdigit():
            raise ValidationError({"source": ["A source id (a whole number)."]})
        return selectors.scan_run_list(source_id=int(source) if source else None)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ScanRun]]:
        return ScanRunSerializer if self.action == "retrieve" else ScanRunSummarySerializer
