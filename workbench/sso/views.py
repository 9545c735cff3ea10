"""Single sign-on pages: start at the provider, come back to the callback, or learn why not."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from workbench.sso import provider
from workbench.sso.backends import REFUSAL_ATTRIBUTE, USERNAME_ATTRIBUTE, OidcBackend
from workbench.sso.services import sso_sign_in_refused_record

REPLAYED_STATE = (
    "This sign-in answer was already used, has expired or belongs to another browser, so it was "
    "refused. Start again from the sign-in page."
)


def _refused(request: HttpRequest, reason: str, *, status: int = 403) -> HttpResponse:
    sso_sign_in_refused_record(username=getattr(request, USERNAME_ATTRIBUTE, ""), reason=reason)
    context = {"reason": reason, "provider_name": settings.OIDC_PROVIDER_NAME}
    return render(request, "sso/refused.html", context, status=status)


class SsoStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge in the session."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Skips the library's __init__, which reads the endpoints at once: here they come from
        # discovery, fetched in get() only when single sign-on is on (a refusal page if it fails).
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.sso_is_enabled():
            raise Http404("Single sign-on is not configured")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except provider.ProviderError as error:
            return _refused(request, str(error), status=503)
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Checks the state against the session (once), then lets the backend check the rest."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return provider.oidc_setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.sso_is_enabled():
            raise Http404("Single sign-on is not configured")
        state = request.GET.get("state")
        if request.GET.get("error"):
            _state_forget(request, state)
            if request.user.is_authenticated:
                auth.logout(request)
            description = request.GET.get("error_description") or request.GET["error"]
            return _refused(
                request, f"Your identity provider did not sign you in: {description[:200]}."
            )
        if "code" not in request.GET or state not in request.session.get("oidc_states", {}):
            return _refused(request, REPLAYED_STATE, status=400)
        return self._authenticate(request, str(state))

    def _authenticate(self, request: HttpRequest, state: str) -> HttpResponse:
        """The library's callback, calling our backend itself rather than auth.authenticate().

        auth.authenticate() would report a refusal as a failed password login (user_login_failed,
        with no username): django-axes would count it against the address and the password-login
        audit would record it. A refused SSO sign-in has its own event, and its code is single-use.
        """
        pending = request.session["oidc_states"].pop(state)
        request.session.save()  # the state is spent before the slow calls: no replay
        # Reloaded after the provider round trip, as the library does, so that parallel tabs'
        # session changes are not overwritten.
        request.session = request.session.__class__(request.session.session_key)
        backend = OidcBackend()
        self.user = backend.authenticate(
            request, nonce=pending["nonce"], code_verifier=pending.get("code_verifier")
        )
        if self.user is None or not self.user.is_active:
            return self.login_failure()
        self.user.backend = f"{OidcBackend.__module__}.{OidcBackend.__qualname__}"
        return self.login_success()

    def login_failure(self) -> HttpResponse:
        return _refused(self.request, _failure_reason(self.request))


def _state_forget(request: HttpRequest, state: str | None) -> None:
    """A state the provider answered with an error cannot be used again (no replay)."""
    states = request.session.get("oidc_states", {})
    if state in states:
        del states[state]
        request.session.modified = True


def _failure_reason(request: HttpRequest) -> str:
    if getattr(request, REFUSAL_ATTRIBUTE, ""):
        return str(getattr(request, REFUSAL_ATTRIBUTE))
    if getattr(request, "axes_locked_out", False):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return (
            "Too many failed sign-in attempts from your network address. "
            f"Wait {minutes} minutes and try again."
        )
    return (
        "The sign-in could not be completed. Try again; if it keeps failing, ask a platform admin."
    )
