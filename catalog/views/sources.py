"""Data source pages for platform admins: list, add, edit, test, scan, follow a run."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.forms import DataSourceForm, ScanStartForm
from catalog.models import DataSource, ScanRun
from catalog.selectors import sources as selectors
from catalog.services import scans as scan_services
from catalog.services import sources as source_services
from catalog.services.exports import EXPORT_PERMISSION
from catalog.views.exports import export_panel_context
from workbench.accounts.models import User
from workbench.core.permissions import require_permission

VIEW = selectors.SOURCE_VIEW_PERMISSION
ADD = selectors.SOURCE_ADD_PERMISSION
CHANGE = selectors.SOURCE_CHANGE_PERMISSION
SCAN = selectors.SOURCE_SCAN_PERMISSION


def _source_or_404(source_id: int) -> DataSource:
    source = selectors.source_get(source_id=source_id)
    if source is None:
        raise Http404("No such data source")
    return source


def _run_or_404(run_id: int) -> ScanRun:
    run = selectors.scan_run_get(run_id=run_id)
    if run is None:
        raise Http404("No such scan")
    return run


@require_GET
@require_permission(VIEW, audit_action="catalog.source_list")
def source_list_view(request: HttpRequest) -> HttpResponse:
    sources = list(selectors.source_list())
    latest = selectors.source_runs_latest(sources)
    rows = [
        {
            "source": source,
            "run": latest.get(source.pk),
            "next_run": selectors.schedule_next_run(source.scan_schedule),
        }
        for source in sources
    ]
    return render(request, "catalog/source_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@require_permission(ADD, audit_action="catalog.source_create")
def source_create_view(request: HttpRequest) -> HttpResponse:
    form = DataSourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = source_services.source_create(actor=_user(request), **form.service_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Source “{source.name}” saved.")
            return redirect("catalog:source_detail", source_id=source.pk)
    status = 400 if form.is_bound else 200
    return render(request, "catalog/source_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_permission(CHANGE, audit_action="catalog.source_update")
def source_edit_view(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source_or_404(source_id)
    form = DataSourceForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            source_services.source_update(
                source=source, actor=_user(request), **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Source “{source.name}” saved.")
            return redirect("catalog:source_detail", source_id=source.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "catalog/source_form.html", {"form": form, "source": source}, status=status
    )


@require_GET
@require_permission(VIEW, audit_action="catalog.source_view")
def source_detail_view(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source_or_404(source_id)
    context = {
        "source": source,
        "schedule": source_services.schedule_label(
            source_services.schedule_expression(source.scan_schedule)
        ),
        "next_run": selectors.schedule_next_run(source.scan_schedule),
        "runs": selectors.source_scan_runs(source=source),
    }
    if request.user.has_perm(EXPORT_PERMISSION):
        context.update(export_panel_context(source))
    return render(request, "catalog/source_detail.html", context)


@require_POST
@require_permission(CHANGE, audit_action="catalog.source_connection_test")
def source_test_view(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source_or_404(source_id)
    check = source_services.source_connection_test(source=source, actor=_user(request))
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "catalog/source_test_result.html", {"check": check})
    level = messages.SUCCESS if check.ok else messages.ERROR
    messages.add_message(request, level, check.message)
    return redirect("catalog:source_detail", source_id=source.pk)


@require_POST
@require_permission(SCAN, audit_action="catalog.scan_requested")
def scan_start_view(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source_or_404(source_id)
    form = ScanStartForm(request.POST)
    kind = (form.cleaned_data.get("kind") if form.is_valid() else "") or "full"
    try:
        run, created = scan_services.scan_run_start(
            source=source, requested_by=_user(request), kind=kind
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalog:source_detail", source_id=source.pk)
    if not created:
        messages.info(request, "A scan of this source is already under way; here it is.")
    return redirect("catalog:scan_detail", run_id=run.pk)


@require_GET
@require_permission(VIEW, audit_action="catalog.scan_view")
def scan_detail_view(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "catalog/scan_detail.html", _run_context(_run_or_404(run_id)))


@require_GET
@require_permission(VIEW)
def scan_progress_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """The live part of the scan page, polled by htmx every second until the run ends."""
    return render(request, "catalog/scan_progress.html", _run_context(_run_or_404(run_id)))


def _run_context(run: ScanRun) -> dict[str, object]:
    return {"run": run, "counts": selectors.scan_run_counts(run)}


@require_POST
@require_permission(SCAN, audit_action="catalog.scan_requested")
def scan_retry_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(run_id)
    try:
        new_run, _ = scan_services.scan_run_retry(run=run, requested_by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("catalog:scan_detail", run_id=run.pk)
    return redirect("catalog:scan_detail", run_id=new_run.pk)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
