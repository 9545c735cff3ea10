"""Reads for SCIM: the users and groups a SCIM client sees, filtered and paged (RFC 7644 3.4.2)."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.scim.errors import ScimError

MAX_PAGE = 200
# The filters identity providers send to find one resource: `attr eq "value"`.
_EQ_FILTER = re.compile(r'^\s*([\w.:]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
_USER_FILTERS = {
    "username": "username__iexact",
    "externalid": "provisioning__external_id",
    "emails.value": "email__iexact",
    "emails": "email__iexact",
    "id": "pk",
}
_GROUP_FILTERS = {"displayname": "name", "id": "pk"}


def scim_user_list(*, filter_text: str | None) -> QuerySet[User]:
    # Break-glass superusers are local accounts: the identity provider neither sees nor edits them.
    users = (
        User.objects.filter(is_superuser=False)
        .filter(Q(provisioning__isnull=True) | Q(provisioning__deleted_at__isnull=True))
        .select_related("department", "manager", "provisioning")
        .prefetch_related("groups")
        .order_by("pk")
    )
    return users.filter(**_filter_lookup(filter_text, _USER_FILTERS)) if filter_text else users


def scim_user_get(*, user_id: str) -> User:
    users = scim_user_list(filter_text=None)
    user = users.filter(pk=int(user_id)).first() if user_id.isdigit() else None
    if user is None:
        raise ScimError(404, f"No user with id “{user_id}”.")
    return user


def scim_group_list(*, filter_text: str | None) -> QuerySet[Group]:
    groups = (
        Group.objects.filter(name__in=[role.value for role in Role])
        .prefetch_related("user_set")
        .order_by("pk")
    )
    return groups.filter(**_filter_lookup(filter_text, _GROUP_FILTERS)) if filter_text else groups


def scim_group_get(*, group_id: str) -> Group:
    groups = scim_group_list(filter_text=None)
    group = groups.filter(pk=int(group_id)).first() if group_id.isdigit() else None
    if group is None:
        raise ScimError(404, f"No group with id “{group_id}”.")
    return group


def scim_group_members(group: Group) -> list[User]:
    return sorted(group.user_set.all(), key=lambda user: user.pk)


def page_bounds(start_index: str | None, count: str | None) -> tuple[int, int]:
    """1-based startIndex and count, clamped as RFC 7644 3.4.2.4 says."""
    try:
        start = max(int(start_index or 1), 1)
        size = min(max(int(count if count is not None else 100), 0), MAX_PAGE)
    except ValueError:
        raise ScimError(400, "startIndex and count must be integers.", "invalidValue") from None
    return start, size


def _filter_lookup(filter_text: str, lookups: dict[str, str]) -> dict[str, str]:
    match = _EQ_FILTER.match(filter_text)
    if not match:
        raise ScimError(
            400,
            f'Unsupported filter “{filter_text[:100]}”: only `attribute eq "value"` is supported.',
            "invalidFilter",
        )
    attribute = (
        match.group(1).lower().rsplit(":", 1)[-1]
        if ":" in match.group(1)
        else match.group(1).lower()
    )
    if attribute not in lookups:
        raise ScimError(400, f"Filtering on “{match.group(1)}” is not supported.", "invalidFilter")
    value = match.group(2).replace('\\"', '"')
    if lookups[attribute] == "pk" and not value.isdigit():
        return {"pk__in": []}  # type: ignore[dict-item]
    return {lookups[attribute]: value}


_MEMBER_FILTER = re.compile(r'^members\[value eq "(\d+)"\]$', re.IGNORECASE)


def member_filter_id(path: str) -> int | None:
    """The user id in a `members[value eq "42"]` path (how Azure and Okta remove one member)."""
    match = _MEMBER_FILTER.match(path.strip())
    return int(match.group(1)) if match else None
