"""Asset pages: the detail page, its masked preview, curation, certification, PII review and
quality-check definitions. Assets the user may not discover are 404; curation outside the user's
domains is 403 (and audited by the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from catalog.forms_curation import AssetCurationForm, CertifyForm, QualityCheckForm
from catalog.models import Asset, QualityCheckKind
from catalog.selectors import assets as selectors
from catalog.services import curation, pii_review, quality_checks
from catalog.services.curation import CurationDenied, CurationError
from workbench.accounts.models import User
from workbench.core.permissions import require_permission
from workbench.governance.services import data_preview

DISCOVER = "catalog.view_asset"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _page_context(request: HttpRequest, asset: Asset, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    detail = selectors.asset_detail_get(asset=asset)
    may_curate = curation.asset_may_curate(user=user, asset=asset)
    context: dict[str, Any] = {
        "asset": detail.asset,
        "detail": detail,
        "may_curate": may_curate,
        "may_certify": curation.asset_may_curate(
            user=user, asset=asset, permission=curation.CERTIFY_PERMISSION
        ),
        "may_review_pii": curation.asset_may_curate(
            user=user, asset=asset, permission=pii_review.REVIEW_PERMISSION
        ),
        "may_add_check": curation.asset_may_curate(
            user=user, asset=asset, permission="catalog.add_qualitycheck"
        ),
        "may_delete_check": curation.asset_may_curate(
            user=user, asset=asset, permission="catalog.delete_qualitycheck"
        ),
        "check_kinds": QualityCheckKind.choices,
    }
    if may_curate and "curation_form" not in extra:
        context["curation_form"] = AssetCurationForm.for_asset(detail.asset)
    context.setdefault("certify_form", CertifyForm())
    context.setdefault("check_form", QualityCheckForm(asset=asset))
    context.update(extra)
    return context


@require_GET
@require_permission(DISCOVER)
def asset_detail_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.access_asset(request.user, asset_id)
    return render(request, "catalog/asset_detail.html", _page_context(request, asset))


@require_GET
@require_permission(DISCOVER)
def asset_preview_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    """The masked sample, as an htmx partial (or a page of its own without htmx)."""
    asset = selectors.access_asset(request.user, asset_id)
    purpose = (request.GET.get("purpose") or "")[:200]
    preview = data_preview(user=_user(request), asset=asset, purpose=purpose, limit=20)
    template = "catalog/asset_preview.html" if request.htmx else "catalog/asset_preview_page.html"  # type: ignore[attr-defined]
    # htmx swaps only successful responses: the partial carries a refusal's reason with a 200.
    status = 200 if preview.is_allowed or request.htmx else 403  # type: ignore[attr-defined]
    return render(request, template, {"asset": asset, "preview": preview}, status=status)


@require_POST
@require_permission(DISCOVER)
def asset_curate_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.access_asset(request.user, asset_id)
    _deny_unless_may(request, asset, "catalog.asset.curate", curation.CURATE_PERMISSION)
    form = AssetCurationForm(request.POST)
    if form.is_valid():
        try:
            curation.asset_curate(asset=asset, actor=_user(request), changes=form.to_changes())
        except CurationDenied as denied:
            raise PermissionDenied(denied.message) from None
        except CurationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Your changes to the asset were saved.")
            return redirect("catalog:asset_detail", asset_id=asset.pk)
    context = _page_context(request, asset, curation_form=form)
    return render(request, "catalog/asset_detail.html", context, status=400)


def _deny_unless_may(request: HttpRequest, asset: Asset, action: str, permission: str) -> None:
    """Refuse (audited) before reading the form, so a refusal never depends on the input."""
    try:
        curation.asset_check_may_curate(
            user=_user(request), asset=asset, action=action, permission=permission
        )
    except CurationDenied as denied:
        raise PermissionDenied(denied.message) from None


def _form_errors(form: Any, error: CurationError) -> None:
    for field, message in (error.fields or {"__all__": error.message}).items():
        target = field if field in form.fields else None
        if field == "tag_names":
            target = "tags"
        form.add_error(target, message)


@require_POST
@require_permission(DISCOVER)
def asset_certify_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.access_asset(request.user, asset_id)
    _deny_unless_may(request, asset, "catalog.asset.certify", curation.CERTIFY_PERMISSION)
    form = CertifyForm(request.POST)
    if form.is_valid():
        try:
            curation.asset_certify(asset=asset, actor=_user(request), expires_at=form.expires_at())
        except CurationDenied as denied:
            raise PermissionDenied(denied.message) from None
        except CurationError as error:
            form.add_error("expires_on", error.message)
        else:
            messages.success(request, "The asset is certified.")
            return redirect("catalog:asset_detail", asset_id=asset.pk)
    context = _page_context(request, asset, certify_form=form)
    return render(request, "catalog/asset_detail.html", context, status=400)


@require_POST
@require_permission(DISCOVER)
def asset_uncertify_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.access_asset(request.user, asset_id)
    try:
        curation.asset_certification_revoke(asset=asset, actor=_user(request))
    except CurationDenied as denied:
        raise PermissionDenied(denied.message) from None
    messages.success(request, "The certification was withdrawn.")
    return redirect("catalog:asset_detail", asset_id=asset.pk)


@require_POST
@require_permission(DISCOVER)
def pii_suggestion_decide_view(
    request: HttpRequest, suggestion_id: int, decision: str
) -> HttpResponse:
    suggestion = selectors.pii_suggestion_get(suggestion_id=suggestion_id, user=request.user)
    decide = {
        "accept": pii_review.pii_suggestion_accept,
        "reject": pii_review.pii_suggestion_reject,
    }
    if decision not in decide:
        raise Http404("Unknown decision")
    try:
        result = decide[decision](suggestion=suggestion, actor=_user(request))
    except CurationDenied as denied:
        raise PermissionDenied(denied.message) from None
    except CurationError as error:
        messages.error(request, error.message)
    else:
        label = pii_review.pii_kind_label(suggestion.kind)
        verb = "accepted" if decision == "accept" else "rejected"
        note = "" if result.changed else " (it already was)"
        messages.success(request, f"{label} on {suggestion.column.name} {verb}{note}.")
    return redirect("catalog:asset_detail", asset_id=suggestion.column.asset_id)


@require_POST
@require_permission(DISCOVER)
def quality_check_create_view(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.access_asset(request.user, asset_id)
    _deny_unless_may(request, asset, "catalog.quality.create", "catalog.add_qualitycheck")
    form = QualityCheckForm(request.POST, asset=asset)
    if form.is_valid():
        data = form.cleaned_data
        try:
            quality_checks.quality_check_create(
                asset=asset,
                actor=_user(request),
                name=data["name"],
                kind=data["kind"],
                column=data["column"],
                params=data["params"],
            )
        except CurationDenied as denied:
            raise PermissionDenied(denied.message) from None
        except CurationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Quality check “{data['name']}” added.")
            return redirect("catalog:asset_detail", asset_id=asset.pk)
    context = _page_context(request, asset, check_form=form)
    return render(request, "catalog/asset_detail.html", context, status=400)


@require_POST
@require_permission(DISCOVER)
def quality_check_delete_view(request: HttpRequest, check_id: int) -> HttpResponse:
    check = selectors.quality_check_get(check_id=check_id, user=request.user)
    asset_id = check.asset_id
    try:
        quality_checks.quality_check_delete(check=check, actor=_user(request))
    except CurationDenied as denied:
        raise PermissionDenied(denied.message) from None
    messages.success(request, "The quality check was deleted.")
    return redirect("catalog:asset_detail", asset_id=asset_id)
