"""Oversight fixtures: the shipped policies loaded, a Customers domain stewarded by `steward`
with one asset per classification, and a Finance domain nobody here stewards."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from catalog.models import Asset, Classification, Domain
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory, DomainFactory
from workbench.accounts.models import User
from workbench.governance.models import Policy, PolicyVersion
from workbench.governance.policy import policy_cache_clear
from workbench.governance.policy.documents import folder_sources, kind_of, version_diff
from workbench.governance.policy.rego import package_of


@dataclass
class OversightWorld:
    customers_domain: Domain
    finance_domain: Domain
    public: Asset  # Customers, public
    internal: Asset  # Customers, internal, with an email column
    confidential: Asset  # Customers, confidential, with an email column
    restricted: Asset  # Customers, restricted
    ledger: Asset  # Finance, internal: outside the steward's domains
    access: Policy  # access.rego


def version_add(
    path: str, source: str, *, author: User | None = None, comment: str = ""
) -> PolicyVersion:
    """A version as `policy_version_save` would write it, without re-running the Rego unit tests
    (tens of seconds each time): for tests that need a history, not a validation."""
    policy, _ = Policy.objects.get_or_create(
        path=path, defaults={"package": package_of(source), "kind": kind_of(path)}
    )
    previous = policy.versions.order_by("-number").first()
    version = PolicyVersion.objects.create(
        policy=policy,
        number=previous.number + 1 if previous else 1,
        source=source,
        checksum=hashlib.sha256(source.encode()).hexdigest(),
        diff=version_diff(path, previous.source if previous else "", source),
        comment=comment,
        author=author,
        loaded_from="command" if author is None else "ui",
    )
    policy_cache_clear()
    return version


def policies_install() -> Policy:
    """The shipped policies/ folder as version 1 of each document (validated by its own tests),
    unless the engine already loaded it (it does on its first decision in an empty database)."""
    if not PolicyVersion.objects.exists():
        for path, source in folder_sources().items():
            version_add(path, source)
    return Policy.objects.get(path="access.rego")


@pytest.fixture
def policies(db: None) -> Policy:
    return policies_install()


@pytest.fixture
def oversight(policies: Policy, steward: User, owner: User) -> OversightWorld:
    return oversight_world_build(policies=policies, steward=steward, owner=owner)


def oversight_world_build(*, policies: Policy, steward: User, owner: User) -> OversightWorld:
    source = DataSourceFactory(name="crm")
    customers = DomainFactory(name="Customers", code="customers", owner=owner)
    customers.stewards.add(steward)
    finance = DomainFactory(name="Finance", code="finance")

    def asset(name: str, level: int, domain: Domain = customers, pii: bool = False) -> Asset:
        made = AssetFactory(source=source, name=name, domain=domain, classification=level)
        if pii:
            ColumnFactory(asset=made, name="email", pii_kinds=["email"])
            made.refresh_from_db()
        return made

    return OversightWorld(
        customers_domain=customers,
        finance_domain=finance,
        public=asset("stores", Classification.PUBLIC),
        internal=asset("orders", Classification.INTERNAL, pii=True),
        confidential=asset("customers", Classification.CONFIDENTIAL, pii=True),
        restricted=asset("payments", Classification.RESTRICTED),
        ledger=asset("ledger", Classification.INTERNAL, domain=finance),
        access=policies,
    )
