"""Reads about users: roles, profile facts and what the home page offers them."""

from __future__ import annotations

from django.db.models import QuerySet

from workbench.accounts.models import ApiToken, Department, User
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


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that were not revoked (expired ones too, so they can be cleaned up)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def access_api_token(user: User, token_id: int) -> ApiToken:
    """The user's own token with this id; DoesNotExist for anyone else's (no hint it exists)."""
    return ApiToken.objects.get(pk=token_id, user=user)
