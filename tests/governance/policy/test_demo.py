"""The policy demo loader: shipped documents present, assets classed, idempotent, UI edits kept."""

from __future__ import annotations

import pytest

from catalog.models import Asset
from tests.catalog.factories import AssetFactory
from workbench.governance.models import PolicyVersion
from workbench.governance.policy import policy_version_save
from workbench.governance.policy.demo import policy_demo_load
from workbench.governance.policy.documents import folder_sources

pytestmark = pytest.mark.django_db


def test_policy_demo_is_idempotent_and_keeps_ui_edits(admin) -> None:
    asset = AssetFactory()
    Asset.objects.filter(pk=asset.pk).update(access_class="")
    first = policy_demo_load()
    assert first.documents == len(folder_sources())
    assert first.assets_reclassed == 1
    edited = folder_sources()["access.rego"] + "\n# Reviewed.\n"
    policy_version_save(path="access.rego", source=edited, author=admin, comment="Reviewed")
    again = policy_demo_load()
    assert (again.loaded, again.assets_reclassed) == ([], 0)
    newest = PolicyVersion.objects.filter(policy__path="access.rego").order_by("-number").first()
    assert newest is not None
    assert newest.source == edited
