"""A small real catalog for page, API and preview tests: a SQLite warehouse file with personal data,
its asset and columns, a Sales domain stewarded by the `steward` persona, and a restricted asset.

Import the fixtures by name into a test module (they are not registered globally).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import Asset, Classification, Column, Domain, PiiSuggestion
from catalog.search import asset_search_refresh
from tests.catalog.factories import (
    AssetFactory,
    ColumnFactory,
    DataSourceFactory,
    DomainFactory,
    PiiSuggestionFactory,
)
from workbench.accounts.models import User

# Canary values: no preview for anyone may ever contain them.
CANARY_EMAILS = ["ada.canary@example.org", "grace.canary@example.org", "alan.canary@example.org"]
CANARY_NAMES = ["Ada Canary", "Grace Canary", "Alan Canary"]
COUNTRIES = ["NL", "DE", "FR"]


@dataclass
class CatalogWorld:
    domain: Domain
    customers: Asset
    email: Column
    name: Column
    country: Column
    name_suggestion: PiiSuggestion
    payroll: Asset  # restricted, outside the steward's domain


def _warehouse(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE customers "
            "(id INTEGER PRIMARY KEY, full_name TEXT, email TEXT, country TEXT)"
        )
        connection.executemany(
            "INSERT INTO customers (full_name, email, country) VALUES (?, ?, ?)",
            zip(CANARY_NAMES, CANARY_EMAILS, COUNTRIES, strict=True),
        )
        connection.execute("CREATE TABLE payroll (id INTEGER PRIMARY KEY, salary INTEGER)")
        connection.execute("INSERT INTO payroll (salary) VALUES (98765)")
    return path


@pytest.fixture
def world(tmp_path: Path, steward: User) -> CatalogWorld:
    return catalog_world_build(folder=tmp_path, steward=steward)


def catalog_world_build(*, folder: Path, steward: User) -> CatalogWorld:
    tmp_path = folder
    source = DataSourceFactory(name="crm", path=str(_warehouse(tmp_path / "crm.sqlite3")))
    domain = DomainFactory(name="Sales", code="sales")
    domain.stewards.add(steward)
    customers = AssetFactory(
        source=source, schema_name="main", name="customers", domain=domain, row_count=3
    )
    ColumnFactory(asset=customers, name="id", ordinal=1, data_type="integer")
    name = ColumnFactory(asset=customers, name="full_name", ordinal=2)
    email = ColumnFactory(
        asset=customers,
        name="email",
        ordinal=3,
        pii_kinds=["email"],
        classification=Classification.CONFIDENTIAL,
    )
    country = ColumnFactory(asset=customers, name="country", ordinal=4)
    suggestion = PiiSuggestionFactory(column=name, kind="person_name", confidence=Decimal("0.9"))
    payroll = AssetFactory(
        source=source, schema_name="main", name="payroll", classification=Classification.RESTRICTED
    )
    ColumnFactory(asset=payroll, name="salary", ordinal=1, data_type="integer")
    asset_search_refresh(asset_ids=[customers.pk, payroll.pk])
    customers.refresh_from_db()
    payroll.refresh_from_db()
    return CatalogWorld(domain, customers, email, name, country, suggestion, payroll)
