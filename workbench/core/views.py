"""Home page, health endpoint and the styled error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from workbench.accounts.selectors import user_get_profile, user_roles
from workbench.core.api.errors import json_error_response
from workbench.core.health import health_check
from workbench.core.navigation import ROLE_PURPOSE, destinations_for


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    profile = user_get_profile(user_id=request.user.pk)
    context = {
        "profile": profile,
        "roles": [(spec, ROLE_PURPOSE[spec.role]) for spec in user_roles(profile)],
        # request.user, not profile: it shares the permission cache the navigation already filled.
        "destinations": [d for d in destinations_for(request.user) if d.key != "home"],
    }
    return render(request, "core/home.html", context)


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    health = health_check()
    return JsonResponse(health.as_dict(), status=200 if health.is_healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def bad_request_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return json_error_response("bad_request", "The request could not be understood.", 400)
    return render(request, "errors/400.html", status=400)


def permission_denied_view(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else ""
    if _wants_json(request):
        return json_error_response("permission_denied", reason or "You may not do this.", 403)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted with a stale or missing security token (e.g. after a long pause)."""
    message = (
        "The form was open too long or was sent from elsewhere. Reload the page and try again."
    )
    if _wants_json(request):
        return json_error_response("csrf_failed", message, 403)
    return render(request, "errors/403.html", {"reason": message}, status=403)


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return json_error_response("not_found", "Nothing exists at this address.", 404)
    return render(request, "errors/404.html", status=404)


def server_error_view(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return json_error_response(
            "server_error", "Something went wrong on our side; it has been logged.", 500
        )
    return render(request, "errors/500.html", status=500)
