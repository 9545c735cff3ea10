"""The demo's governed-data part: default masking rules and the per-region row filter on the sample
warehouse's customers, loaded twice without duplicates."""

from __future__ import annotations

import pytest

from catalog.models import Asset, DataSource
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory
from workbench.governance.demo_data import DEMO_ROW_FILTER, governance_data_demo_load
from workbench.governance.masking_defaults import DEFAULT_RULES
from workbench.governance.models import MaskingRule, RowFilter

pytestmark = pytest.mark.django_db


def test_default_rules_exist_after_migrate() -> None:
    assert MaskingRule.objects.count() == len(DEFAULT_RULES)


def test_demo_load_is_idempotent_and_filters_customers_by_region() -> None:
    from catalog.demo import DEMO_SOURCE_NAME

    source: DataSource = DataSourceFactory(name=DEMO_SOURCE_NAME)
    customers: Asset = AssetFactory(source=source, schema_name="main", name="customers")
    ColumnFactory(asset=customers, name="region", ordinal=1)
    MaskingRule.objects.filter(pii_kind="email").delete()
    first = governance_data_demo_load()
    second = governance_data_demo_load()
    assert first.rules_created == 1
    assert second.rules_created == 0
    assert MaskingRule.objects.count() == len(DEFAULT_RULES)
    row_filter = RowFilter.objects.get(name=DEMO_ROW_FILTER)
    assert (row_filter.asset, row_filter.column, row_filter.user_attribute) == (
        customers,
        "region",
        "region",
    )
    assert second.row_filter == row_filter
    assert RowFilter.objects.count() == 1


def test_demo_load_without_a_catalogued_warehouse_adds_no_filter() -> None:
    assert governance_data_demo_load().row_filter is None
    assert not RowFilter.objects.exists()
