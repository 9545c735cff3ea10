"""Reads for the catalog's asset, domain and glossary pages; every one filtered by what the user
may discover (`Asset.objects.visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from catalog.models import (
    Asset,
    AssetStatus,
    Column,
    ColumnProfile,
    Domain,
    GlossaryTerm,
    PiiSuggestion,
    QualityCheck,
    QualityResult,
    ScanRun,
    SchemaChange,
    SuggestionStatus,
    TableProfile,
)

SCAN_HISTORY_LENGTH = 10
QUALITY_HISTORY_LENGTH = 10


def access_asset(user: Any, asset_id: int, action: str = "discover") -> Asset:
    """The asset, if the user may discover it; otherwise 404 (never say it exists)."""
    asset = (
        Asset.objects.visible_to(user, action)
        .select_related("source", "domain", "owner", "certified_by")
        .filter(pk=asset_id)
        .first()
    )
    if asset is None:
        raise Http404("No such asset")
    return asset


def asset_list(*, user: Any) -> QuerySet[Asset]:
    return (
        Asset.objects.visible_to(user, "discover")
        .select_related("source", "domain", "owner")
        .prefetch_related("tags")
        .order_by("source__name", "schema_name", "name")
    )


@dataclass
class AssetDetail:
    asset: Asset
    columns: list[Column]
    profile: TableProfile | None
    column_profiles: dict[int, dict[str, Any]]
    quality_checks: list[QualityCheck]
    scan_history: list[ScanRun]
    schema_changes: list[SchemaChange]
    pending_suggestions: int

    @property
    def quality_status(self) -> str:
        """passed, failed (one failing check is enough), or "" when nothing ran yet."""
        statuses = {check.last_status for check in self.quality_checks if check.is_active}
        if "failed" in statuses or "error" in statuses:
            return "failed"
        return "passed" if "passed" in statuses else ""


def asset_detail_get(*, asset: Asset) -> AssetDetail:
    """Everything the asset page shows, in a fixed number of queries."""
    profile = asset.profiles.order_by("-profiled_at", "-id").first()
    return AssetDetail(
        asset=Asset.objects.prefetch_related("stewards", "tags", "terms").get(pk=asset.pk),
        columns=_columns(asset),
        profile=profile,
        column_profiles=_column_profiles(profile),
        quality_checks=_quality_checks(asset),
        scan_history=list(asset.source.scan_runs.all()[:SCAN_HISTORY_LENGTH]),
        schema_changes=list(asset.changes.all()[:SCAN_HISTORY_LENGTH]),
        pending_suggestions=PiiSuggestion.objects.filter(
            column__asset=asset, status=SuggestionStatus.PENDING
        ).count(),
    )


def _columns(asset: Asset) -> list[Column]:
    suggestions = PiiSuggestion.objects.select_related("decided_by").order_by("-confidence", "kind")
    return list(
        asset.columns.filter(status=AssetStatus.ACTIVE)
        .order_by("ordinal")
        .prefetch_related("tags", "terms", Prefetch("pii_suggestions", queryset=suggestions))
    )


def _column_profiles(profile: TableProfile | None) -> dict[int, dict[str, Any]]:
    if profile is None:
        return {}
    rows = ColumnProfile.objects.filter(table_profile=profile).values_list("column_id", "metrics")
    return {column_id: metrics for column_id, metrics in rows}


def _quality_checks(asset: Asset) -> list[QualityCheck]:
    checks = list(asset.quality_checks.select_related("column").order_by("name"))
    recent = QualityResult.objects.filter(quality_check__in=checks).order_by("-ran_at", "-id")
    by_check: dict[int, list[QualityResult]] = {}
    for result in recent[: QUALITY_HISTORY_LENGTH * max(1, len(checks))]:
        history = by_check.setdefault(result.quality_check_id, [])
        if len(history) < QUALITY_HISTORY_LENGTH:
            history.append(result)
    for check in checks:
        check.recent_results = by_check.get(check.pk, [])  # type: ignore[attr-defined]
    return checks


def domain_list(*, user: Any) -> QuerySet[Domain]:
    """Domains with how many assets the user may discover in each."""
    visible = Asset.objects.visible_to(user, "discover").values("pk")
    return (
        Domain.objects.select_related("owner")
        .prefetch_related("stewards")
        .annotate(asset_count=Count("assets", filter=Q(assets__in=visible), distinct=True))
        .order_by("name")
    )


def domain_get(*, code: str) -> Domain:
    domain = (
        Domain.objects.select_related("owner")
        .prefetch_related("stewards")
        .filter(code=code)
        .first()
    )
    if domain is None:
        raise Http404("No such domain")
    return domain


def glossary_term_list(*, text: str = "") -> QuerySet[GlossaryTerm]:
    terms = GlossaryTerm.objects.select_related("domain").prefetch_related("owners")
    if text:
        terms = terms.filter(
            Q(name__icontains=text) | Q(definition__icontains=text) | Q(synonyms__icontains=text)
        )
    return terms.order_by("name")


def glossary_term_get(*, term_id: int) -> GlossaryTerm:
    term = (
        GlossaryTerm.objects.select_related("domain")
        .prefetch_related("owners", "related")
        .filter(pk=term_id)
        .first()
    )
    if term is None:
        raise Http404("No such term")
    return term


def glossary_term_links(*, term: GlossaryTerm, user: Any) -> tuple[list[Asset], list[Column]]:
    """The tables and columns a term is linked to, among the assets the user may discover."""
    visible = Asset.objects.visible_to(user, "discover")
    assets = list(visible.filter(terms=term).select_related("source"))
    columns = list(
        Column.objects.filter(terms=term, asset__in=visible.values("pk")).select_related("asset")
    )
    return assets, columns


def pii_suggestion_get(*, suggestion_id: int, user: Any) -> PiiSuggestion:
    """A suggestion on an asset the user may discover; 404 otherwise."""
    visible = Asset.objects.visible_to(user, "discover").values("pk")
    suggestion = (
        PiiSuggestion.objects.select_related("column__asset", "decided_by")
        .filter(pk=suggestion_id, column__asset__in=visible)
        .first()
    )
    if suggestion is None:
        raise Http404("No such suggestion")
    return suggestion


def quality_check_get(*, check_id: int, user: Any) -> QualityCheck:
    visible = Asset.objects.visible_to(user, "discover").values("pk")
    check = (
        QualityCheck.objects.select_related("asset__source", "column")
        .filter(pk=check_id, asset__in=visible)
        .first()
    )
    if check is None:
        raise Http404("No such check")
    return check


def column_get(*, asset: Asset, column_id: int) -> Column:
    column = asset.columns.filter(pk=column_id).first()
    if column is None:
        raise Http404("No such column")
    return column
