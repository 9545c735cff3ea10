"""Writes for accounts: roles, users and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workbench.accounts.models import ApiToken, User
from workbench.accounts.roles import ADMIN_EXCLUDED_PERMISSIONS, ALL_PERMISSIONS, ROLE_SPECS, Role
from workbench.accounts.tokens import (
    api_token_digest,
    api_token_digest_matches,
    api_token_key_new,
    api_token_prefix,
)
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

LAST_USED_RESOLUTION = timedelta(minutes=1)


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


@dataclass(frozen=True)
class IssuedApiToken:
    """A token just created, with its key: the only moment the key exists outside the caller."""

    token: ApiToken
    key: str


class ApiTokenError(Exception):
    """A token cannot be created or used; the message says why, in the user's words."""


def api_token_create(
    *, user: User, name: str, expires_in_days: int | None = None
) -> IssuedApiToken:
    """Create a named token for `user`; the key is returned once here and stored as a digest."""
    name = name.strip()
    if not name:
        raise ApiTokenError("Give the token a name, e.g. what it is for.")
    days = expires_in_days if expires_in_days is not None else settings.API_TOKEN_DEFAULT_DAYS
    if days < 1:
        raise ApiTokenError("A token must be valid for at least one day.")
    key = api_token_key_new()
    now = timezone.now()
    with transaction.atomic():
        # Lock the user's row so two requests cannot both pass the limit and name checks.
        User.objects.select_for_update().filter(pk=user.pk).first()
        _api_token_check_can_add(user=user, name=name)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=api_token_prefix(key),
            digest=api_token_digest(key),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        audit_record(
            actor=user,
            action="auth.api_token_issued",
            outcome=AuditOutcome.DONE,
            target=token,
            detail={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at},
        )
    return IssuedApiToken(token=token, key=key)


def _api_token_check_can_add(*, user: User, name: str) -> None:
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.filter(name=name).exists():
        raise ApiTokenError(f"You already have a token named “{name}”; choose another name.")
    limit: int = settings.API_TOKEN_MAX_PER_USER
    if active.count() >= limit:
        raise ApiTokenError(f"You have {limit} tokens, the most allowed; revoke one first.")


def api_token_revoke(*, token: ApiToken, revoked_by: User) -> bool:
    """Revoke `token` at once; False when it was already revoked. Owners and admins call this."""
    now = timezone.now()
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if changed:
            token.revoked_at = now
            audit_record(
                actor=revoked_by,
                action="auth.api_token_revoked",
                outcome=AuditOutcome.DONE,
                target=token,
                detail={"name": token.name, "prefix": token.prefix, "owner": token.user_id},
            )
    return bool(changed)


def api_token_authenticate(*, key: str) -> ApiToken:
    """The active token whose key this is (its user loaded), or ApiTokenError saying why not."""
    prefix = api_token_prefix(key)
    candidates = ApiToken.objects.select_related("user").filter(prefix=prefix)
    token = next((t for t in candidates if api_token_digest_matches(key, t.digest)), None)
    if token is None:
        raise ApiTokenError("Invalid token.")
    if token.revoked_at is not None:
        raise ApiTokenError("This token was revoked; create a new one on your profile page.")
    now = timezone.now()
    if token.is_expired(now):
        raise ApiTokenError("This token has expired; create a new one on your profile page.")
    if not token.user.is_active:
        raise ApiTokenError("This account is deactivated.")
    _api_token_touch(token=token, now=now)
    return token


def _api_token_touch(*, token: ApiToken, now: datetime) -> None:
    # At most one write a minute per token: a busy script must not turn every read into a write.
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) if last is None else Q(last_used_at=last)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
