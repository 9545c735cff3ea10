"""Access request pages: my requests, a new request from an asset, the request's page (cancel,
approve, deny) and the stewards' queue with its SLA clock. Requests the user may not see are 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.selectors.assets import access_asset
from workbench.accounts.models import User
from workbench.accounts.roles import Role, access_hint
from workbench.core.permissions import require_permission
from workbench.governance import requests as services
from workbench.governance import selectors_requests as selectors
from workbench.governance.forms_requests import AccessRequestForm, DecisionForm
from workbench.governance.models import AccessRequest, RequestStatus
from workbench.governance.requests import (
    AccessRequestConflict,
    AccessRequestDenied,
    AccessRequestError,
)

PAGE_SIZE = 25
REQUEST_PERMISSION = "catalog.view_asset"
DECIDE_PERMISSION = services.DECIDE_PERMISSION
READ_PERMISSIONS = (REQUEST_PERMISSION, selectors.VIEW_REQUESTS_PERMISSION)

View = Callable[..., HttpResponseBase]


def require_any_permission(*permissions: str) -> Callable[[View], View]:
    """Like require_permission, for pages open to holders of any one of `permissions`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and any(user.has_perm(p) for p in permissions)):
                roles = [Role.BUSINESS_USER, Role.DATA_STEWARD, Role.AUDITOR]
                raise PermissionDenied(access_hint(page="This page", roles=roles))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@require_any_permission(*READ_PERMISSIONS)
def request_list_view(request: HttpRequest) -> HttpResponse:
    """My requests; deciders and auditors can switch to every request they may see."""
    user = _user(request)
    # Auditors ask for nothing themselves: they start on every request.
    default_scope = "mine" if user.has_perm(REQUEST_PERMISSION) else "all"
    scope = request.GET.get("scope") or default_scope
    status = request.GET.get("status", "")
    if scope not in {"mine", "all"} or (status and status not in RequestStatus.values):
        raise Http404("Unknown filter")
    may_see_others = user.has_perm(selectors.VIEW_REQUESTS_PERMISSION)
    mine = scope == "mine" or not may_see_others
    requests = selectors.access_request_list(user=user, status=status, mine=mine)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "scope": "mine" if mine else "all",
        "status": status,
        "statuses": RequestStatus.choices,
        "may_see_others": may_see_others,
        "may_decide": selectors.access_request_may_decide_any(user),
        "may_request": user.has_perm(REQUEST_PERMISSION),
        "now": timezone.now(),
    }
    return render(request, "governance/requests_list.html", context)


@require_http_methods(["GET", "POST"])
@require_permission(REQUEST_PERMISSION)
def request_create_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    user = _user(request)
    asset = access_asset(user, asset_id)
    if request.method == "GET":
        initial = {
            "action": request.GET.get("action", "preview"),
            "unmasked": request.GET.get("unmasked") == "1",
        }
        form = AccessRequestForm(initial=initial)
        return _create_page(request, asset, form)
    form = AccessRequestForm(request.POST)
    if not form.is_valid():
        return _create_page(request, asset, form, status=400)
    data = form.cleaned_data
    try:
        created = services.access_request_create(
            requester=user,
            asset=asset,
            action=data["action"],
            unmasked=data["unmasked"],
            purpose_category=data["purpose_category"],
            purpose=data["purpose"],
            duration_days=data["duration_days"],
        )
    except AccessRequestError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.fields or type(error) is not AccessRequestError:
            form.add_error(None, error.message)
        status = 409 if isinstance(error, AccessRequestConflict) else 400
        return _create_page(request, asset, form, status=status)
    messages.success(
        request,
        "Your request was sent to the asset's stewards; you will be notified of their decision.",
    )
    return redirect("governance:request_detail", request_id=created.pk)


def _create_page(
    request: HttpRequest, asset: Any, form: AccessRequestForm, status: int = 200
) -> HttpResponse:
    context = {
        "asset": asset,
        "form": form,
        "approvers": services.access_request_approvers(asset),
    }
    return render(request, "governance/requests_form.html", context, status=status)


@require_GET
@require_any_permission(*READ_PERMISSIONS)
def request_detail_view(request: HttpRequest, request_id: int) -> HttpResponse:
    access_request = selectors.access_access_request(request.user, request_id)
    return _detail_page(request, access_request, DecisionForm())


def _detail_page(
    request: HttpRequest, access_request: AccessRequest, form: DecisionForm, status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {
        "access_request": access_request,
        "grant": selectors.request_grant(access_request),
        "form": form,
        "sla": services.sla_text(access_request),
        "is_overdue": access_request.status == RequestStatus.PENDING
        and access_request.due_at <= timezone.now(),
        "may_decide": access_request.status == RequestStatus.PENDING
        and services.access_request_may_decide(user=user, access_request=access_request),
        "may_cancel": access_request.status == RequestStatus.PENDING
        and access_request.requester_id == user.pk,
    }
    return render(request, "governance/requests_detail.html", context, status=status)


@require_POST
@require_any_permission(*READ_PERMISSIONS)
def request_cancel_view(request: HttpRequest, request_id: int) -> HttpResponse:
    access_request = selectors.access_access_request(request.user, request_id)
    try:
        services.access_request_cancel(access_request=access_request, actor=_user(request))
    except AccessRequestDenied as denied:
        raise PermissionDenied(denied.message) from None
    except AccessRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your request was cancelled.")
    return redirect("governance:request_detail", request_id=request_id)


@require_POST
@require_permission(DECIDE_PERMISSION, audit_action="governance.request.decide")
def request_decide_view(request: HttpRequest, request_id: int, decision: str) -> HttpResponse:
    if decision not in {"approve", "deny"}:
        raise Http404("Unknown decision")
    access_request = selectors.access_access_request(request.user, request_id)
    verb = "approved" if decision == "approve" else "denied"
    try:
        services.access_request_check_may_decide(
            access_request=access_request, user=_user(request), verb=verb
        )
    except AccessRequestDenied as denied:
        raise PermissionDenied(denied.message) from None
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, access_request, form, status=400)
    comment = form.cleaned_data["comment"]
    decide = (
        services.access_request_approve if decision == "approve" else services.access_request_deny
    )
    try:
        decide(access_request=access_request, approver=_user(request), comment=comment)
    except AccessRequestDenied as denied:
        raise PermissionDenied(denied.message) from None
    except AccessRequestConflict as conflict:
        messages.error(request, conflict.message)
        return redirect("governance:request_detail", request_id=request_id)
    except AccessRequestError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        return _detail_page(request, access_request, form, status=400)
    verb = "approved: the grant is live" if decision == "approve" else "denied"
    messages.success(request, f"Request #{request_id} {verb}.")
    if request.POST.get("next") == "queue":
        return redirect("governance:request_queue")
    return redirect("governance:request_detail", request_id=request_id)


@require_GET
@require_permission(DECIDE_PERMISSION, audit_action="governance.request.queue")
def request_queue_view(request: HttpRequest) -> HttpResponse:
    queue = list(selectors.access_request_queue(user=request.user))
    now = timezone.now()
    rows = [
        {
            "request": item,
            "sla": services.sla_text(item, now),
            "is_overdue": item.due_at <= now,
        }
        for item in queue
    ]
    context = {"rows": rows, "overdue": sum(1 for row in rows if row["is_overdue"])}
    return render(request, "governance/requests_queue.html", context)
