"""Grant pages: the stewards' and admins' list of grants (their domains; all for admins and
auditors) and revocation with a reason. Grants the user may not see are 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from workbench.accounts.models import User
from workbench.core.permissions import require_permission
from workbench.governance import selectors_requests as selectors
from workbench.governance.forms_requests import RevokeForm
from workbench.governance.grants import (
    GrantConflict,
    GrantDenied,
    GrantError,
    grant_check_may_revoke,
    grant_may_revoke,
    grant_revoke,
    grant_state,
)
from workbench.governance.models import Grant

PAGE_SIZE = 50


@require_GET
@require_permission(selectors.VIEW_GRANTS_PERMISSION, audit_action="governance.grants.view")
def grant_list_view(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "live")
    if state not in selectors.GRANT_STATES:
        raise Http404("Unknown state")
    user: User = request.user  # type: ignore[assignment]
    grants = selectors.grant_list(user=user, state=state)
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "grant": grant,
            "state": grant_state(grant, now),
            "may_revoke": grant_state(grant, now) == "live"
            and grant_may_revoke(user=user, grant=grant),
        }
        for grant in page
    ]
    context = {"page": page, "rows": rows, "state": state, "states": selectors.GRANT_STATES}
    return render(request, "governance/grants_list.html", context)


@require_http_methods(["GET", "POST"])
@require_permission("governance.revoke_grant", audit_action="governance.grant.revoke")
def grant_revoke_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    grant = selectors.access_grant(user, grant_id)
    if request.method == "GET":
        return _revoke_page(request, grant, RevokeForm())
    try:
        grant_check_may_revoke(user=user, grant=grant)
    except GrantDenied as denied:
        raise PermissionDenied(denied.message) from None
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _revoke_page(request, grant, form, status=400)
    try:
        grant_revoke(grant=grant, actor=user, reason=form.cleaned_data["reason"])
    except GrantDenied as denied:
        raise PermissionDenied(denied.message) from None
    except GrantConflict as conflict:
        messages.error(request, conflict.message)
        return redirect("governance:grant_list")
    except GrantError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        return _revoke_page(request, grant, form, status=400)
    messages.success(
        request, f"{grant.user.get_username()}'s grant on {grant.asset.qualified_name} is revoked."
    )
    return redirect("governance:grant_list")


def _revoke_page(
    request: HttpRequest, grant: Grant, form: RevokeForm, status: int = 200
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context = {
        "grant": grant,
        "state": grant_state(grant),
        "form": form,
        "may_revoke": grant_may_revoke(user=user, grant=grant),
    }
    return render(request, "governance/grants_revoke.html", context, status=status)
