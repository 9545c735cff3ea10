"""OpenAPI post-processing: every operation documents the error responses it can really give.

Any endpoint added later gets them for free: 400 (bad input, including bad `page`/`page_size`),
401, 403, 404 and 429 with the one error schema; 409 on writes (raise `Conflict` from
workbench.core.api.errors for "name taken" and the like); 415 where a request body is read.
An operation that documents one of these itself keeps its own description (and gets the error
schema when it gave none).
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API failure has this shape.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable: invalid, parse_error, "
                    "not_authenticated, authentication_failed, permission_denied, not_found, "
                    "method_not_allowed, unsupported_media_type, throttled, server_error, ...",
                    "example": "not_found",
                },
                "message": {"type": "string", "description": "For people."},
                "fields": {
                    "type": "object",
                    "description": "Problems per input name; empty unless the input was invalid.",
                    "additionalProperties": True,
                },
            },
        }
    },
}

ERROR_RESPONSES: dict[str, str] = {
    "400": "The request is invalid (see `fields`).",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Nothing exists at this address, or it is not visible to you.",
    "429": "Too many requests; try again later.",
}
BODY_ERROR_RESPONSES: dict[str, str] = {
    "415": "The request body is not in a supported media type.",
}
WRITE_ERROR_RESPONSES: dict[str, str] = {
    "409": "Conflicts with the current state (e.g. a name already taken, a limit reached).",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry (see settings.SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                _add_error_responses(operation, is_write=method in WRITE_METHODS)
    return result


def _add_error_responses(operation: dict[str, Any], *, is_write: bool) -> None:
    responses = operation.setdefault("responses", {})
    wanted = dict(ERROR_RESPONSES)
    if is_write:
        wanted.update(WRITE_ERROR_RESPONSES)
    if "requestBody" in operation:
        wanted.update(BODY_ERROR_RESPONSES)
    for status, description in wanted.items():
        documented = responses.setdefault(status, _error_response(description))
        if "content" not in documented:  # described but shapeless: it has the error shape
            documented["content"] = _error_response(description)["content"]


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}
        },
    }
