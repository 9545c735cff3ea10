"""Page access for the oversight pages: sign-in first, then a check on the governance scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from workbench.governance.selectors import GovernanceScope, governance_scope

View = Callable[..., HttpResponseBase]

NO_ROLE_MESSAGE = (
    "Governance pages are for people with a role here. If you need one for your work, ask a "
    "platform admin to give you a role."
)
OVERSIGHT_MESSAGE = (
    "This page is for people with the Data steward, Data owner, Auditor or Platform admin role. "
    "If you need it for your work, ask a platform admin to give you that role."
)


def require_scope(check: Callable[[GovernanceScope], bool], message: str) -> Callable[[View], View]:
    """Anonymous users go to the login page; signed-in users whose scope fails `check` get a 403
    saying which role opens the page. The view receives the scope as `scope`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = governance_scope(request.user)
            if not check(scope):
                raise PermissionDenied(message)
            return view(request, *args, scope=scope, **kwargs)

        return wrapped

    return decorator


def may_open(scope: GovernanceScope) -> bool:
    return scope.may_open


def may_oversee(scope: GovernanceScope) -> bool:
    return scope.may_ask_about_others
