"""Backfill each asset's PII kinds (union of its active columns') and policy attribute class.

The key format is the one `workbench.governance.policy.filters.access_class_key` writes; it is
repeated here so that this migration keeps working whatever that module becomes.
"""

import hashlib

from django.db import migrations


def _key(classification, domain_id, residency, is_certified, pii_kinds):
    kinds = sorted(set(pii_kinds))
    digest = hashlib.sha256(",".join(kinds).encode()).hexdigest()[:10] if kinds else "-"
    return (
        f"c{int(classification)}.d{domain_id or 0}.r{residency}.k{int(bool(is_certified))}"
        f".p{digest}"
    )


def backfill(apps, schema_editor):
    Asset = apps.get_model("catalog", "Asset")
    Column = apps.get_model("catalog", "Column")
    kinds_by_asset = {}
    for asset_id, kinds in Column.objects.filter(status="active").values_list(
        "asset_id", "pii_kinds"
    ):
        kinds_by_asset.setdefault(asset_id, set()).update(str(kind) for kind in kinds or ())
    assets = Asset.objects.select_related("source").only(
        "pk", "classification", "domain_id", "is_certified", "source__residency"
    )
    for asset in assets.iterator(chunk_size=1000):
        pii_kinds = sorted(kinds_by_asset.get(asset.pk, ()))
        key = _key(
            asset.classification,
            asset.domain_id,
            asset.source.residency,
            asset.is_certified,
            pii_kinds,
        )
        Asset.objects.filter(pk=asset.pk).update(access_class=key, pii_kinds=pii_kinds)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_asset_access_class")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
