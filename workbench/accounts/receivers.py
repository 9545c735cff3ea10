"""Adapters from Django's own hooks (migrate, login/logout) to this app's services.

Each receiver only translates the hook into one service call; the rules live in the services.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from workbench.accounts.models import User
from workbench.accounts.services import roles_sync
from workbench.accounts.throttles import login_address_limit, throttle_hit
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.core.middleware import client_ip


def roles_sync_after_migrate(**kwargs: Any) -> None:
    roles_sync(using=kwargs.get("using", "default"))


def _on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", outcome=AuditOutcome.DONE, target=user)


def _on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    audit_record(actor=user, action="auth.logout", outcome=AuditOutcome.DONE, target=user)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials`; only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    address = client_ip(request) if request is not None else None
    if address:
        throttle_hit(login_address_limit(), address)
    audit_record(
        actor=None,
        actor_username=username,
        action="auth.login_failed",
        outcome=AuditOutcome.DENIED,
        reason="Invalid username or password",
        detail={"username": username},
    )


def _on_locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        actor_username=username[:150],
        action="auth.lockout",
        outcome=AuditOutcome.DENIED,
        reason="Too many failed logins; further attempts refused during the cool-off period",
        detail={"username": username[:150]},
    )


def connect_auth_audit() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="workbench.audit.login")
    user_logged_out.connect(_on_logout, dispatch_uid="workbench.audit.logout")
    user_login_failed.connect(_on_login_failed, dispatch_uid="workbench.audit.login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="workbench.audit.lockout")
