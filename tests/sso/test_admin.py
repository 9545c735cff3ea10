"""The claim and group → role mappings in the admin: four ways, and an edit that takes effect."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from workbench.accounts.models import User
from workbench.sso.claims import claim_mapping
from workbench.sso.models import ClaimMapping, GroupRoleMapping

pytestmark = pytest.mark.django_db
PAGES = ["admin:sso_claimmapping_changelist", "admin:sso_grouprolemapping_changelist"]


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 302), ("steward", 302), ("admin", 200)],
)
def test_the_mapping_is_for_platform_admins(
    request: pytest.FixtureRequest,
    client_for: Callable[[User | None], Client],
    roles: None,
    url_name: str,
    persona: str,
    status: int,
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).get(reverse(url_name))

    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]


def test_an_admin_changes_which_claim_holds_the_department(
    client_for: Callable[[User | None], Client], admin: User
) -> None:
    row, _ = ClaimMapping.objects.update_or_create(
        attribute="department", defaults={"claim": "department", "is_required": True}
    )
    url = reverse("admin:sso_claimmapping_change", args=[row.pk])

    response = client_for(admin).post(
        url, {"attribute": "department", "claim": "org_unit", "is_required": "on"}
    )

    assert response.status_code == 302
    assert claim_mapping()["department"] == ("org_unit", True)


def test_an_admin_maps_a_new_group_to_a_role(
    client_for: Callable[[User | None], Client], admin: User
) -> None:
    url = reverse("admin:sso_grouprolemapping_add")

    response = client_for(admin).post(url, {"group": "emea-stewards", "role": "Data steward"})

    assert response.status_code == 302
    assert GroupRoleMapping.objects.get(group="emea-stewards").role == "Data steward"
