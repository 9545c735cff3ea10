"""The configured OpenID Connect provider: its settings, client secret and discovery document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

DISCOVERY_CACHE_SECONDS = 3600
DISCOVERY_PATH = "/.well-known/openid-configuration"
# The provider's endpoints that mozilla-django-oidc reads as settings, and their discovery names.
ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class ProviderError(Exception):
    """The provider cannot be used right now; the message is for the person signing in."""


def sso_is_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def sso_issuer() -> str:
    return str(settings.OIDC_ISSUER).rstrip("/")


def client_secret() -> str:
    """Read at each use from the secret file, so a rotated secret needs no restart."""
    path = settings.OIDC_RP_CLIENT_SECRET_FILE
    if not path:
        return ""
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ProviderError(
            "Single sign-on is misconfigured: the client secret is unreadable."
        ) from exc


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document, fetched once an hour and checked to name our issuer."""
    issuer = sso_issuer()
    key = f"sso:discovery:{issuer}"
    metadata: dict[str, Any] | None = cache.get(key)
    if metadata is None:
        metadata = _discovery_fetch(issuer)
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def provider_metadata_forget() -> None:
    cache.delete(f"sso:discovery:{sso_issuer()}")


def _discovery_fetch(issuer: str) -> dict[str, Any]:
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderError(
            "The identity provider could not be reached; try again in a minute, or ask a "
            "platform admin if it keeps failing."
        ) from exc
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer we asked.
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderError(
            f"The identity provider at {issuer} identifies itself as "
            f"{metadata.get('issuer')!r}; sign-in is refused. Ask a platform admin to check "
            "the single sign-on configuration."
        )
    missing = [name for name in ENDPOINT_SETTINGS.values() if not metadata.get(name)]
    if missing:
        raise ProviderError(
            f"The identity provider's configuration lacks {', '.join(missing)}; ask a platform "
            "admin to check the single sign-on configuration."
        )
    return dict(metadata)


def oidc_setting(name: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings: endpoints from discovery, the secret from its file."""
    if name in ENDPOINT_SETTINGS:
        return provider_metadata()[ENDPOINT_SETTINGS[name]]
    if name == "OIDC_RP_CLIENT_SECRET":
        return client_secret()
    if hasattr(settings, name):
        return getattr(settings, name)
    if default:
        return default[0]
    raise AttributeError(f"Setting {name} not found")
