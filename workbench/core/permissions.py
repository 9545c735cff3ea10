"""Page-level permission checks that deny by default and record denials in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from workbench.accounts.roles import access_hint, roles_granting
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

View = Callable[..., HttpResponseBase]


def require_permission(permission: str, *, audit_action: str = "") -> Callable[[View], View]:
    """Anonymous users go to the login page; signed-in users without `permission` get a 403.

    With `audit_action`, a refusal is recorded as a denied event, so probing a sensitive page
    leaves a trace.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.has_perm(permission)):
                if audit_action:
                    _record_denial(request, audit_action, permission)
                hint = access_hint(page="This page", roles=roles_granting(permission))
                raise PermissionDenied(hint)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _record_denial(request: HttpRequest, action: str, permission: str) -> None:
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        action=action,
        outcome=AuditOutcome.DENIED,
        reason=f"Missing permission {permission}",
        detail={"path": request.path},
    )
