"""DRF permission classes built on Django permissions (deny by default)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from workbench.accounts.roles import access_hint, roles_granting


def has_django_permission(permission: str) -> type[BasePermission]:
    """A permission class that requires an active, signed-in user holding `permission`."""

    class HasDjangoPermission(BasePermission):
        # Says which role opens it, never the internal permission name.
        message = access_hint(page="This", roles=roles_granting(permission))

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            return bool(
                user and user.is_authenticated and user.is_active and user.has_perm(permission)
            )

    HasDjangoPermission.__name__ = f"Has_{permission.replace('.', '_')}"
    return HasDjangoPermission
