"""Home page, health endpoint and the styled error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from workbench.accounts.roles import Role, access_hint
from workbench.accounts.selectors import user_get_profile, user_roles
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.core.api.errors import json_error_response
from workbench.core.health import health_check
from workbench.core.navigation import destinations_for


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    profile = user_get_profile(user_id=request.user.pk)
    context = {
        "profile": profile,
        "roles": user_roles(profile),
        # request.user, not profile: it shares the permission cache the navigation already filled.
        "destinations": [d for d in destinations_for(request.user) if d.key != "home"],
    }
    return render(request, "core/home.html", context)


@require_GET
def admin_login_view(request: HttpRequest) -> HttpResponse:
    """Where Django's admin sends whoever it will not serve.

    Anonymous people sign in through the workbench's own page. A signed-in person without admin
    rights gets the 403 page: sending them to sign in again would bounce them straight back to the
    admin, which would send them here again, forever.
    """
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(target)
    if user.is_active and user.is_staff:
        return redirect(target)
    audit_record(
        actor=user,
        action="admin.view",
        outcome=AuditOutcome.DENIED,
        reason="Not a platform admin",
        detail={"path": target},
    )
    raise PermissionDenied(access_hint(page="Administration", roles=[Role.PLATFORM_ADMIN]))


@cache_control(public=True, max_age=7 * 24 * 3600)
@require_GET
def favicon_view(request: HttpRequest) -> FileResponse:
    """Browsers and bookmarks ask for /favicon.ico whatever the page links to."""
    icon = settings.BASE_DIR / "workbench" / "static" / "workbench" / "favicon.ico"
    return FileResponse(icon.open("rb"), content_type="image/x-icon")


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
