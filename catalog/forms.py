"""Forms for catalog pages: the data source form (its password is write-only)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import DataSource, Domain, SourceKind
from catalog.services.sources import (
    SCHEDULE_OFF,
    schedule_expression,
    schedule_label,
    schedule_normalise,
)
from workbench.accounts.models import Region, User


class DataSourceForm(forms.Form):
    """Add or edit a source. Saving goes through `source_create` / `source_update`."""

    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=SourceKind.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    host = forms.CharField(max_length=255, required=False, help_text="PostgreSQL and MySQL.")
    port = forms.IntegerField(required=False, min_value=1, max_value=65535)
    database = forms.CharField(max_length=255, required=False)
    username = forms.CharField(max_length=255, required=False)
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Stored encrypted and never shown again.",
    )
    path = forms.CharField(
        max_length=1024,
        required=False,
        help_text="SQLite: the database file. Files: the folder holding the CSV and Parquet files.",
    )
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='Connection options as JSON, e.g. {"sslmode": "require"}.',
    )
    include_schemas = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Comma-separated schema names or patterns; empty scans all but system schemas.",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    domain = forms.ModelChoiceField(queryset=Domain.objects.none(), required=False)
    residency = forms.ChoiceField(choices=Region.choices, initial=Region.EU)
    schedule = forms.CharField(
        max_length=100,
        required=False,
        initial="daily",
        help_text="off, hourly, daily, weekly, or a crontab expression such as “30 2 * * *” (UTC).",
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args: Any, source: DataSource | None = None, **kwargs: Any) -> None:
        self.source = source
        if source is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(source)
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]
        self.fields["domain"].queryset = Domain.objects.order_by("name")  # type: ignore[attr-defined]
        if source is not None and source.has_password:
            self.fields[
                "password"
            ].help_text = "A password is stored. Leave empty to keep the stored one."

    @staticmethod
    def initial_for(source: DataSource) -> dict[str, Any]:
        return {
            "name": source.name,
            "kind": source.kind,
            "description": source.description,
            "host": source.host,
            "port": source.port,
            "database": source.database,
            "username": source.username,
            "path": source.path,
            "options": json.dumps(source.options) if source.options else "",
            "include_schemas": ", ".join(source.include_schemas or []),
            "owner": source.owner_id,
            "domain": source.domain_id,
            "residency": source.residency,
            "schedule": schedule_label(schedule_expression(source.scan_schedule)),
            "is_active": source.is_active,
        }

    def clean_options(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("options") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
        if not isinstance(value, dict):
            raise ValidationError('Options must be a JSON object, e.g. {"sslmode": "require"}.')
        return value

    def clean_include_schemas(self) -> list[str]:
        raw = self.cleaned_data.get("include_schemas") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean_schedule(self) -> str:
        return schedule_normalise(self.cleaned_data.get("schedule") or SCHEDULE_OFF)

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as `source_create` / `source_update` take them."""
        data = dict(self.cleaned_data)
        if self.source is not None and not data.get("password"):
            data["password"] = None  # keep the stored one
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class ScanStartForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("full", "Full scan"), ("metadata", "Metadata only"), ("quality", "Quality only")],
        required=False,
    )
