"""Forms of the catalog's search, asset curation, certification, quality-check and glossary pages.

They parse and check the shape of input; the services re-check the rules and permissions.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import (
    Asset,
    Classification,
    Column,
    Domain,
    GlossaryTerm,
    QualityCheckKind,
)
from catalog.search import MAX_QUERY_LENGTH, SearchQuery
from catalog.services.curation import DESCRIPTION_MAX_LENGTH, AssetChanges
from catalog.services.glossary import TermData
from workbench.accounts.models import User

FACET_VALUE = re.compile(r"^[\w.:@+-]{1,150}$")
MAX_FACET_VALUES = 20


class ListField(forms.Field):
    """Repeated query parameters (?tag=a&tag=b) as a list of checked strings."""

    widget = forms.SelectMultiple

    def __init__(self, *, as_int: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.as_int = as_int

    def to_python(self, value: Any) -> list[Any]:
        values = [str(item) for item in (value or []) if str(item).strip()]
        if len(values) > MAX_FACET_VALUES:
            raise ValidationError(f"Choose at most {MAX_FACET_VALUES} values.")
        if any(not FACET_VALUE.match(item) for item in values):
            raise ValidationError("Unexpected characters in a filter value.")
        if self.as_int:
            if any(not item.isdigit() for item in values):
                raise ValidationError("Filter values here are numbers.")
            return [int(item) for item in values]
        return values


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label="Search")
    source = ListField(as_int=True)
    domain = ListField()
    tag = ListField()
    classification = ListField(as_int=True)
    owner = ListField()
    certified = forms.ChoiceField(
        required=False, choices=[("", "Any"), ("true", "Certified"), ("false", "Not certified")]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def clean_classification(self) -> list[int]:
        values: list[int] = self.cleaned_data["classification"]
        if any(value not in Classification.values for value in values):
            raise ValidationError("Unknown classification.")
        return values

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        certified = {"true": True, "false": False}.get(data.get("certified") or "")
        return SearchQuery(
            text=data.get("q") or "",
            sources=tuple(data.get("source") or ()),
            domains=tuple(data.get("domain") or ()),
            tags=tuple(data.get("tag") or ()),
            classifications=tuple(data.get("classification") or ()),
            owners=tuple(data.get("owner") or ()),
            certified=certified,
        )


def _active_users() -> Any:
    return User.objects.filter(is_active=True).order_by("username")


def _comma_list(text: str) -> list[str]:
    return sorted({part.strip() for part in text.split(",") if part.strip()})


class AssetCurationForm(forms.Form):
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown: **bold**, lists, links. HTML is shown as text.",
    )
    owner = forms.ModelChoiceField(
        queryset=_active_users(), to_field_name="username", required=False
    )
    stewards = forms.ModelMultipleChoiceField(
        queryset=_active_users(), to_field_name="username", required=False
    )
    domain = forms.ModelChoiceField(
        queryset=Domain.objects.order_by("name"), to_field_name="code", required=False
    )
    classification = forms.TypedChoiceField(choices=Classification.choices, coerce=int)
    tags = forms.CharField(
        required=False, max_length=2000, help_text="Comma-separated, e.g. finance, gdpr"
    )
    terms = forms.ModelMultipleChoiceField(
        queryset=GlossaryTerm.objects.order_by("name"), required=False, label="Glossary terms"
    )

    @classmethod
    def for_asset(cls, asset: Asset) -> AssetCurationForm:
        return cls(
            initial={
                "description": asset.description,
                "owner": asset.owner.username if asset.owner else "",
                "stewards": [user.username for user in asset.stewards.all()],
                "domain": asset.domain.code if asset.domain else "",
                "classification": asset.classification,
                "tags": ", ".join(tag.name for tag in asset.tags.all()),
                "terms": [term.pk for term in asset.terms.all()],
            }
        )

    def to_changes(self) -> AssetChanges:
        data = self.cleaned_data
        return AssetChanges.of(
            description=data["description"],
            owner=data["owner"],
            stewards=list(data["stewards"]),
            domain=data["domain"],
            classification=data["classification"],
            tag_names=_comma_list(data["tags"]),
            terms=list(data["terms"]),
        )


class CertifyForm(forms.Form):
    expires_on = forms.DateField(
        required=False,
        label="Certified until",
        help_text="Leave empty for no expiry; at most three years ahead.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def expires_at(self) -> Any:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))


class QualityCheckForm(forms.Form):
    name = forms.CharField(max_length=160)
    kind = forms.ChoiceField(choices=QualityCheckKind.choices)
    column = forms.ModelChoiceField(queryset=Column.objects.none(), required=False)
    params = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text='JSON, e.g. {"min": 0, "max": 120} · {"values": ["a", "b"]} · '
        '{"pattern": "^[A-Z]{2}$"} · {"max_age_hours": 24} · '
        '{"sql": "SELECT ...", "returns": "rows"}',
    )

    def __init__(self, *args: Any, asset: Asset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = asset.columns.order_by("ordinal")  # type: ignore[attr-defined]

    def clean_params(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params") or "").strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}).") from None
        if not isinstance(value, dict):
            raise ValidationError("Give a JSON object, e.g. {}.")
        return value


class GlossaryTermForm(forms.Form):
    name = forms.CharField(max_length=120)
    definition = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    synonyms = forms.CharField(required=False, max_length=4000, help_text="Comma-separated")
    domain = forms.ModelChoiceField(
        queryset=Domain.objects.order_by("name"), to_field_name="code", required=False
    )
    owners = forms.ModelMultipleChoiceField(
        queryset=_active_users(), to_field_name="username", required=False
    )
    related = forms.ModelMultipleChoiceField(
        queryset=GlossaryTerm.objects.order_by("name"), required=False, label="Related terms"
    )

    @classmethod
    def for_term(cls, term: GlossaryTerm) -> GlossaryTermForm:
        return cls(
            initial={
                "name": term.name,
                "definition": term.definition,
                "synonyms": ", ".join(term.synonyms),
                "domain": term.domain.code if term.domain else "",
                "owners": [user.username for user in term.owners.all()],
                "related": [other.pk for other in term.related.all()],
            }
        )

    def to_data(self) -> TermData:
        data = self.cleaned_data
        return TermData(
            name=data["name"],
            definition=data["definition"],
            synonyms=_comma_list(data["synonyms"]),
            domain=data["domain"],
            owners=list(data["owners"]),
            related=list(data["related"]),
        )
