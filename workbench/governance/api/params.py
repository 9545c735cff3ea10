"""Query parameters of the governance API, described as the forms validate them (bounds, no NUL
characters, slugs), so the OpenAPI schema promises only what the endpoints accept."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter

ID_MAX = 2_147_483_647
PAGE_MAX = 1_000_000
NO_NUL = "^[^\\u0000]*$"


def int_param(
    name: str, description: str, *, required: bool = False, maximum: int = ID_MAX, minimum: int = 1
) -> OpenApiParameter:
    schema: dict[str, Any] = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return OpenApiParameter(name, schema, required=required, description=description)


def text_param(name: str, description: str, *, max_length: int) -> OpenApiParameter:
    schema = {"type": "string", "maxLength": max_length, "pattern": NO_NUL}
    return OpenApiParameter(name, schema, description=description)


def slug_param(name: str, description: str, *, max_length: int = 40) -> OpenApiParameter:
    schema = {"type": "string", "maxLength": max_length, "pattern": "^[-a-zA-Z0-9_]*$"}
    return OpenApiParameter(name, schema, description=description)
