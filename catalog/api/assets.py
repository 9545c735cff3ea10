"""Assets in the REST API: list and detail (only what the user may discover), curation,
certification, the governed preview, PII suggestion decisions and quality-check definitions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import (
    Asset,
    Classification,
    Column,
    Domain,
    GlossaryTerm,
    PiiSuggestion,
    QualityCheck,
    QualityCheckKind,
    SuggestionStatus,
)
from catalog.selectors import assets as selectors
from catalog.services import curation, pii_review, quality_checks
from catalog.services.curation import AssetChanges, CurationDenied, CurationError
from workbench.accounts.models import User
from workbench.core.api.permissions import has_django_permission
from workbench.governance.api.data import REFUSALS as DATA_REFUSALS
from workbench.governance.api.data import data_refusal_response
from workbench.governance.services import PREVIEW_MAX_ROWS, data_preview

CanDiscover = has_django_permission("catalog.view_asset")


def raise_api_error(error: CurationError) -> None:
    if isinstance(error, CurationDenied):
        raise PermissionDenied(error.message)
    raise ValidationError(error.fields or {"non_field_errors": [error.message]})


# --- serializers ------------------------------------------------------------------------------


class SuggestionSerializer(serializers.ModelSerializer[PiiSuggestion]):
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = PiiSuggestion
        fields = ["id", "kind", "confidence", "method", "status", "decided_by", "decided_at"]
        read_only_fields = fields


class ColumnSerializer(serializers.ModelSerializer[Column]):
    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    terms: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    pii_suggestions = SuggestionSerializer(many=True, read_only=True)
    profile = serializers.SerializerMethodField()

    class Meta:
        model = Column
        fields = [
            "id",
            "name",
            "ordinal",
            "data_type",
            "is_nullable",
            "is_primary_key",
            "description",
            "classification",
            "pii_kinds",
            "tags",
            "terms",
            "profile",
            "pii_suggestions",
        ]
        read_only_fields = fields

    def get_profile(self, column: Column) -> dict[str, Any] | None:
        # Only counts: min/max/top values of a personal column would be personal data.
        metrics = self.context.get("column_profiles", {}).get(column.pk)
        if not metrics:
            return None
        return {key: metrics.get(key) for key in ("null_percent", "distinct_count")}


class AssetSerializer(serializers.ModelSerializer[Asset]):
    source: Any = serializers.SlugRelatedField(slug_field="name", read_only=True)
    domain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    classification_label = serializers.CharField(
        source="get_classification_display", read_only=True
    )
    is_certified = serializers.BooleanField(source="is_certification_current", read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "source",
            "schema_name",
            "name",
            "qualified_name",
            "kind",
            "status",
            "description",
            "domain",
            "owner",
            "classification",
            "classification_label",
            "tags",
            "is_certified",
            "certification_expires_at",
            "usage_count",
            "row_count",
        ]
        read_only_fields = fields


class AssetDetailSerializer(AssetSerializer):
    stewards: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True
    )
    terms: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )
    certified_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    columns = serializers.SerializerMethodField()
    quality_status = serializers.SerializerMethodField()

    class Meta(AssetSerializer.Meta):
        fields = [
            *AssetSerializer.Meta.fields,
            "comment",
            "stewards",
            "terms",
            "certified_by",
            "certified_at",
            "columns",
            "quality_status",
        ]
        read_only_fields = fields

    def get_columns(self, asset: Asset) -> list[dict[str, Any]]:
        detail = self.context["detail"]
        context = {"column_profiles": detail.column_profiles}
        return list(ColumnSerializer(detail.columns, many=True, context=context).data)

    def get_quality_status(self, asset: Asset) -> str:
        return str(self.context["detail"].quality_status)


class AssetCurationSerializer(serializers.Serializer[Any]):
    """Only the fields sent change (PATCH semantics)."""

    description = serializers.CharField(
        required=False, allow_blank=True, max_length=curation.DESCRIPTION_MAX_LENGTH
    )
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    stewards: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    domain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Domain.objects.all(), required=False, allow_null=True
    )
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=curation.MAX_TAGS
    )
    terms: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=GlossaryTerm.objects.all(), many=True, required=False
    )

    def to_changes(self) -> AssetChanges:
        data = dict(self.validated_data)
        if "tags" in data:
            data["tag_names"] = data.pop("tags")
        return AssetChanges.of(**data)


class ColumnCurationSerializer(serializers.Serializer[Any]):
    """Only the fields sent change."""

    description = serializers.CharField(
        required=False, allow_blank=True, max_length=curation.DESCRIPTION_MAX_LENGTH
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=curation.MAX_TAGS
    )
    terms = serializers.PrimaryKeyRelatedField(
        queryset=GlossaryTerm.objects.all(), many=True, required=False
    )


class CertifySerializer(serializers.Serializer[Any]):
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class PreviewSerializer(serializers.Serializer[Any]):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    masked_columns = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    is_allowed = serializers.BooleanField()


class QualityCheckSerializer(serializers.ModelSerializer[QualityCheck]):
    asset: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.none()
    )
    column: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Column.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=QualityCheckKind.choices)
    params = serializers.JSONField(required=False)
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = QualityCheck
        fields = [
            "id",
            "asset",
            "column",
            "name",
            "kind",
            "params",
            "is_active",
            "created_by",
            "created_at",
            "last_status",
            "last_run_at",
        ]
        read_only_fields = ["created_by", "created_at", "last_status", "last_run_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only assets the caller may discover can be named: others are "does not exist".
            self.fields["asset"].queryset = Asset.objects.visible_to(request.user)  # type: ignore[attr-defined]


# --- views ------------------------------------------------------------------------------------


@extend_schema(tags=["catalog"])
class AssetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Assets the caller may discover. PATCH curates (stewards of the asset's domain)."""

    permission_classes = [CanDiscover]
    http_method_names = ["get", "patch", "post", "head", "options"]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Asset]:
        return selectors.asset_list(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return AssetCurationSerializer
        return AssetDetailSerializer if self.action == "retrieve" else AssetSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, asset: Asset) -> dict[str, Any]:
        detail = selectors.asset_detail_get(asset=asset)
        return dict(AssetDetailSerializer(detail.asset, context={"detail": detail}).data)

    @extend_schema(request=AssetCurationSerializer, responses={200: AssetDetailSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asset = self.get_object()
        self._check(asset, "catalog.asset.curate", curation.CURATE_PERMISSION)
        serializer = AssetCurationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            curation.asset_curate(asset=asset, actor=request.user, changes=serializer.to_changes())  # type: ignore[arg-type]
        except CurationError as error:
            raise_api_error(error)
        return Response(self._detail(asset))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    def _check(self, asset: Asset, action_name: str, permission: str) -> None:
        try:
            curation.asset_check_may_curate(
                user=self.request.user,  # type: ignore[arg-type]
                asset=asset,
                action=action_name,
                permission=permission,
            )
        except CurationDenied as denied:
            raise PermissionDenied(denied.message) from None

    @extend_schema(request=ColumnCurationSerializer, responses={200: AssetDetailSerializer})
    @action(detail=True, methods=["patch"], url_path=r"columns/(?P<column_id>\d+)")
    def curate_column(
        self, request: Request, pk: str | None = None, column_id: str = ""
    ) -> Response:
        """Describe a column and link it to tags and glossary terms."""
        asset = self.get_object()
        column = selectors.column_get(asset=asset, column_id=int(column_id))
        self._check(asset, "catalog.column.curate", curation.CURATE_PERMISSION)
        serializer = ColumnCurationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            curation.column_curate(
                column=column,
                actor=request.user,  # type: ignore[arg-type]
                description=data.get("description"),
                tag_names=data.get("tags"),
                terms=data.get("terms"),
            )
        except CurationError as error:
            raise_api_error(error)
        return Response(self._detail(asset))

    @extend_schema(request=CertifySerializer, responses={200: AssetDetailSerializer})
    @action(detail=True, methods=["post"])
    def certify(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        self._check(asset, "catalog.asset.certify", curation.CERTIFY_PERMISSION)
        serializer = CertifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            curation.asset_certify(
                asset=asset,
                actor=request.user,  # type: ignore[arg-type]
                expires_at=serializer.validated_data.get("expires_at"),
            )
        except CurationError as error:
            raise_api_error(error)
        return Response(self._detail(asset))

    @extend_schema(request=None, responses={200: AssetDetailSerializer})
    @action(detail=True, methods=["post"])
    def uncertify(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        self._check(asset, "catalog.asset.uncertify", curation.CERTIFY_PERMISSION)
        curation.asset_certification_revoke(asset=asset, actor=request.user)  # type: ignore[arg-type]
        return Response(self._detail(asset))

    @extend_schema(
        parameters=[
            OpenApiParameter("purpose", str, description="Why you look (recorded in the trail)"),
            OpenApiParameter("limit", int, description=f"1 to {PREVIEW_MAX_ROWS}, default 20"),
        ],
        responses={200: PreviewSerializer, **DATA_REFUSALS},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """A masked sample through the governed data path; a refusal says why (403)."""
        asset = self.get_object()
        limit_text = request.query_params.get("limit", "20")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= PREVIEW_MAX_ROWS:
            raise ValidationError({"limit": [f"A whole number from 1 to {PREVIEW_MAX_ROWS}."]})
        purpose = request.query_params.get("purpose", "")[:200]
        user: User = request.user  # type: ignore[assignment]
        result = data_preview(user=user, asset=asset, purpose=purpose, limit=int(limit_text))
        if not result.is_allowed:  # 403 with the reasons, or 502 when the source failed
            return data_refusal_response(result)
        return Response(PreviewSerializer(result).data)


# Listing suggestions needs discover rights; deciding is checked per column by the service.
CanReviewPii = CanDiscover


@extend_schema(tags=["catalog"])
class PiiSuggestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """PII suggestions on assets the caller may discover; stewards accept or reject them."""

    permission_classes = [CanReviewPii]
    serializer_class = SuggestionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[PiiSuggestion]:
        visible = Asset.objects.visible_to(self.request.user).values("pk")
        suggestions = PiiSuggestion.objects.filter(column__asset__in=visible).select_related(
            "decided_by"
        )
        wanted = self.request.query_params.get("status", SuggestionStatus.PENDING)
        if wanted not in SuggestionStatus.values:
            raise ValidationError({"status": ["pending, accepted or rejected"]})
        return suggestions.filter(status=wanted).order_by("-confidence", "pk")

    def _decide(self, pk: str | None, accept: bool) -> Response:
        suggestion = selectors.pii_suggestion_get(
            suggestion_id=int(pk or 0), user=self.request.user
        )
        decide = pii_review.pii_suggestion_accept if accept else pii_review.pii_suggestion_reject
        try:
            result = decide(suggestion=suggestion, actor=self.request.user)  # type: ignore[arg-type]
        except CurationError as error:
            if not isinstance(error, CurationDenied):
                return Response(
                    {"error": {"code": "conflict", "message": error.message}}, status=409
                )
            raise_api_error(error)
        body = dict(SuggestionSerializer(result.suggestion).data)
        body["changed"] = result.changed
        return Response(body)

    @extend_schema(request=None, responses={200: SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(pk, accept=True)

    @extend_schema(request=None, responses={200: SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(pk, accept=False)


@extend_schema(tags=["catalog"])
class QualityCheckViewSet(viewsets.ModelViewSet[QualityCheck]):
    """Quality-check definitions on assets the caller may discover; stewards of the asset's
    domain create, change and delete them. Filter with ?asset=<id>."""

    permission_classes = [CanDiscover]
    serializer_class = QualityCheckSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[QualityCheck]:
        visible = Asset.objects.visible_to(self.request.user).values("pk")
        checks = QualityCheck.objects.filter(asset__in=visible).select_related(
            "created_by", "column"
        )
        asset = self.request.query_params.get("asset")
        if asset is not None:
            if not asset.isdigit():
                raise ValidationError({"asset": ["An asset id."]})
            checks = checks.filter(asset_id=int(asset))
        return checks.order_by("asset_id", "name", "pk")

    def perform_create(self, serializer: serializers.BaseSerializer[QualityCheck]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = quality_checks.quality_check_create(
                asset=data["asset"],
                actor=self.request.user,  # type: ignore[arg-type]
                name=data["name"],
                kind=data["kind"],
                column=data.get("column"),
                params=data.get("params", {}),
            )
        except CurationError as error:
            raise_api_error(error)

    def perform_update(self, serializer: serializers.BaseSerializer[QualityCheck]) -> None:
        check = serializer.instance
        assert check is not None
        data = serializer.validated_data
        if data.get("asset", check.asset) != check.asset:
            raise ValidationError({"asset": ["A check cannot move to another asset."]})
        try:
            quality_checks.quality_check_update(
                check=check,
                actor=self.request.user,  # type: ignore[arg-type]
                name=data.get("name", check.name),
                kind=data.get("kind", check.kind),
                column=data.get("column", check.column),
                params=data.get("params", check.params),
                is_active=data.get("is_active", check.is_active),
            )
        except CurationError as error:
            raise_api_error(error)

    def perform_destroy(self, instance: QualityCheck) -> None:
        try:
            quality_checks.quality_check_delete(check=instance, actor=self.request.user)  # type: ignore[arg-type]
        except CurationError as error:
            raise_api_error(error)
