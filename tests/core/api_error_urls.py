"""API views that fail in every way DRF and Django know, for the error-format tests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import include, path
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.urls import urlpatterns as real_urlpatterns


class Body(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=5)
    size = serializers.IntegerField(min_value=1)


def _view(raiser: Any, permission: type = AllowAny) -> Any:
    class FailingView(APIView):
        permission_classes = [permission]

        def get(self, request: Request) -> Response:
            raiser()
            return Response({})

        def post(self, request: Request) -> Response:
            Body(data=request.data).is_valid(raise_exception=True)
            return Response({}, status=201)

    return FailingView.as_view()


def _raise(exc: Exception) -> Any:
    def raiser() -> None:
        raise exc

    return raiser


urlpatterns = [
    path("api/test/http404/", _view(_raise(Http404("No Widget matches the given query.")))),
    path("api/test/django-denied/", _view(_raise(DjangoPermissionDenied("Stewards only.")))),
    path("api/test/denied/", _view(_raise(exceptions.PermissionDenied()))),
    path("api/test/throttled/", _view(_raise(exceptions.Throttled(wait=30)))),
    path("api/test/needs-login/", _view(lambda: None, IsAuthenticated)),
    path("api/test/boom/", _view(_raise(RuntimeError("secret-internal-detail")))),
    path("api/test/body/", _view(lambda: None)),
    path("", include(real_urlpatterns)),
]
handler404 = "workbench.core.views.not_found_view"
handler500 = "workbench.core.views.server_error_view"
