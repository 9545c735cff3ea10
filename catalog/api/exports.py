"""OpenMetadata exports in the REST API: queue one for a source, follow it, download its file."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import CatalogExport
from catalog.selectors import exports as selectors
from catalog.selectors import sources as source_selectors
from catalog.services import exports as services
from catalog.views.exports import ndjson_response


class CatalogExportSerializer(serializers.ModelSerializer[CatalogExport]):
    source_name = serializers.CharField(source="source.name", read_only=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, allow_null=True, default=None
    )
    is_finished = serializers.BooleanField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CatalogExport
        fields = [
            "id",
            "source",
            "source_name",
            "status",
            "is_finished",
            "entity_count",
            "size_bytes",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, export: CatalogExport) -> str | None:
        if export.status != "succeeded":
            return None
        return reverse("catalog-export-download", args=[export.pk])


class ExportPermission(BasePermission):
    """Those who may administer sources (platform admins); deny by default."""

    message = "You may not export data source catalogs."

    def has_permission(self, request: Request, view: Any) -> bool:
        return services.user_may_export(request.user)


class NDJSONRenderer(BaseRenderer):
    """Lets a client ask for `application/x-ndjson`; errors still come as JSON."""

    media_type = "application/x-ndjson"
    format = "jsonl"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return (json.dumps(data) + "\n").encode() if data is not None else b""


class SourceExportStartView(APIView):
    permission_classes = [ExportPermission]

    @extend_schema(
        operation_id="catalog_sources_exports_create",
        request=None,
        responses={
            200: OpenApiResponse(CatalogExportSerializer, description="One is already under way"),
            202: OpenApiResponse(CatalogExportSerializer, description="Export queued"),
        },
    )
    def post(self, request: Request, source_id: int) -> Response:
        """Queue an OpenMetadata export of the source's catalog; a queued or running one comes
        back (200) instead of a second."""
        source = source_selectors.source_get(source_id=source_id)
        if source is None:
            raise NotFound("No such data source.")
        try:
            export, created = services.catalog_export_start(
                source=source,
                requested_by=request.user,  # type: ignore[arg-type]
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from error
        export = selectors.catalog_export_get(export_id=export.pk) or export
        return Response(
            CatalogExportSerializer(export).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


@extend_schema(responses={200: CatalogExportSerializer})
class CatalogExportViewSet(viewsets.GenericViewSet[CatalogExport]):
    """OpenMetadata exports: status, counts and error; the file at `download/`."""

    permission_classes = [ExportPermission]
    serializer_class = CatalogExportSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[CatalogExport]:
        return selectors.catalog_export_list()

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON, as the schema documents, even when the client asked for the file's
        # format (`?format=jsonl` or `Accept: application/x-ndjson`).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(CatalogExportSerializer(self.get_object()).data)

    @extend_schema(
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description="The entities, one JSON object a line"
            ),
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, NDJSONRenderer])
    def download(self, request: Request, pk: str | None = None) -> StreamingHttpResponse:
        """The export's file (only once it succeeded; 404 before); the download is audited."""
        export = selectors.catalog_export_get_with_file(export_id=self.get_object().pk)
        if export is None:
            raise NotFound()
        try:
            content = services.catalog_export_download(
                export=export,
                actor=request.user,  # type: ignore[arg-type]
            )
        except DjangoValidationError as error:
            raise NotFound(" ".join(error.messages)) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return ndjson_response(content, export.filename)
