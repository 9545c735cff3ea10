"""Building blocks for the policy engine tests: assets of a given kind and grants."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from guardian.shortcuts import assign_perm

from catalog.models import Asset, Classification
from tests.catalog.factories import AssetFactory, ColumnFactory, DataSourceFactory, DomainFactory
from workbench.governance.actions import grant_permission
from workbench.governance.models import Grant, PurposeCategory


def asset_of(
    classification: int = Classification.INTERNAL,
    *,
    residency: str = "EU",
    pii: tuple[str, ...] = (),
    domain: Any = None,
    **fields: Any,
) -> Asset:
    source = DataSourceFactory(name=f"warehouse-{residency.lower()}", residency=residency)
    asset = AssetFactory(source=source, classification=classification, domain=domain, **fields)
    for kind in pii:
        ColumnFactory(asset=asset, name=f"{kind}_column", pii_kinds=[kind])
    asset.refresh_from_db()
    return asset


def domain_stewarded_by(*users: Any, code: str = "sales") -> Any:
    domain = DomainFactory(code=code, name=code.title())
    domain.stewards.set(users)
    return domain


def grant_for(
    user: Any,
    asset: Asset,
    action: str,
    *,
    unmasked: bool = False,
    days: int = 30,
    started_days_ago: int = 0,
    with_permission: bool = True,
) -> Grant:
    """A grant as an approved request leaves it: the record and the guardian permission."""
    starts = timezone.now() - timedelta(days=started_days_ago)
    grant = Grant.objects.create(
        user=user,
        asset=asset,
        action=action,
        unmasked=unmasked,
        purpose_category=PurposeCategory.ANALYTICS,
        purpose="Quarterly churn review",
        starts_at=starts,
        expires_at=starts + timedelta(days=days),
    )
    if with_permission:
        assign_perm(grant_permission(action), user, asset)
    return grant
