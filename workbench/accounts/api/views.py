"""Accounts API: the signed-in user, and their API tokens (the same as the profile page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.accounts import selectors, services
from workbench.accounts.api.serializers import (
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
    IssuedApiTokenSerializer,
    MeSerializer,
)
from workbench.accounts.models import ApiToken, User
from workbench.core.api.errors import Conflict


class MeView(APIView):
    """The signed-in user: roles, permissions and the attributes access policies read."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = selectors.user_get_profile(user_id=request.user.pk)
        return Response(MeSerializer(user).data)


class ApiTokenListView(generics.ListCreateAPIView[ApiToken]):
    """Your API tokens (not revoked). POST creates one; its key is in that response only."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.api_token_list(user=self.request.user)  # type: ignore[arg-type]

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: IssuedApiTokenSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        try:
            issued = services.api_token_create(user=user, **data.validated_data)
        except services.ApiTokenError as exc:
            raise Conflict(str(exc)) from None
        body = {**IssuedApiTokenSerializer(issued.token).data, "key": issued.key}
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class ApiTokenDetailView(generics.RetrieveDestroyAPIView[ApiToken]):
    """One of your tokens. DELETE revokes it at once (it stays listed in the audit trail)."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.api_token_list(user=self.request.user)  # type: ignore[arg-type]

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(token=instance, revoked_by=self.request.user)  # type: ignore[arg-type]
