"""Demo data for single sign-on and SCIM: the mapping an admin edits, a joiner and a leaver.

The joiner and the leaver are provisioned through the same SCIM services the endpoints call, so the
audit trail shows what an identity provider's provisioning does (the leaver's token and sessions
ended on deactivation). Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from workbench.accounts.models import Department, User
from workbench.accounts.roles import Role
from workbench.accounts.services import api_token_create
from workbench.scim.models import ProvisionedUser
from workbench.scim.resources import UserInput
from workbench.scim.services import scim_group_set_members, scim_user_create, scim_user_update
from workbench.sso.defaults import DEFAULT_CLAIMS, DEFAULT_GROUP_ROLES
from workbench.sso.models import ClaimMapping, GroupRoleMapping

# A group every employee is in at the demo company's provider: known, but gives no role here.
ALL_STAFF_GROUP = "acme-all-staff"


@dataclass(frozen=True)
class SsoDemoSummary:
    group_mappings: int
    provisioned: list[str]


def sso_demo_load() -> SsoDemoSummary:
    with transaction.atomic():
        for attribute, claim, is_required in DEFAULT_CLAIMS:
            ClaimMapping.objects.get_or_create(
                attribute=attribute, defaults={"claim": claim, "is_required": is_required}
            )
        for group, role in (*DEFAULT_GROUP_ROLES, (ALL_STAFF_GROUP, "")):
            GroupRoleMapping.objects.get_or_create(group=group, defaults={"role": role})
        provisioned = [_joiner(), _leaver()]
    return SsoDemoSummary(
        group_mappings=GroupRoleMapping.objects.count(),
        provisioned=[name for name in provisioned if name],
    )


def _person(username: str, first: str, last: str, title: str, department: str) -> UserInput:
    return UserInput(
        username=username,
        external_id=f"acme-hr-{username}",
        first_name=first,
        last_name=last,
        email=f"{username}@acme.example",
        job_title=title,
        is_active=True,
        department=Department.objects.filter(code=department).first(),
        manager=User.objects.filter(username="steward").first(),
        region="EU",
        clearance=1,
    )


def _joiner() -> str:
    """Provisioned by the identity provider and given the business-user role through a group."""
    if ProvisionedUser.objects.filter(user__username="joiner").exists():
        return ""
    user = scim_user_create(data=_person("joiner", "Jonas", "Neumann", "Analyst", "growth"))
    group = Group.objects.get(name=Role.BUSINESS_USER.value)
    members = set(group.user_set.values_list("pk", flat=True)) | {user.pk}
    scim_group_set_members(group=group, members=members)
    return user.username


def _leaver() -> str:
    """Provisioned, given an API token, then deactivated by the provider: the token is revoked."""
    if ProvisionedUser.objects.filter(user__username="leaver").exists():
        return ""
    data = _person("leaver", "Lena", "Vogt", "Sales analyst", "sales-emea")
    user = scim_user_create(data=data)
    api_token_create(user=user, name="weekly pipeline export", expires_in_days=30)
    scim_user_update(user=user, data=UserInput(**{**data.__dict__, "is_active": False}))
    return user.username
