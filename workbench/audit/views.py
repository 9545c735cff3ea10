"""Audit pages: the filterable trail, its exports and the chain check with live progress."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from workbench.audit import exports, selectors, services
from workbench.audit.forms import AuditFilterForm
from workbench.core.permissions import require_permission

PERMISSION = selectors.AUDIT_TRAIL_PERMISSION
PAGE_SIZE = 50
EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@require_GET
@require_permission(PERMISSION, audit_action="audit.view")
def audit_event_list_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    is_valid = not form.is_bound or form.is_valid()
    filters = form.to_filters() if form.is_bound and is_valid else selectors.AuditFilters()
    # Invalid filters list nothing: a page that ignored them would look like their answer.
    page = None
    if is_valid:
        events = selectors.audit_event_list(filters=filters)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": filters.as_query(),
        "verification": selectors.audit_verification_latest(),
        "action_codes": selectors.audit_action_codes(),
    }
    return render(request, "audit/event_list.html", context, status=200 if is_valid else 400)


@require_GET
@require_permission(PERMISSION, audit_action="audit.export")
def audit_export_view(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page": None, "action_codes": selectors.audit_action_codes()}
        return render(request, "audit/event_list.html", context, status=400)
    filters = form.to_filters() if form.is_bound else selectors.AuditFilters()
    services.audit_export_record(
        actor=request.user,  # type: ignore[arg-type]
        fmt=fmt,
        filters=filters.as_query(),
    )
    events = selectors.audit_event_list(filters=filters).iterator(chunk_size=2000)
    chunks = exports.csv_rows(events) if fmt == "csv" else exports.json_chunks(events)
    response = StreamingHttpResponse(chunks, content_type=EXPORT_FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    return response


@require_POST
@require_permission(PERMISSION, audit_action="audit.verify_requested")
def audit_verification_start_view(request: HttpRequest) -> HttpResponse:
    verification, _created = services.audit_verification_request(requested_by=request.user)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "audit/_verification.html", {"verification": verification})
    return redirect("audit:event_list")


@require_GET
@require_permission(PERMISSION)
def audit_verification_status_view(request: HttpRequest, verification_id: int) -> HttpResponse:
    verification = selectors.audit_verification_get(verification_id=verification_id)
    if verification is None:
        raise Http404("No such verification")
    return render(request, "audit/_verification.html", {"verification": verification})
