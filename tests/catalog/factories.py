"""factory_boy factories for catalog rows (until scans create them, tests build them here)."""

from __future__ import annotations

from decimal import Decimal

import factory

from catalog.models import (
    Asset,
    Classification,
    Column,
    DataSource,
    Domain,
    GlossaryTerm,
    PiiSuggestion,
    QualityCheck,
    QualityCheckKind,
    QualityResult,
    ScanRun,
    ScanStatus,
    SourceKind,
    Tag,
)
from catalog.search import asset_search_refresh
from workbench.governance.policy.filters import asset_access_refresh


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Domain {n}")
    code = factory.Sequence(lambda n: f"domain-{n}")


class DataSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSource
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"warehouse-{n}")
    kind = SourceKind.SQLITE
    path = "/nonexistent/warehouse.sqlite3"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GlossaryTerm
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Term {n}")
    definition = factory.Faker("sentence")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset
        skip_postgeneration_save = True  # the hook below writes its own fields

    source = factory.SubFactory(DataSourceFactory)
    schema_name = "main"
    name = factory.Sequence(lambda n: f"table_{n}")
    classification = Classification.INTERNAL

    @factory.post_generation
    def access_class(obj: Asset, create: bool, extracted: object, **kwargs: object) -> None:
        # What the catalog services do after saving an asset: its policy attribute class.
        if create:
            asset_access_refresh(obj)


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column
        skip_postgeneration_save = True

    asset = factory.SubFactory(AssetFactory)
    name = factory.Sequence(lambda n: f"column_{n}")
    ordinal = factory.Sequence(lambda n: n + 1)
    data_type = "text"

    @factory.post_generation
    def asset_access_class(obj: Column, create: bool, extracted: object, **kwargs: object) -> None:
        if create and obj.pii_kinds:
            asset_access_refresh(obj.asset)


class ScanRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanRun

    source = factory.SubFactory(DataSourceFactory)
    status = ScanStatus.SUCCEEDED


class PiiSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PiiSuggestion

    column = factory.SubFactory(ColumnFactory)
    kind = "email"
    confidence = Decimal("0.950")
    method = "regex"
    evidence = "47 of 50 sampled values look like e-mail addresses"


class QualityCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityCheck

    asset = factory.SubFactory(AssetFactory)
    name = factory.Sequence(lambda n: f"check {n}")
    kind = QualityCheckKind.ROW_COUNT
    params = factory.LazyFunction(lambda: {"min": 1})


class QualityResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityResult

    quality_check = factory.SubFactory(QualityCheckFactory)
    status = "passed"


def asset_with_columns(*columns: str, refresh: bool = True, **fields: object) -> Asset:
    """An asset with named text columns, its search document refreshed as a scan would."""
    asset = AssetFactory(**fields)
    for ordinal, name in enumerate(columns, start=1):
        ColumnFactory(asset=asset, name=name, ordinal=ordinal)
    if refresh:
        asset_search_refresh(asset_ids=[asset.pk])
        asset.refresh_from_db()  # a later save() of a stale instance would blank the document
    return asset
