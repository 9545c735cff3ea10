"""The oversight demo: a reviewed second version of access.rego (saved through validation) and
governed previews by the personas, recorded once however often load_demo runs."""

from __future__ import annotations

import pytest

from catalog.demo import DEMO_SOURCE_NAME
from tests.catalog.factories import AssetFactory, DataSourceFactory
from tests.governance.pages.conftest import policies_install
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.demo_oversight import (
    DEMO_POLICY_COMMENT,
    DEMO_PURPOSE,
    governance_oversight_demo_load,
)
from workbench.governance.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_demo_saves_one_reviewed_version_and_previews_once(admin: User, analyst: User) -> None:
    policies_install()
    source = DataSourceFactory(name=DEMO_SOURCE_NAME)
    AssetFactory(source=source, name="orders")
    AssetFactory(source=source, name="customers", classification=2)

    first = governance_oversight_demo_load()
    assert first.policy_version is not None
    assert first.policy_version.number == 2
    assert first.policy_version.author == admin
    assert first.policy_version.comment == DEMO_POLICY_COMMENT
    assert "+# Reviewed by the data council." in first.policy_version.diff
    assert first.previews_run == 2  # analyst on orders and on customers
    previews = AuditEvent.objects.filter(action="governance.preview", purpose=DEMO_PURPOSE)
    assert previews.filter(outcome="denied").count() == 1  # customers is confidential

    second = governance_oversight_demo_load()
    assert second.previews_run == 0
    assert second.policy_version == first.policy_version
    assert PolicyVersion.objects.filter(policy__path="access.rego").count() == 2
    assert previews.count() == 2
