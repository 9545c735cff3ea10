"""The governed data path in the REST API: masked preview rows, governed query rows, CSV export and
detokenising. Assets the caller may not discover are 404 (never say they exist); a refusal by the
policies is 403 with the reasons and `needs_request`; a source that cannot be read is 502. Every
call, allowed or not, is in the audit trail (the service records it)."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.selectors.assets import access_asset
from workbench.accounts.models import User
from workbench.core.api.errors import error_body
from workbench.core.api.permissions import has_django_permission
from workbench.governance.masking import OPERATORS
from workbench.governance.models import PurposeCategory
from workbench.governance.services import (
    PREVIEW_MAX_ROWS,
    ROWS_MAX,
    DataRequestInvalid,
    PreviewResult,
    data_export_csv,
    data_preview,
    data_rows,
)
from workbench.governance.vault import (
    DETOKENIZE_PERMISSION,
    PURPOSE_MIN_LENGTH,
    DetokenizeDenied,
    VaultTokenNotFound,
    vault_detokenize,
)

CanDiscover = has_django_permission("catalog.view_asset")
CanDetokenize = has_django_permission(DETOKENIZE_PERMISSION)
PURPOSE_PATTERN = r"\S"  # at least one visible character


# --- Serializers ---


class PreviewQuerySerializer(serializers.Serializer[Any]):
    purpose = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Why you look (recorded)."
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=PREVIEW_MAX_ROWS, default=20
    )


def _purpose_field(help_text: str) -> serializers.CharField:
    return serializers.RegexField(
        PURPOSE_PATTERN, max_length=200, trim_whitespace=False, help_text=help_text
    )


class RowsQuerySerializer(serializers.Serializer[Any]):
    purpose = _purpose_field("What the rows are for (required, recorded in the audit trail).")
    purpose_category = serializers.ChoiceField(
        choices=PurposeCategory.choices, required=False, allow_blank=True, default=""
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=ROWS_MAX, default=100)


class DataExportSerializer(serializers.Serializer[Any]):
    purpose = _purpose_field("What the export is for (required, recorded in the audit trail).")
    purpose_category = serializers.ChoiceField(
        choices=PurposeCategory.choices, required=False, allow_blank=True, default=""
    )


class ColumnMaskSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    operator = serializers.ChoiceField(choices=OPERATORS)
    reason = serializers.CharField()


class DataRowsSerializer(serializers.Serializer[Any]):
    """Rows as the caller may see them, with how each column was masked and which filters held."""

    action = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    masked_columns = serializers.ListField(child=serializers.CharField())
    column_masks = serializers.SerializerMethodField()
    row_filters = serializers.ListField(child=serializers.CharField())
    is_masked = serializers.BooleanField(help_text="False only under an unmasked grant.")
    reason = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())
    policy_version = serializers.CharField()
    grant_id = serializers.IntegerField(allow_null=True)

    @extend_schema_field(ColumnMaskSerializer(many=True))
    def get_column_masks(self, result: PreviewResult) -> list[dict[str, str]]:
        return [
            {
                "column": name,
                "operator": result.column_operators.get(name, "redact"),
                "reason": result.column_notes.get(name, ""),
            }
            for name in result.masked_columns
        ]


class DetokenizeSerializer(serializers.Serializer[Any]):
    token = serializers.RegexField(r"^tok_[0-9a-f]{24}$", max_length=64)
    purpose = serializers.RegexField(
        PURPOSE_PATTERN,
        min_length=PURPOSE_MIN_LENGTH,
        max_length=200,
        trim_whitespace=False,
        help_text="Why you need the original value (recorded in the audit trail).",
    )
    purpose_category = serializers.ChoiceField(
        choices=PurposeCategory.choices, required=False, allow_blank=True, default=""
    )


class DetokenizedSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    value = serializers.CharField()
    pii_kind = serializers.CharField()


class CSVRenderer(BaseRenderer):
    """Lets a client ask for text/csv; errors still come as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return json.dumps(data).encode() if data is not None else b""  # errors stay JSON


# --- Responses ---


def data_refusal_response(result: PreviewResult) -> Response:
    """403 for a refusal (with the reasons and whether an access request could open it), 502 when
    the source could not be read."""
    if result.outcome == "failed":
        body = error_body("source_unavailable", result.reason)
        return Response(body, status=status.HTTP_502_BAD_GATEWAY)
    body = error_body("permission_denied", result.reason)
    body["error"].update(needs_request=result.needs_request, rules=list(result.rules))
    return Response(body, status=status.HTTP_403_FORBIDDEN)


REFUSALS = {
    403: OpenApiResponse(
        description="The policies refuse it: `message` says why; "
        "`needs_request` says whether an access request could open it."
    ),
    502: OpenApiResponse(description="The source could not be read (recorded as failed)."),
}


def _invalid(invalid: DataRequestInvalid) -> ValidationError:
    return ValidationError({invalid.field_name or "non_field_errors": [invalid.message]})


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _asset(request: Request, asset_id: int) -> Any:
    try:
        return access_asset(request.user, asset_id)
    except Http404:
        raise NotFound("No such asset.") from None


# --- Views ---


class AssetPreviewView(APIView):
    permission_classes = [CanDiscover]

    @extend_schema(
        tags=["governance"],
        operation_id="governance_data_preview",
        parameters=[PreviewQuerySerializer],
        responses={200: DataRowsSerializer, **REFUSALS},
    )
    def get(self, request: Request, asset_id: int) -> Response:
        """A masked, row-filtered sample of the asset (at most 100 rows)."""
        query = PreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asset = _asset(request, asset_id)
        result = data_preview(
            user=_user(request),
            asset=asset,
            purpose=query.validated_data.get("purpose", ""),
            limit=query.validated_data["limit"],
        )
        if not result.is_allowed:
            return data_refusal_response(result)
        return Response(DataRowsSerializer(result).data)


class AssetRowsView(APIView):
    permission_classes = [CanDiscover]

    @extend_schema(
        tags=["governance"],
        operation_id="governance_data_rows",
        parameters=[RowsQuerySerializer],
        responses={200: DataRowsSerializer, **REFUSALS},
    )
    def get(self, request: Request, asset_id: int) -> Response:
        """Governed rows (action query) for a declared purpose: masked unless an unmasked grant
        says otherwise, filtered by the asset's row filters, at most 50,000."""
        query = RowsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asset = _asset(request, asset_id)
        data = query.validated_data
        try:
            result = data_rows(
                user=_user(request),
                asset=asset,
                action="query",
                purpose=data["purpose"],
                purpose_category=data["purpose_category"],
                limit=data["limit"],
            )
        except DataRequestInvalid as invalid:
            raise _invalid(invalid) from None
        if not result.is_allowed:
            return data_refusal_response(result)
        return Response(DataRowsSerializer(result).data)


class AssetExportView(APIView):
    permission_classes = [CanDiscover]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        tags=["governance"],
        operation_id="governance_data_export",
        request=DataExportSerializer,
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The asset's rows as CSV, masked and filtered like the preview "
                "(at most WORKBENCH_EXPORT_MAX_ROWS), streamed.",
            ),
            **REFUSALS,
        },
    )
    def post(self, request: Request, asset_id: int) -> HttpResponseBase | Response:
        """Export the asset's rows as CSV through the governed path (action export)."""
        asset = _asset(request, asset_id)
        body = DataExportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return export_response(
            user=_user(request),
            asset=asset,
            purpose=body.validated_data["purpose"],
            purpose_category=body.validated_data["purpose_category"],
        )


def export_response(
    *, user: User, asset: Any, purpose: str, purpose_category: str
) -> HttpResponseBase | Response:
    try:
        export = data_export_csv(
            user=user, asset=asset, purpose=purpose, purpose_category=purpose_category
        )
    except DataRequestInvalid as invalid:
        raise _invalid(invalid) from None
    if not export.result.is_allowed:
        return data_refusal_response(export.result)
    return csv_streaming_response(export)


def csv_streaming_response(export: Any) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode() for line in export.lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DetokenizeView(APIView):
    permission_classes = [CanDetokenize]

    @extend_schema(
        tags=["governance"],
        operation_id="governance_data_detokenize",
        request=DetokenizeSerializer,
        responses={200: DetokenizedSerializer},
    )
    def post(self, request: Request) -> Response:
        """The value behind a vault token, for holders of the detokenise permission who declare a
        purpose; every attempt is audited (never the value)."""
        body = DetokenizeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            found = vault_detokenize(
                user=_user(request),
                token=data["token"],
                purpose=data["purpose"],
                purpose_category=data["purpose_category"],
            )
        except VaultTokenNotFound as missing:
            raise NotFound(missing.message) from None
        except DetokenizeDenied as denied:
            raise PermissionDenied(denied.message) from None
        response = Response(
            DetokenizedSerializer(
                {"token": found.token, "value": found.value, "pii_kind": found.pii_kind}
            ).data
        )
        response["Cache-Control"] = "no-store"
        return response
