"""Catalog KPIs for the home panel and the scorecard: documentation coverage and how long a dataset
takes from "source added" through its first scan to its first certified table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from catalog.models import Asset, AssetKind, AssetStatus, DataSource, PiiSuggestion, ScanStatus

FINISHED_SCANS = (ScanStatus.SUCCEEDED, ScanStatus.PARTIAL)


@dataclass(frozen=True)
class Coverage:
    """Active tables that have a description, an owner and a steward-set classification."""

    tables: int
    documented: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.documented / self.tables, 1) if self.tables else 0.0


@dataclass(frozen=True)
class Onboarding:
    """Median hours from a source being added to its first finished scan, and to its first
    certified asset; with how many sources each figure rests on."""

    sources: int
    scanned: int
    certified: int
    median_hours_to_first_scan: float | None
    median_hours_to_certified: float | None


@dataclass(frozen=True)
class CatalogKpis:
    coverage: Coverage
    onboarding: Onboarding
    assets: int
    certified_assets: int
    pending_pii_suggestions: int


def catalog_coverage() -> Coverage:
    documented = ~Q(description="") & Q(owner__isnull=False) & Q(is_classified=True)
    counts = Asset.objects.filter(status=AssetStatus.ACTIVE, kind=AssetKind.TABLE).aggregate(
        tables=Count("pk"), documented=Count("pk", filter=documented)
    )
    return Coverage(tables=counts["tables"], documented=counts["documented"])


def catalog_onboarding() -> Onboarding:
    sources = list(
        DataSource.objects.annotate(
            first_scan=Min(
                "scan_runs__finished_at", filter=Q(scan_runs__status__in=FINISHED_SCANS)
            ),
        )
        .annotate(first_certified=Min("assets__certified_at"))
        .values("created_at", "first_scan", "first_certified")
    )
    to_scan = [_hours(s["created_at"], s["first_scan"]) for s in sources if s["first_scan"]]
    to_certified = [
        _hours(s["created_at"], s["first_certified"]) for s in sources if s["first_certified"]
    ]
    return Onboarding(
        sources=len(sources),
        scanned=len(to_scan),
        certified=len(to_certified),
        median_hours_to_first_scan=_median(to_scan),
        median_hours_to_certified=_median(to_certified),
    )


def _hours(start: datetime, end: datetime) -> float:
    return max(timedelta(0), end - start).total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def catalog_kpis() -> CatalogKpis:
    """All catalog KPIs; organisation-wide counts, no asset names (safe for every viewer)."""
    active = Asset.objects.filter(status=AssetStatus.ACTIVE)
    return CatalogKpis(
        coverage=catalog_coverage(),
        onboarding=catalog_onboarding(),
        assets=active.count(),
        certified_assets=active.filter(is_certified=True).count(),
        pending_pii_suggestions=PiiSuggestion.objects.filter(status="pending").count(),
    )
