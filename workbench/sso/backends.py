"""Authentication backends: sign-in through the OpenID Connect provider; the local-login rule."""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from workbench.accounts.models import User
from workbench.sso import provider
from workbench.sso.claims import SignInRefused, claim_mapping
from workbench.sso.services import sso_user_sign_in

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "sso_refusal"
USERNAME_ATTRIBUTE = "sso_username"
SIGN_ALGORITHMS = ["RS256"]


class OidcBackend(OIDCAuthenticationBackend):
    """Authorization code flow with PKCE (mozilla-django-oidc), the ID token checked in full here.

    A refusal is left on the request (`request.sso_refusal`) for the callback page to explain.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The endpoints come from discovery, so they are read when a sign-in needs them, not on
        # every authenticate() call that Django makes for a password sign-in.
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.oidc_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or "nonce" not in kwargs or not provider.sso_is_enabled():
            return None
        try:
            self._endpoints_load()
            return super().authenticate(request, **kwargs)
        except SignInRefused as refusal:
            setattr(request, REFUSAL_ATTRIBUTE, str(refusal))
        except provider.ProviderError as error:
            setattr(request, REFUSAL_ATTRIBUTE, str(error))
        except requests.RequestException as error:
            logger.warning("sso: provider request failed: %s", type(error).__name__)
            setattr(request, REFUSAL_ATTRIBUTE, _provider_failed_message(error))
        return None

    def _endpoints_load(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET")

    def verify_token(self, token: str | None, **kwargs: Any) -> dict[str, Any]:
        """Signature against the provider's JWKS, then issuer, audience, expiry and nonce."""
        if not token:
            raise SignInRefused("Your identity provider sent no ID token; sign-in is refused.")
        try:
            key = self._signing_key(token)
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=SIGN_ALGORITHMS,
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider.sso_issuer(),
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError) as error:
            logger.warning("sso: ID token refused: %s: %s", type(error).__name__, error)
            raise SignInRefused(_token_refusal_message(error)) from error
        if settings.OIDC_USE_NONCE and payload.get("nonce") != kwargs.get("nonce"):
            raise SignInRefused(
                "The sign-in answer does not belong to the sign-in you started (nonce mismatch); "
                "it was refused. Start again from the sign-in page."
            )
        return payload

    def _signing_key(self, token: str) -> jwt.PyJWK:
        """The provider's published key that signed `token`: by key id, or its only RSA key."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in jwt.PyJWKSet.from_dict(response.json()).keys
            if key.key_type == "RSA" and key.public_key_use in (None, "sig")
        ]
        kid = jwt.get_unverified_header(token).get("kid")
        matching = [key for key in keys if key.key_id == kid] if kid else keys
        if len(matching) != 1:
            raise SuspiciousOperation("No single key of the provider matches the token")
        return matching[0]

    def get_user(self, user_id: int) -> User | None:
        """A deactivated user's session ends at once: the session's user no longer loads."""
        return User.objects.filter(pk=user_id, is_active=True).first()

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") not in (None, payload["sub"]):
            raise SignInRefused("The provider's user information is for someone else; refused.")
        claims = {**payload, **userinfo}
        # Named in the trail if the sign-in is refused (the claim as sent, not a workbench user).
        username_claim = claim_mapping()["username"][0]
        setattr(self.request, USERNAME_ATTRIBUTE, str(claims.get(username_claim) or "")[:150])
        return sso_user_sign_in(issuer=provider.sso_issuer(), subject=payload["sub"], claims=claims)


def _token_refusal_message(error: Exception) -> str:
    if isinstance(error, jwt.ExpiredSignatureError):
        return (
            "The identity provider's sign-in token had already expired; sign-in is refused. "
            "Try again; if it keeps happening, the provider's or this server's clock is wrong."
        )
    if isinstance(error, jwt.InvalidIssuerError):
        return (
            "The sign-in token was issued by another identity provider than the one this "
            f"workbench trusts ({provider.sso_issuer()}); sign-in is refused."
        )
    if isinstance(error, jwt.InvalidAudienceError):
        return "The sign-in token was issued for another application; sign-in is refused."
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"The sign-in token lacks the “{error.claim}” claim; sign-in is refused."
    return (
        "The sign-in token's signature does not match the identity provider's keys, so it may "
        "have been tampered with; sign-in is refused."
    )


def _provider_failed_message(error: requests.RequestException) -> str:
    response = getattr(error, "response", None)
    if response is not None and 400 <= response.status_code < 500:
        return (
            "The identity provider did not accept this sign-in (the code may have been used "
            "already or have expired). Start again from the sign-in page."
        )
    return (
        "The identity provider could not be reached; try again in a minute, or ask a platform "
        "admin if it keeps failing."
    )


class LocalLoginPolicyBackend:
    """With WORKBENCH_LOCAL_LOGIN=breakglass, passwords sign in only the break-glass superusers.

    Placed before ModelBackend: raising PermissionDenied stops Django trying the others. It has no
    get_user on purpose: it never signs anyone in, so no session (nor force_login) may name it.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if settings.LOCAL_LOGIN != "breakglass" or username is None or password is None:
            return
        if User.objects.filter(username=username, is_superuser=True).exists():
            return
        if request is not None:
            setattr(request, REFUSAL_ATTRIBUTE, local_login_refusal())
        raise PermissionDenied("Password sign-in is reserved for break-glass accounts")


def local_login_refusal() -> str:
    return (
        "Password sign-in is switched off here except for the break-glass administrator "
        f"account. Use “Sign in with {settings.OIDC_PROVIDER_NAME}”."
    )
