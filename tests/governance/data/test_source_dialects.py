"""Row filters and masking against the sample warehouse on each engine: SQLite (always) and
PostgreSQL (WORKBENCH_TEST_WAREHOUSE_PG_URL, set on CI). Only the reader's region leaves the source,
and the filtered read is bounded by the limit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from catalog.crypto import credential_encrypt
from catalog.models import Asset, Classification, DataSource
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory
from workbench.accounts.models import Region, User
from workbench.governance.models import RowFilter
from workbench.governance.services import data_export_csv, data_rows

pytestmark = pytest.mark.django_db

CATALOGUED = [
    ("customer_id", []),
    ("first_name", ["person_name"]),
    ("email", ["email"]),
    ("date_of_birth", ["date_of_birth"]),
    ("region", []),
]


def _customers(source: DataSource, schema: str) -> Asset:
    asset = AssetFactory(
        source=source, schema_name=schema, name="customers", classification=Classification.INTERNAL
    )
    for ordinal, (name, kinds) in enumerate(CATALOGUED, start=1):
        ColumnFactory(asset=asset, name=name, ordinal=ordinal, pii_kinds=kinds)
    RowFilter.objects.create(
        name="Customers by region", asset=asset, column="region", user_attribute="region"
    )
    return asset


def _check_region_reads(analyst: User, asset: Asset, raw_emails: set[str]) -> None:
    for region in (Region.EU, Region.US, Region.APAC):
        analyst.region = region
        analyst.save(update_fields=["region"])
        result = data_rows(
            user=analyst, asset=asset, action="query", purpose="Regional churn", limit=50
        )
        assert result.is_allowed, result.reason
        assert 0 < len(result.rows) <= 50
        assert {row[-1] for row in result.rows} == {region}
        emails = {row[2] for row in result.rows}
        assert not emails & raw_emails
        assert all(len(row[3]) == 4 for row in result.rows if row[3])  # year only


def test_sqlite_warehouse_row_filter(analyst: User, warehouse_path: Path) -> None:
    with sqlite3.connect(warehouse_path) as connection:
        raw_emails = {row[0] for row in connection.execute("SELECT email FROM customers")}
    source = DataSourceFactory(name="sqlite-warehouse", path=str(warehouse_path))
    _check_region_reads(analyst, _customers(source, "main"), raw_emails)


def test_postgresql_warehouse_row_filter(analyst: User, pg_warehouse_url) -> None:  # noqa: ANN001
    import psycopg

    from catalog.scans.connectors import ConnectionSpec

    url, schema = pg_warehouse_url
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        raw_emails = {
            row[0] for row in connection.execute(f'SELECT email FROM "{schema}".customers')
        }
    spec = ConnectionSpec.from_url(url)
    source = DataSource.objects.create(
        name="pg-warehouse",
        kind="postgresql",
        host=spec.host,
        port=spec.port,
        database=spec.database,
        username=spec.username,
        password_encrypted=credential_encrypt(spec.password),
    )
    asset = _customers(source, schema)
    _check_region_reads(analyst, asset, raw_emails)
    analyst.region = Region.US
    analyst.save(update_fields=["region"])
    export = data_export_csv(user=analyst, asset=asset, purpose="US campaign")
    text = "".join(export.lines())
    lines = text.strip().split("\r\n")
    assert lines[0] == "customer_id,first_name,email,date_of_birth,region"
    assert len(lines) > 1
    assert all(line.endswith(",US") for line in lines[1:])
    assert not any(email in text for email in raw_emails)
    assert json.dumps(export.result.row_filters)
