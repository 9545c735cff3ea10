"""Access-request fixtures: a Retail domain owned by `owner` and stewarded by `steward`, with a
confidential asset the `analyst` can find but not preview, and a Finance domain stewarded by
someone else (for "outside my domain" checks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from catalog.models import Asset, Classification, Domain
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory, DomainFactory
from tests.factories import UserFactory
from workbench.accounts.models import Clearance, User
from workbench.accounts.roles import Role
from workbench.governance.models import AccessRequest
from workbench.governance.requests import access_request_create

PURPOSE = "Monthly churn analysis for the retention campaign review."


@dataclass
class AccessWorld:
    retail: Domain
    finance: Domain
    customers: Asset  # confidential, Retail: the analyst may discover it but needs a request
    ledger: Asset  # confidential, Finance: stewarded by finance_steward
    finance_steward: User


@pytest.fixture
def access_world(db: None, steward: User, owner: User, roles: None) -> AccessWorld:
    source = DataSourceFactory(name="shop")
    retail = DomainFactory(name="Retail", code="retail", owner=owner)
    retail.stewards.add(steward)
    finance_steward = UserFactory(
        username="finsteward",
        clearance=Clearance.CONFIDENTIAL,
        roles=[Role.DATA_STEWARD, Role.BUSINESS_USER],
    )
    finance = DomainFactory(name="Finance", code="finance")
    finance.stewards.add(finance_steward)
    customers = AssetFactory(
        source=source, name="customers", domain=retail, classification=Classification.CONFIDENTIAL
    )
    ColumnFactory(asset=customers, name="email", pii_kinds=["email"])
    ledger = AssetFactory(
        source=source, name="ledger", domain=finance, classification=Classification.CONFIDENTIAL
    )
    return AccessWorld(retail, finance, customers, ledger, finance_steward)


@pytest.fixture
def make_request(access_world: AccessWorld, analyst: User) -> Any:
    def make(
        requester: User | None = None, asset: Asset | None = None, **changes: Any
    ) -> AccessRequest:
        values: dict[str, Any] = {
            "action": "preview",
            "purpose_category": "analytics",
            "purpose": PURPOSE,
            "duration_days": 30,
        }
        values.update(changes)
        return access_request_create(
            requester=requester or analyst, asset=asset or access_world.customers, **values
        )

    return make


@pytest.fixture
def pending(make_request: Any) -> AccessRequest:
    return make_request()
