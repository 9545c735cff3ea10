"""Django admin for masking rules and row filters (platform admins edit them here; the masking page
shows them to stewards and auditors). Every change is recorded in the audit trail; the token vault
is not in the admin at all (its values are encrypted, and detokenising has its own audited form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.masking import MaskingParamsError, params_validate
from workbench.governance.models import MaskingRule, RowFilter


class MaskingRuleForm(forms.ModelForm[MaskingRule]):
    class Meta:
        model = MaskingRule
        fields = [
            "name",
            "pii_kind",
            "classification",
            "operator",
            "params",
            "priority",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("pii_kind")) == (data.get("classification") is not None):
            raise forms.ValidationError(
                "Give either a kind of personal data or a classification, not both."
            )
        try:
            data["params"] = params_validate(data.get("operator", ""), data.get("params") or {})
        except MaskingParamsError as error:
            self.add_error("params", str(error))
        return data


class AuditedAdminMixin:
    """Records who created, changed or deleted a row, and which fields changed."""

    audit_noun = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        verb = "changed" if change else "created"
        self._audit(request, obj, verb, {"fields": sorted(form.changed_data)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit(request, obj, "deleted", {})
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self._audit(request, obj, "deleted", {})
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _audit(self, request: HttpRequest, obj: Any, verb: str, detail: dict[str, Any]) -> None:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"governance.{self.audit_noun}.{verb}",
            outcome=AuditOutcome.DONE,
            target=obj,
            detail=detail,
        )


@admin.register(MaskingRule)
class MaskingRuleAdmin(AuditedAdminMixin, admin.ModelAdmin[MaskingRule]):
    form = MaskingRuleForm
    audit_noun = "masking_rule"
    list_display = ("name", "pii_kind", "classification", "operator", "priority", "is_active")
    list_filter = ("operator", "is_active", "classification")
    search_fields = ("name", "pii_kind")


@admin.register(RowFilter)
class RowFilterAdmin(AuditedAdminMixin, admin.ModelAdmin[RowFilter]):
    audit_noun = "row_filter"
    list_display = ("name", "asset", "domain", "column", "user_attribute", "is_active")
    list_filter = ("user_attribute", "is_active", "domain")
    search_fields = ("name", "column")
    raw_id_fields = ("asset",)
    list_select_related = ("asset", "domain")
