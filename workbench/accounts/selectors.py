"""Reads about users: roles, profile facts and what the home page offers them."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from workbench.accounts.models import Department, User
from workbench.accounts.roles import ROLE_SPECS, RoleSpec


def user_roles(user: User) -> list[RoleSpec]:
    """The user's roles in the fixed role order (uses the prefetched groups when present)."""
    names = {group.name for group in user.groups.all()}
    return [spec for role, spec in ROLE_SPECS.items() if role.value in names]


def user_get_profile(*, user_id: int | None) -> User:
    if user_id is None:
        raise User.DoesNotExist("Anonymous users have no profile")
    return (
        User.objects.select_related("department__parent", "manager")
        .prefetch_related("groups")
        .get(pk=user_id)
    )


def department_path(department: Department | None) -> list[Department]:
    """The department and its ancestors, outermost first (uses select_related parents)."""
    path: list[Department] = []
    while department is not None and len(path) < 20:
        path.insert(0, department)
        department = department.parent
    return path


def user_has_api_token(user: User) -> bool:
    return Token.objects.filter(user=user).exists()
