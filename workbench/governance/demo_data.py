"""The governed data path in the demo: the default masking rules and a row filter that keeps each
reader to the customers of their own region (EU, US or APAC), so that the same preview shows
different rows to the EU analyst and the US data owner, masked for both. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.demo import DEMO_SOURCE_NAME
from catalog.models import Asset, AssetStatus
from workbench.governance.masking_defaults import masking_rules_ensure
from workbench.governance.models import RowFilter, RowFilterAttribute

DEMO_ROW_FILTER = "Customers: own region only"
DEMO_ROW_FILTER_TABLE = "customers"
DEMO_ROW_FILTER_COLUMN = "region"


@dataclass(frozen=True)
class GovernanceDataDemo:
    rules_created: int
    row_filter: RowFilter | None


def governance_data_demo_load() -> GovernanceDataDemo:
    created = masking_rules_ensure()
    return GovernanceDataDemo(rules_created=created, row_filter=_row_filter_ensure())


def _row_filter_ensure() -> RowFilter | None:
    asset = (
        Asset.objects.filter(
            source__name=DEMO_SOURCE_NAME,
            name=DEMO_ROW_FILTER_TABLE,
            status=AssetStatus.ACTIVE,
            columns__name=DEMO_ROW_FILTER_COLUMN,
        )
        .order_by("pk")
        .first()
    )
    if asset is None:  # the warehouse is not catalogued yet: nothing to filter
        return RowFilter.objects.filter(name=DEMO_ROW_FILTER).first()
    row_filter, _ = RowFilter.objects.get_or_create(
        name=DEMO_ROW_FILTER,
        defaults={
            "asset": asset,
            "column": DEMO_ROW_FILTER_COLUMN,
            "user_attribute": RowFilterAttribute.REGION,
            "description": "Customer data stays with the region that serves the customer.",
        },
    )
    return row_filter
