"""The CSV export page of an asset: what the export will mask and filter (or why it is refused),
a purpose form, and the download, streamed through the governed data path."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from catalog.models import Asset
from catalog.selectors.assets import access_asset
from workbench.accounts.models import User
from workbench.core.permissions import require_permission
from workbench.governance.actions import Action
from workbench.governance.api.data import csv_streaming_response
from workbench.governance.models import PurposeCategory
from workbench.governance.services import (
    DataRequestInvalid,
    data_export_csv,
    data_masking_plan,
)

DISCOVER = "catalog.view_asset"


class ExportForm(forms.Form):
    purpose_category = forms.ChoiceField(choices=PurposeCategory.choices)
    purpose = forms.CharField(
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the export is for; recorded in the audit trail with the export.",
    )


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _decision(user: User, asset: Asset) -> Any:
    """What the policies say about exporting, shown before the user fills in the form."""
    from workbench.governance.policy import decide

    try:
        return decide(user=user, action=Action.EXPORT, asset=asset)
    except Exception:  # noqa: BLE001  the download itself decides again and records it
        return None


@require_http_methods(["GET", "POST"])
@require_permission(DISCOVER)
def asset_export_view(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    user = _user(request)
    asset = access_asset(user, asset_id)
    form = ExportForm(request.POST or None)
    context: dict[str, Any] = {"asset": asset, "form": form, "refusal": None}
    if request.method == "POST" and form.is_valid():
        try:
            export = data_export_csv(
                user=user,
                asset=asset,
                purpose=form.cleaned_data["purpose"],
                purpose_category=form.cleaned_data["purpose_category"],
            )
        except DataRequestInvalid as invalid:
            form.add_error("purpose", invalid.message)
        else:
            if export.result.is_allowed:
                return csv_streaming_response(export)
            context["refusal"] = export.result
            status = 502 if export.result.outcome == "failed" else 403
            return _page(request, context, status)
    status = 400 if form.is_bound else 200
    return _page(request, context, status)


def _page(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    user, asset = _user(request), context["asset"]
    context["decision"] = _decision(user, asset)
    context["plan"] = data_masking_plan(user=user, asset=asset)
    context["max_rows"] = settings.EXPORT_MAX_ROWS
    return render(request, "governance/data_export.html", context, status=status)
