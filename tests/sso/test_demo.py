"""The single sign-on demo: the mapping, a joiner with a role, a leaver whose token was revoked."""

from __future__ import annotations

import pytest

from workbench.accounts.models import ApiToken, User
from workbench.accounts.roles import Role
from workbench.audit.models import AuditEvent
from workbench.demo.organisation import organisation_load
from workbench.sso.demo import ALL_STAFF_GROUP, sso_demo_load
from workbench.sso.models import GroupRoleMapping

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_shows_provisioning() -> None:
    organisation_load(password="demo-password-for-tests")

    first = sso_demo_load()
    again = sso_demo_load()

    assert first.provisioned == ["joiner", "leaver"]
    assert again.provisioned == []
    assert GroupRoleMapping.objects.get(group=ALL_STAFF_GROUP).role == ""
    joiner = User.objects.get(username="joiner")
    assert joiner.groups.filter(name=Role.BUSINESS_USER.value).exists()
    leaver = User.objects.get(username="leaver")
    assert not leaver.is_active
    assert not ApiToken.objects.filter(user=leaver, revoked_at__isnull=True).exists()
    assert (
        AuditEvent.objects.filter(action="scim.user_deactivated", target_id=str(leaver.pk)).count()
        == 1
    )
