"""SCIM's error body (RFC 7644 section 3.12) and the exception that carries it out of a service."""

from __future__ import annotations

from django.http import JsonResponse

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
SCIM_CONTENT_TYPE = "application/scim+json"


class ScimError(Exception):
    """A request SCIM refuses; `detail` is for the identity provider's administrator."""

    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def scim_response(body: dict[str, object] | None, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(body or {}, status=status, content_type=SCIM_CONTENT_TYPE)
    if body is None:
        response.content = b""
    return response


def scim_error_response(error: ScimError) -> JsonResponse:
    body: dict[str, object] = {
        "schemas": [ERROR_SCHEMA],
        "status": str(error.status),
        "detail": error.detail,
    }
    if error.scim_type:
        body["scimType"] = error.scim_type
    response = scim_response(body, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="workbench-scim"'
    return response


def invalid_value(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")
