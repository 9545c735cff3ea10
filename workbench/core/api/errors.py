"""One JSON error format for every API failure: {"error": {"code", "message", "fields"}}.

`code` is a stable machine-readable word (not_found, invalid, throttled, ...), `message` a sentence
for people, `fields` maps an input name to its problems (empty unless the input was invalid).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = "Nothing exists at this address."


class Conflict(exceptions.APIException):
    """The request is well-formed but clashes with the current state (a name taken, a limit)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with the current state."
    default_code = "conflict"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response.data = _body_for(exc)
    return response


def _as_api_exception(exc: Exception) -> Exception:
    # Django's own exceptions, raised by get_object_or_404 or a view, get DRF's codes.
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND_MESSAGE)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def _body_for(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return error_body("invalid", _validation_message(fields), _plain(fields))
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else str(exc.default_code)
        return error_body(code, _first_message(exc.detail))
    return error_body("server_error", "Something went wrong on our side; it has been logged.")


def _validation_message(fields: dict[str, Any]) -> str:
    names = [name for name in fields if name != "non_field_errors"]
    if not names:
        return _first_message(fields.get("non_field_errors", "The request is invalid."))
    return "The request has invalid fields: " + ", ".join(names) + "."


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        return _first_message(next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    return str(detail)


def _plain(detail: Any) -> Any:
    """ErrorDetail strings and nested lists as plain JSON values."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def json_error_response(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)
