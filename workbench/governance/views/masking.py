"""The masking page: the rules (with what each does to a sample value), the row filters, the
operators; and, for holders of the detokenise permission, the form that turns a token back."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from workbench.accounts.models import User
from workbench.core.permissions import require_permission
from workbench.governance import selectors_masking as selectors
from workbench.governance.models import PurposeCategory
from workbench.governance.vault import (
    DETOKENIZE_PERMISSION,
    PURPOSE_MIN_LENGTH,
    DetokenizeDenied,
    VaultTokenNotFound,
    vault_detokenize,
)


class DetokenizeForm(forms.Form):
    token = forms.RegexField(
        regex=r"^tok_[0-9a-f]{24}$",
        max_length=64,
        error_messages={"invalid": "A vault token looks like tok_ followed by 24 hex digits."},
    )
    purpose_category = forms.ChoiceField(
        choices=PurposeCategory.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    purpose = forms.CharField(
        min_length=PURPOSE_MIN_LENGTH,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why you need the original value; recorded in the audit trail.",
    )


def _context(request: HttpRequest, **extra: object) -> dict[str, object]:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, object] = {
        "rules": selectors.masking_rule_rows(),
        "row_filters": selectors.row_filter_rows(user=user),
        "operators": selectors.operator_examples(),
        "may_detokenize": user.has_perm(DETOKENIZE_PERMISSION),
        "may_edit_rules": user.is_staff and user.has_perm("governance.change_maskingrule"),
        "may_edit_filters": user.is_staff and user.has_perm("governance.change_rowfilter"),
    }
    context.setdefault("form", DetokenizeForm())
    context.update(extra)
    return context


@require_GET
@require_permission(selectors.VIEW_MASKING_PERMISSION)
def masking_overview_view(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/masking.html", _context(request))


@require_POST
@require_permission(DETOKENIZE_PERMISSION, audit_action="governance.detokenize")
def detokenize_view(request: HttpRequest) -> HttpResponse:
    """Show the value behind a token once (never stored, never cached); htmx swaps the result in
    place, without htmx the masking page comes back with it."""
    form = DetokenizeForm(request.POST)
    result, error, status = None, "", 200
    if not form.is_valid():
        status = 400
    else:
        try:
            result = vault_detokenize(
                user=request.user,  # type: ignore[arg-type]
                token=form.cleaned_data["token"],
                purpose=form.cleaned_data["purpose"],
                purpose_category=form.cleaned_data["purpose_category"],
            )
        except VaultTokenNotFound as missing:
            error, status = missing.message, 404
        except DetokenizeDenied as denied:
            error, status = denied.message, 403
    extra = {"form": form, "result": result, "error": error}
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only successful responses: the partial carries errors with a 200.
        response = render(request, "governance/masking_detokenize.html", extra)
    else:
        context = _context(request, **extra)
        response = render(request, "governance/masking.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
