"""Writes for accounts: roles, users and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from workbench.accounts.models import User
from workbench.accounts.roles import ADMIN_EXCLUDED_PERMISSIONS, ALL_PERMISSIONS, ROLE_SPECS, Role
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions its spec names."""
    everything = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in everything}
    for role, spec in ROLE_SPECS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        if spec.permissions == ALL_PERMISSIONS:
            names = set(by_name) - ADMIN_EXCLUDED_PERMISSIONS
        else:
            names = set(spec.permissions) & set(by_name)
        group.permissions.set([by_name[name] for name in sorted(names)])


def user_set_roles(*, user: User, roles: list[Role]) -> None:
    """Replace the user's roles; staff status follows from the roles that need the admin site."""
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.set(groups)
    is_staff = user.is_superuser or any(ROLE_SPECS[role].is_staff for role in roles)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def api_token_issue(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            actor=user, action="auth.api_token_issued", outcome=AuditOutcome.DONE, target=user
        )
    return token


def api_token_revoke(*, user: User) -> bool:
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                actor=user, action="auth.api_token_revoked", outcome=AuditOutcome.DONE, target=user
            )
    return bool(deleted)
