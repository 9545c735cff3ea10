"""A small warehouse with canary personal data in every masked kind, a region column for row
filters, catalogued as an internal asset (open to catalog roles, masked) and a confidential one
(needs an access request), in the Sales domain stewarded by the `steward` persona."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from catalog.models import Asset, Classification, Domain
from catalog.search import asset_search_refresh
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory, DomainFactory
from workbench.accounts.models import User
from workbench.governance.grants import grant_create_from_request
from workbench.governance.models import AccessRequest, Grant, RowFilter

REGIONS = ["EU", "EU", "US", "APAC", "EU", "US"]
PII_COLUMNS = {
    "full_name": "person_name",
    "email": "email",
    "phone": "phone",
    "iban": "iban",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
}


def canary_rows(marker: str) -> list[tuple[str, ...]]:
    rows = []
    for index, region in enumerate(REGIONS):
        tag = f"CANARY-{marker}-{index}"
        rows.append(
            (
                f"{tag} Lovelace",
                f"{tag.lower()}@canary.example",
                f"+31 6 {tag}",
                f"NL91{tag}",
                f"19{50 + index}-0{1 + index}-1{index}",
                f"{tag}-PC",
                region,
            )
        )
    return rows


@dataclass
class DataWorld:
    domain: Domain
    customers: Asset  # internal: previewable by catalog roles, masked
    ledger: Asset  # confidential: needs an access request
    path: Path
    canaries: list[str] = field(default_factory=list)


def _build_warehouse(path: Path, rows: list[tuple[str, ...]]) -> None:
    with sqlite3.connect(path) as connection:
        for table in ("customers", "ledger"):
            connection.execute(
                f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT, "
                "phone TEXT, iban TEXT, date_of_birth TEXT, postcode TEXT, region TEXT)"
            )
            connection.executemany(
                f"INSERT INTO {table} (full_name, email, phone, iban, date_of_birth, postcode, "
                "region) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )


def _catalogue(source, domain: Domain, name: str, classification: int) -> Asset:  # noqa: ANN001
    asset = AssetFactory(
        source=source,
        schema_name="main",
        name=name,
        domain=domain,
        classification=classification,
        row_count=len(REGIONS),
    )
    ColumnFactory(asset=asset, name="id", ordinal=1, data_type="integer")
    for ordinal, column in enumerate([*PII_COLUMNS, "region"], start=2):
        kind = PII_COLUMNS.get(column)
        ColumnFactory(
            asset=asset,
            name=column,
            ordinal=ordinal,
            pii_kinds=[kind] if kind else [],
            classification=Classification.CONFIDENTIAL if kind else Classification.INTERNAL,
        )
    asset.pii_kinds = sorted(PII_COLUMNS.values())
    asset.save(update_fields=["pii_kinds"])
    return asset


@pytest.fixture(autouse=True)
def vault_cache_empty() -> None:
    """Each test starts with no remembered tokens (its database starts without vault rows)."""
    from workbench.governance.vault import vault_cache_clear

    vault_cache_clear()


@pytest.fixture
def data_world(tmp_path: Path, steward: User) -> DataWorld:
    marker = uuid.uuid4().hex[:12]
    rows = canary_rows(marker)
    path = tmp_path / "crm.sqlite3"
    _build_warehouse(path, rows)
    source = DataSourceFactory(name=f"crm-{marker}", path=str(path))
    domain = DomainFactory(name="Sales", code="sales")
    domain.stewards.add(steward)
    customers = _catalogue(source, domain, "customers", Classification.INTERNAL)
    ledger = _catalogue(source, domain, "ledger", Classification.CONFIDENTIAL)
    asset_search_refresh(asset_ids=[customers.pk, ledger.pk])
    canaries = [f"CANARY-{marker}", *(value for row in rows for value in row if "CANARY" in value)]
    return DataWorld(domain, customers, ledger, path, canaries)


@pytest.fixture
def region_filter(data_world: DataWorld) -> RowFilter:
    return RowFilter.objects.create(
        name="Customers by region",
        asset=data_world.customers,
        column="region",
        user_attribute="region",
    )


def grant_for(
    *, user: User, asset: Asset, action: str, approver: User, unmasked: bool = False
) -> Grant:
    """A live grant as an approved access request leaves it (guardian permission included)."""
    now = timezone.now()
    request = AccessRequest.objects.create(
        requester=user,
        asset=asset,
        action=action,
        unmasked=unmasked,
        purpose_category="analytics",
        purpose="Churn study for the quarterly review",
        due_at=now + timedelta(hours=4),
        status="approved",
        decided_by=approver,
        decided_at=now,
    )
    return grant_create_from_request(access_request=request, approver=approver)


@pytest.fixture
def page_client_for():  # noqa: ANN201
    """Like `client_for`, signed in through the model backend by name (force_login would pick the
    first backend with get_user, which need not be the one that loads users)."""
    from django.test import Client

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def assert_no_canary(text: str, canaries: list[str]) -> None:
    lowered = text.lower()
    leaked = [value for value in canaries if value.lower() in lowered]
    assert not leaked, f"canary values leaked: {leaked[:3]}"
