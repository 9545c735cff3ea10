"""OpenMetadata exports of a source's catalog: queue one, follow it (htmx), download the file."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from catalog.models import ACTIVE_EXPORT_STATUSES, DataSource
from catalog.selectors import exports as selectors
from catalog.selectors import sources as source_selectors
from catalog.services import exports as services
from workbench.accounts.models import User
from workbench.core.permissions import require_permission

EXPORT = services.EXPORT_PERMISSION
CHUNK = 64 * 1024


def _source_or_404(source_id: int) -> DataSource:
    source = source_selectors.source_get(source_id=source_id)
    if source is None:
        raise Http404("No such data source")
    return source


def export_panel_context(source: DataSource) -> dict[str, object]:
    exports = selectors.catalog_export_recent(source_id=source.pk)
    return {
        "source": source,
        "exports": exports,
        "exports_active": any(e.status in ACTIVE_EXPORT_STATUSES for e in exports),
    }


def _panel(request: HttpRequest, source: DataSource, status: int = 200) -> HttpResponse:
    context = export_panel_context(source)
    return render(request, "catalog/_export_panel.html", context, status=status)


@require_POST
@require_permission(EXPORT, audit_action="catalog.export_requested")
def export_start_view(request: HttpRequest, source_id: int) -> HttpResponse:
    source = _source_or_404(source_id)
    try:
        services.catalog_export_start(source=source, requested_by=_user(request))
    except ValidationError as error:
        if request.htmx:  # type: ignore[attr-defined]
            return _panel_with_error(request, source, " ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return redirect("catalog:source_detail", source_id=source.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, source)
    messages.success(request, "Export queued; it appears below when it is ready.")
    return redirect("catalog:source_detail", source_id=source.pk)


def _panel_with_error(request: HttpRequest, source: DataSource, error: str) -> HttpResponse:
    context = {**export_panel_context(source), "export_error": error}
    return render(request, "catalog/_export_panel.html", context)


@require_GET
@require_permission(EXPORT)
def export_panel_view(request: HttpRequest, source_id: int) -> HttpResponse:
    """The export list of a source page, polled by htmx while an export is queued or running."""
    return _panel(request, _source_or_404(source_id))


@require_GET
@require_permission(EXPORT, audit_action="catalog.export_downloaded")
def export_download_view(
    request: HttpRequest, source_id: int, export_id: int
) -> StreamingHttpResponse:
    export = selectors.catalog_export_get_with_file(export_id=export_id)
    if export is None or export.source_id != source_id:
        raise Http404("No such export")
    try:
        content = services.catalog_export_download(export=export, actor=_user(request))
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return ndjson_response(content, export.filename)


def ndjson_response(content: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_chunks(content), content_type="application/x-ndjson")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _chunks(content: str) -> Iterator[bytes]:
    data = content.encode()
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
