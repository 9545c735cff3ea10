"""Bearer-token authentication for SCIM: one token, from a file, compared in constant time."""

from __future__ import annotations

import hmac
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from workbench.scim.errors import ScimError


def scim_token() -> str:
    """The configured token, read at each request so that rotating the file needs no restart."""
    path = settings.SCIM_TOKEN_FILE
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def scim_authenticate(request: HttpRequest) -> None:
    """Raise ScimError 404 when SCIM is off, 401 when the bearer token is missing or wrong."""
    expected = scim_token()
    if not expected:
        raise ScimError(404, "SCIM provisioning is not enabled on this workbench.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ScimError(401, "A bearer token is required (Authorization: Bearer <token>).")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ScimError(401, "The bearer token is not valid.")
