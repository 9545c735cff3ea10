"""Sign-in, sign-out, password pages and the profile page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from workbench.accounts import selectors, services
from workbench.accounts.forms import ApiTokenForm, LoginForm
from workbench.accounts.models import ApiToken, User
from workbench.accounts.throttles import (
    login_address_limit,
    reset_account_limit,
    reset_address_limit,
    throttle_hit,
    throttle_is_exceeded,
)
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.core.middleware import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_ip(request)
        if address and throttle_is_exceeded(login_address_limit(), address):
            return _login_address_throttled(request)
        return super().post(request, *args, **kwargs)


def _login_address_throttled(request: HttpRequest) -> HttpResponse:
    """Many failed sign-ins from one address, over any usernames: refuse them all for a while."""
    username = request.POST.get("username", "")[:150]
    audit_record(
        actor=None,
        actor_username=username,
        action="auth.login_throttled",
        outcome=AuditOutcome.DENIED,
        reason="Too many failed sign-ins from this address",
        detail={"username": username},
    )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, initial={"username": username})
    message = (
        "Too many failed sign-in attempts from your network address. "
        f"Wait {minutes} minutes and try again, or reset your password."
    )
    context = {"form": form, "lockout_message": message}
    return render(request, "accounts/login.html", context, status=429)


def login_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """Shown instead of the login result once too many attempts failed (django-axes)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # An unbound form: binding it would authenticate again. It keeps the username typed.
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    message = (
        f"Too many failed sign-in attempts for this account from your address. "
        f"Wait {minutes} minutes and try again, or reset your password."
    )
    context = {"form": form, "lockout_message": message}
    return render(request, "accounts/login.html", context, status=429)


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,  # type: ignore[arg-type]
            action="auth.password_changed",
            outcome=AuditOutcome.DONE,
            target=self.request.user,  # type: ignore[arg-type]
        )
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Same answer whether or not the address has an account: the limits count addresses typed.
        address = client_ip(self.request) or "unknown"
        email = form.cleaned_data["email"]
        limits = [(reset_address_limit(), address), (reset_account_limit(), email)]
        if any(throttle_is_exceeded(limit, subject) for limit, subject in limits):
            return self._throttled(form, email)
        for limit, subject in limits:
            throttle_hit(limit, subject)
        return super().form_valid(form)

    def _throttled(self, form: Any, email: str) -> HttpResponse:
        audit_record(
            actor=None,
            action="auth.password_reset_throttled",
            outcome=AuditOutcome.DENIED,
            reason="Too many password-reset requests for this address or account",
            detail={"email": email},
        )
        form.add_error(
            None,
            "Too many reset requests from your network address or for this email address. "
            "Wait an hour and try again, or ask a platform admin.",
        )
        return self.render_to_response(self.get_context_data(form=form), status=429)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=form.user,
            action="auth.password_reset",
            outcome=AuditOutcome.DONE,
            target=form.user,
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return _profile_page(request, token_form=ApiTokenForm())


def _profile_page(
    request: HttpRequest, *, token_form: ApiTokenForm, status: int = 200
) -> HttpResponse:
    user = selectors.user_get_profile(user_id=request.user.pk)
    context = {
        "profile": user,
        "roles": selectors.user_roles(user),
        "department_path": selectors.department_path(user.department),
        "api_tokens": selectors.api_token_list(user=user),
        "token_form": token_form,
    }
    return render(request, "accounts/profile.html", context, status=status)


@require_POST
@login_required
def api_token_issue_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form, status=400)
    try:
        issued = services.api_token_create(
            user=user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except services.ApiTokenError as exc:
        form.add_error("name", str(exc))
        return _profile_page(request, token_form=form, status=400)
    # Shown once, on this page only; only its digest is stored, so it can never be shown again.
    context = {"token": issued.token, "token_key": issued.key}
    response = render(request, "accounts/api_token_issued.html", context, status=201)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        token = selectors.access_api_token(user, token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None
    if services.api_token_revoke(token=token, revoked_by=user):
        messages.success(request, f"The token “{token.name}” was revoked; it no longer works.")
    else:
        messages.info(request, f"The token “{token.name}” was already revoked.")
    return redirect("accounts:profile")
