"""A URL map with a view that fails, for testing the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom)]
handler500 = "workbench.core.views.server_error_view"
