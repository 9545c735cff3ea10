from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.accounts.api.serializers import MeSerializer
from workbench.accounts.selectors import user_get_profile


class MeView(APIView):
    """The signed-in user: roles, permissions and the attributes access policies read."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = user_get_profile(user_id=request.user.pk)
        return Response(MeSerializer(user).data)
