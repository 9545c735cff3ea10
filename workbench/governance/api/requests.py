"""Access requests and grants in the REST API (/api/governance/requests/, /grants/).

Lists are scoped in SQL: a user's own requests and grants, plus those on assets they steward or
own; admins and auditors see all. Anything else is 404, so guessed ids reveal nothing. Deciding
needs a steward or owner of the asset's domain (or an admin), never the requester; a decided
request answers 409.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Asset
from workbench.accounts.models import User
from workbench.accounts.roles import Role, access_hint
from workbench.core.api.errors import Conflict
from workbench.governance import grants as grant_services
from workbench.governance import requests as services
from workbench.governance import selectors_requests as selectors
from workbench.governance.actions import GRANTABLE_ACTIONS
from workbench.governance.models import AccessRequest, Grant, PurposeCategory, RequestStatus

GRANTABLE_CHOICES = [(action.value, action.label) for action in GRANTABLE_ACTIONS]


def has_any_permission(*permissions: str) -> type[BasePermission]:
    """Active, signed-in users holding at least one of `permissions` (deny by default)."""

    class HasAnyPermission(BasePermission):
        message = access_hint(
            page="This", roles=[Role.BUSINESS_USER, Role.DATA_STEWARD, Role.AUDITOR]
        )

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and user.is_active
                and any(user.has_perm(permission) for permission in permissions)
            )

    return HasAnyPermission


CanReadRequests = has_any_permission("catalog.view_asset", selectors.VIEW_REQUESTS_PERMISSION)
CanReadGrants = has_any_permission("catalog.view_asset", selectors.VIEW_GRANTS_PERMISSION)


def _raise(error: services.AccessRequestError | grant_services.GrantError) -> NoReturn:
    if isinstance(error, services.AccessRequestDenied | grant_services.GrantDenied):
        raise PermissionDenied(error.message)
    if isinstance(error, services.AccessRequestConflict | grant_services.GrantConflict):
        raise Conflict(error.message)
    raise ValidationError(error.fields or {"non_field_errors": [error.message]})


# --- serializers ------------------------------------------------------------------------------


class AccessRequestSerializer(serializers.ModelSerializer[AccessRequest]):
    requester: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    asset_name = serializers.CharField(source="asset.qualified_name", read_only=True)
    action = serializers.ChoiceField(choices=GRANTABLE_CHOICES, read_only=True)
    grant = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField(help_text='e.g. "due in 2 h", "overdue by 1 h".')

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "requester",
            "asset",
            "asset_name",
            "action",
            "unmasked",
            "purpose_category",
            "purpose",
            "duration_days",
            "status",
            "created_at",
            "due_at",
            "sla",
            "reminded_at",
            "escalated_at",
            "decided_at",
            "decided_by",
            "decision_comment",
            "grant",
        ]
        read_only_fields = fields

    def get_grant(self, access_request: AccessRequest) -> int | None:
        grant = getattr(access_request, "grant", None)
        return grant.pk if grant is not None else None

    def get_sla(self, access_request: AccessRequest) -> str:
        return services.sla_text(access_request)


class AccessRequestCreateSerializer(serializers.Serializer[Any]):
    asset = serializers.IntegerField(min_value=1, help_text="Id of an asset you can find.")
    action = serializers.ChoiceField(choices=GRANTABLE_CHOICES)
    unmasked = serializers.BooleanField(
        default=False, help_text="Only for actions that read data (not discover)."
    )
    purpose_category = serializers.ChoiceField(choices=PurposeCategory.choices)
    purpose = serializers.CharField(
        min_length=services.PURPOSE_MIN_LENGTH, max_length=services.PURPOSE_MAX_LENGTH
    )
    duration_days = serializers.IntegerField(
        min_value=services.DURATION_MIN_DAYS,
        max_value=services.DURATION_MAX_DAYS,
        default=services.DURATION_DEFAULT_DAYS,
    )


class DecisionSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.COMMENT_MAX_LENGTH,
        help_text="Required to deny (at least 5 characters): the requester is told.",
    )


class GrantSerializer(serializers.ModelSerializer[Grant]):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    revoked_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    asset_name = serializers.CharField(source="asset.qualified_name", read_only=True)
    action = serializers.ChoiceField(choices=GRANTABLE_CHOICES, read_only=True)
    state = serializers.SerializerMethodField(help_text="live, scheduled, expired or revoked.")

    class Meta:
        model = Grant
        fields = [
            "id",
            "user",
            "asset",
            "asset_name",
            "action",
            "unmasked",
            "purpose_category",
            "purpose",
            "request",
            "approved_by",
            "starts_at",
            "expires_at",
            "state",
            "expired_at",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields

    def get_state(self, grant: Grant) -> str:
        return grant_services.grant_state(grant)


class RevokeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        min_length=grant_services.REVOKE_REASON_MIN_LENGTH,
        max_length=services.COMMENT_MAX_LENGTH,
        help_text="Why; the grantee is told.",
    )


# --- views ------------------------------------------------------------------------------------


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError({name: ["A whole number (an id)."]})
    return int(raw)


def _choice_param(request: Request, name: str, choices: list[str]) -> str:
    raw = request.query_params.get(name, "")
    if raw and raw not in choices:
        raise ValidationError({name: ["One of: " + ", ".join(choices) + "."]})
    return raw


@extend_schema(tags=["governance"])
class AccessRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Access requests: your own, and those you may decide (stewards and owners of the asset's
    domain); admins and auditors see all. POST asks for access to an asset."""

    permission_classes = [CanReadRequests]
    serializer_class = AccessRequestSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AccessRequest]:
        if self.action != "list":
            return selectors.access_request_list(user=self.request.user)
        return selectors.access_request_list(
            user=self.request.user,
            status=_choice_param(self.request, "status", list(RequestStatus.values)),
            asset_id=_int_param(self.request, "asset"),
            mine=self.request.query_params.get("mine") in {"1", "true"},
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(RequestStatus.values)),
            OpenApiParameter("asset", int, description="Only requests on this asset."),
            OpenApiParameter(
                "mine", bool, description="Only your own requests (default: all you may see)."
            ),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AccessRequestCreateSerializer, responses={201: AccessRequestSerializer})
    def create(self, request: Request) -> Response:
        """Ask for access. 404 for an asset you cannot find; 409 when a request for the same
        action is pending or you may already do it; 403 when no grant could open it."""
        user: User = request.user  # type: ignore[assignment]
        if not user.has_perm(services.REQUEST_PERMISSION):
            raise PermissionDenied(
                access_hint(page="Requesting access", roles=[Role.BUSINESS_USER])
            )
        asset = self._asset(request.data)
        serializer = AccessRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            created = services.access_request_create(
                requester=user,
                asset=asset,
                action=data["action"],
                unmasked=data["unmasked"],
                purpose_category=data["purpose_category"],
                purpose=data["purpose"],
                duration_days=data["duration_days"],
            )
        except services.AccessRequestError as error:
            _raise(error)
        body = AccessRequestSerializer(selectors.access_access_request(user, created.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _asset(self, data: Any) -> Asset:
        raw = data.get("asset") if hasattr(data, "get") else None
        if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
            raise ValidationError({"asset": ["The id of an asset you can find."]})
        asset = Asset.objects.visible_to(self.request.user).filter(pk=int(raw)).first()
        if asset is None:
            raise NotFound("No asset with this id that you can find.")
        return asset

    def _decide(self, request: Request, decide: Any, verb: str) -> Response:
        access_request = self.get_object()
        try:
            services.access_request_check_may_decide(
                access_request=access_request,
                user=request.user,  # type: ignore[arg-type]
                verb=verb,
            )
        except services.AccessRequestError as error:
            _raise(error)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decide(
                access_request=access_request,
                approver=request.user,
                comment=serializer.validated_data["comment"],
            )
        except services.AccessRequestError as error:
            _raise(error)
        user = request.user
        return Response(AccessRequestSerializer(self._fresh(user, access_request.pk)).data)

    def _fresh(self, user: Any, request_id: int) -> AccessRequest:
        return selectors.access_access_request(user, request_id)

    @extend_schema(request=DecisionSerializer, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve: the grant starts now. 409 if someone decided it first."""
        return self._decide(request, services.access_request_approve, "approved")

    @extend_schema(request=DecisionSerializer, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def deny(self, request: Request, pk: str | None = None) -> Response:
        """Deny, with a comment the requester is told."""
        return self._decide(request, services.access_request_deny, "denied")

    @extend_schema(request=None, responses={200: AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """The requester withdraws a pending request."""
        access_request = self.get_object()
        try:
            services.access_request_cancel(access_request=access_request, actor=request.user)  # type: ignore[arg-type]
        except services.AccessRequestError as error:
            _raise(error)
        return Response(AccessRequestSerializer(self._fresh(request.user, access_request.pk)).data)


@extend_schema(tags=["governance"])
class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Grants: your own, and those on assets you steward or own; admins and auditors see all.
    Stewards, owners and admins revoke them."""

    permission_classes = [CanReadGrants]
    serializer_class = GrantSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Grant]:
        if self.action != "list":
            return selectors.grant_list(user=self.request.user)
        return selectors.grant_list(
            user=self.request.user,
            state=_choice_param(self.request, "state", list(selectors.GRANT_STATES)),
            asset_id=_int_param(self.request, "asset"),
            mine=self.request.query_params.get("mine") in {"1", "true"},
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(selectors.GRANT_STATES)),
            OpenApiParameter("asset", int, description="Only grants on this asset."),
            OpenApiParameter("mine", bool, description="Only your own grants."),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RevokeSerializer, responses={200: GrantSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """End the grant now (its permission goes unless another live grant holds it)."""
        grant = self.get_object()
        try:
            grant_services.grant_check_may_revoke(user=request.user, grant=grant)  # type: ignore[arg-type]
        except grant_services.GrantError as error:
            _raise(error)
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            revoked = grant_services.grant_revoke(
                grant=grant,
                actor=request.user,  # type: ignore[arg-type]
                reason=serializer.validated_data["reason"],
            )
        except grant_services.GrantError as error:
            _raise(error)
        return Response(GrantSerializer(revoked).data)
