"""Middleware that gives every request an id, echoed in the X-Request-ID response header.

Behind a configured proxy (WORKBENCH_BEHIND_PROXY or WORKBENCH_PROXY_COUNT) the proxy's id is kept
when it is plain; otherwise the server always makes its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from workbench.core.request_context import (
    RequestContext,
    request_context_bind,
    request_context_clear,
    sanitise_request_id,
)

REQUEST_ID_HEADER = "X-Request-ID"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; X-Forwarded-For is trusted only behind the configured proxy count."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def upstream_request_id(request: HttpRequest) -> str | None:
    """The X-Request-ID set by our own reverse proxy; a client's own header is not trusted."""
    if not settings.TRUST_UPSTREAM_REQUEST_ID:
        return None
    return request.headers.get(REQUEST_ID_HEADER)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sanitise_request_id(upstream_request_id(request))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Cleared on request_finished, not here: Django logs 4xx/5xx responses after the middleware
        # chain returns, and those lines must carry the id too.
        request_context_bind(RequestContext(request_id=request_id, ip=client_ip(request)))
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def request_context_clear_on_finish(**kwargs: object) -> None:
    request_context_clear()
