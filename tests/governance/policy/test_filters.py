"""assets_permitted / Asset.objects.visible_to: the SQL filter and per-asset decide() agree on a
mixed catalog, for every persona and action; grants, stewardship and new classes included."""

from __future__ import annotations

import random
from itertools import product

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog.models import Asset, AssetStatus, Classification
from tests.catalog.factories import AssetFactory, DataSourceFactory, DomainFactory
from tests.governance.policy.helpers import grant_for
from workbench.accounts.models import Clearance
from workbench.governance.actions import Action
from workbench.governance.policy import assets_permitted, decide
from workbench.governance.policy.filters import REGISTRY_CACHE_KEY, access_class_key

pytestmark = pytest.mark.django_db

PII_SETS = [(), ("email",), ("email", "person_name"), ("iban",)]


@pytest.fixture
def mixed_catalog(steward, analyst) -> list[Asset]:
    """Every classification × residency × domain (one stewarded) × certification × PII set,
    sampled, with a few grants of the analyst's."""
    rng = random.Random(7)
    sales = DomainFactory(code="sales", name="Sales")
    sales.stewards.set([steward])
    hr = DomainFactory(code="hr-data", name="HR data")
    sources = {
        region: DataSourceFactory(name=f"src-{region}", residency=region) for region in ("EU", "US")
    }
    combos = list(product(range(4), ("EU", "US"), (sales, hr, None), (False, True), range(4)))
    assets = []
    for n, (level, region, domain, certified, pii) in enumerate(rng.sample(combos, 36)):
        asset = AssetFactory(
            source=sources[region],
            name=f"t{n}",
            classification=level,
            domain=domain,
            is_certified=certified,
            owner=analyst if n % 17 == 0 else None,
            status=AssetStatus.REMOVED if n % 23 == 0 else AssetStatus.ACTIVE,
        )
        Asset.objects.filter(pk=asset.pk).update(pii_kinds=list(PII_SETS[pii]))
        assets.append(asset)
    from workbench.governance.policy.filters import assets_access_refresh

    assets_access_refresh(Asset.objects.all())
    for asset in assets[::5]:
        grant_for(analyst, asset, rng.choice(["discover", "preview", "query", "export"]))
    expired = grant_for(analyst, assets[1], "query", days=2, started_days_ago=5)
    assert expired.expires_at < timezone.now()
    return assets


@pytest.mark.parametrize("persona", ["analyst", "steward", "admin", "outsider", "hr", "reviewer"])
@pytest.mark.parametrize("action", [a.value for a in Action])
def test_filter_and_engine_agree(request, mixed_catalog, persona: str, action: str) -> None:
    user = request.getfixturevalue(persona)
    if persona == "analyst":
        user.clearance = Clearance.CONFIDENTIAL
        user.save(update_fields=["clearance"])
    listed = set(Asset.objects.visible_to(user, action).values_list("pk", flat=True))
    decided = {
        asset.pk
        for asset in Asset.objects.filter(status=AssetStatus.ACTIVE)
        if decide(user=user, action=action, asset=asset).allowed
    }
    assert listed == decided


def test_filter_is_one_query_once_warm(analyst, mixed_catalog, django_assert_num_queries) -> None:
    list(assets_permitted(analyst, "discover"))
    with django_assert_num_queries(1):
        list(assets_permitted(analyst, "discover").values_list("pk", flat=True))


def test_grant_adds_the_asset_until_it_expires(analyst) -> None:
    asset = AssetFactory(classification=Classification.CONFIDENTIAL)
    assert not Asset.objects.visible_to(analyst, "query").filter(pk=asset.pk).exists()
    grant = grant_for(analyst, asset, "query", days=1)
    assert Asset.objects.visible_to(analyst, "query").filter(pk=asset.pk).exists()
    grant.expires_at = timezone.now()
    grant.save(update_fields=["expires_at"])
    assert not Asset.objects.visible_to(analyst, "query").filter(pk=asset.pk).exists()


def test_new_attribute_class_is_visible_at_once(analyst) -> None:
    AssetFactory(classification=Classification.INTERNAL)
    assert Asset.objects.visible_to(analyst).count() == 1
    assert cache.get(REGISTRY_CACHE_KEY) is not None
    AssetFactory(classification=Classification.PUBLIC, source=DataSourceFactory(name="other"))
    assert Asset.objects.visible_to(analyst).count() == 2


def test_asset_saved_without_a_class_gets_one(analyst) -> None:
    source = DataSourceFactory(name="raw")
    raw = Asset.objects.create(source=source, name="raw", classification=Classification.PUBLIC)
    assert raw.access_class == ""
    cache.delete(REGISTRY_CACHE_KEY)
    assert list(Asset.objects.visible_to(analyst)) == [raw]
    raw.refresh_from_db()
    assert raw.access_class == access_class_key(
        classification=0, domain_id=None, residency="EU", is_certified=False, pii_kinds=[]
    )


def test_access_class_key_reads_every_policy_attribute() -> None:
    base = {
        "classification": 2,
        "domain_id": 5,
        "residency": "EU",
        "is_certified": True,
        "pii_kinds": ["email"],
    }
    key = access_class_key(**base)
    assert key.startswith("c2.d5.rEU.k1.p")
    assert len(key) <= 64
    for change in [
        {"classification": 3},
        {"domain_id": 6},
        {"residency": "US"},
        {"is_certified": False},
        {"pii_kinds": ["email", "iban"]},
    ]:
        assert access_class_key(**{**base, **change}) != key
    assert access_class_key(**{**base, "pii_kinds": ["email", "email"]}) == key


def test_anonymous_sees_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    AssetFactory(classification=Classification.PUBLIC)
    assert not Asset.objects.visible_to(AnonymousUser()).exists()


def test_inactive_user_sees_nothing(analyst) -> None:
    AssetFactory(classification=Classification.PUBLIC)
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])
    assert not Asset.objects.visible_to(analyst).exists()


def test_catalog_services_keep_the_class_current(steward, analyst) -> None:
    from catalog.services.curation import AssetChanges, asset_curate

    domain = DomainFactory(code="sales", name="Sales")
    domain.stewards.set([steward])
    asset = AssetFactory(classification=Classification.INTERNAL, domain=domain)
    assert Asset.objects.visible_to(analyst, "preview").filter(pk=asset.pk).exists()
    asset_curate(
        asset=asset,
        actor=steward,
        changes=AssetChanges.of(classification=Classification.CONFIDENTIAL),
    )
    asset.refresh_from_db()
    assert asset.access_class.startswith("c2.")
    assert not Asset.objects.visible_to(analyst, "preview").filter(pk=asset.pk).exists()
