"""Writes for SCIM provisioning. Each runs in one transaction and records what changed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission

from workbench.accounts.models import ApiToken, User
from workbench.accounts.roles import Role
from workbench.accounts.services import user_set_roles
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.models import Grant
from workbench.scim.errors import ScimError
from workbench.scim.models import ProvisionedUser
from workbench.scim.resources import UserInput

REVOKE_REASON = "Account deactivated by the identity provider (SCIM)"
ACTOR = "scim"  # the trail names the identity provider's provisioning client this way
_ATTRIBUTES = (
    "username",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "department",
    "manager",
    "region",
    "clearance",
)


def scim_user_create(*, data: UserInput) -> User:
    with transaction.atomic():
        if User.objects.filter(username=data.username).exists():
            raise ScimError(409, f"A user named “{data.username}” already exists.", "uniqueness")
        try:
            user = User.objects.create_user(data.username)
        except IntegrityError:
            raise ScimError(
                409, f"A user named “{data.username}” already exists.", "uniqueness"
            ) from None
        user.set_unusable_password()
        changes = _attributes_set(user=user, data=data)
        user.save()
        ProvisionedUser.objects.create(user=user, external_id=data.external_id)
        _audit("scim.user_created", user, {"attributes": changes})
        if not data.is_active:
            _deactivate(user)
    return user


def scim_user_update(*, user: User, data: UserInput) -> User:
    """Make `user` match `data`; deactivating ends their sessions, tokens and grants at once."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        clash = User.objects.filter(username=data.username).exclude(pk=user.pk).exists()
        if clash:
            raise ScimError(409, f"A user named “{data.username}” already exists.", "uniqueness")
        changes = _attributes_set(user=user, data=data)
        if data.manager is not None and data.manager.pk == user.pk:
            raise ScimError(400, "A user cannot be their own manager.", "invalidValue")
        if changes:
            user.save()
            _audit("scim.attributes_changed", user, {"changes": changes})
        provisioning, _ = ProvisionedUser.objects.get_or_create(user=user)
        provisioning.external_id = data.external_id or provisioning.external_id
        provisioning.updated_at = timezone.now()
        provisioning.save(update_fields=["external_id", "updated_at"])
        if user.is_active and not data.is_active:
            _deactivate(user)
        elif not user.is_active and data.is_active:
            User.objects.filter(pk=user.pk).update(is_active=True)
            user.is_active = True
            _audit("scim.user_reactivated", user, {})
    return user


def scim_user_delete(*, user: User) -> None:
    """SCIM DELETE: deactivate (the row stays for the trail) and stop listing the user."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            _deactivate(user)
        provisioning, _ = ProvisionedUser.objects.get_or_create(user=user)
        provisioning.deleted_at = timezone.now()
        provisioning.save(update_fields=["deleted_at"])
        _audit("scim.user_deleted", user, {})


def scim_group_set_members(*, group: Group, members: set[int]) -> None:
    """Give the role `group` to exactly the users `members`, each change audited per user."""
    role = Role(group.name)
    wanted = set(members)
    with transaction.atomic():
        current = set(group.user_set.values_list("pk", flat=True))
        users = {user.pk: user for user in User.objects.filter(pk__in=wanted | current)}
        missing = wanted - set(users)
        if missing:
            raise ScimError(
                400, f"Unknown user id(s): {', '.join(map(str, sorted(missing)))}.", "invalidValue"
            )
        for pk in sorted(wanted ^ current):
            _role_toggle(user=users[pk], role=role, give=pk in wanted)


def _role_toggle(*, user: User, role: Role, give: bool) -> None:
    before = sorted(user.groups.values_list("name", flat=True))
    roles = {Role(name) for name in before if name in Role._value2member_map_}
    roles = roles | {role} if give else roles - {role}
    user_set_roles(user=user, roles=sorted(roles))
    after = sorted(user.groups.values_list("name", flat=True))
    _audit("scim.roles_changed", user, {"before": before, "after": after})


def _attributes_set(*, user: User, data: UserInput) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for field in _ATTRIBUTES:
        before, after = getattr(user, field), getattr(data, field)
        if before != after:
            changes[field] = {"before": _plain(before), "after": _plain(after)}
            setattr(user, field, after)
    return changes


def _deactivate(user: User) -> None:
    """Inside the caller's transaction: inactive, signed out everywhere, tokens and grants gone."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    sessions = _sessions_end(user)
    tokens = list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("prefix", flat=True)
    )
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    grants = _grants_revoke(user=user, now=now)
    _audit(
        "scim.user_deactivated",
        user,
        {"sessions_ended": sessions, "api_tokens_revoked": tokens, "grants_revoked": grants},
    )


def _sessions_end(user: User) -> int:
    """Delete every live session of `user` (the session table has no user column to filter on)."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _grants_revoke(*, user: User, now: Any) -> list[int]:
    """Revoke every grant not yet ended, with no revoking person (provisioning did it).

    governance.grants.grant_revoke needs a person allowed to revoke, and tells the grantee; here
    the provider is the actor and the grantee has left, so the same change is made directly.
    """
    ended = Grant.objects.filter(user=user, revoked_at__isnull=True, expired_at__isnull=True)
    grants = list(ended.select_for_update().select_related("asset"))
    ended.filter(pk__in=[grant.pk for grant in grants]).update(
        revoked_at=now, revoked_by=None, revoke_reason=REVOKE_REASON
    )
    # The user holds no object permission any more: grants were their only source.
    UserObjectPermission.objects.filter(user=user).delete()
    for grant in grants:
        audit_record(
            actor=None,
            actor_username=ACTOR,
            action="governance.grant.revoked",
            outcome=AuditOutcome.DONE,
            target=grant,
            reason=REVOKE_REASON,
            detail={
                "grantee": user.username,
                "asset_id": grant.asset_id,
                "grant_action": grant.action,
            },
        )
    return [grant.pk for grant in grants]


def _audit(action: str, user: User, detail: dict[str, Any]) -> None:
    audit_record(
        actor=None,
        actor_username=ACTOR,
        action=action,
        outcome=AuditOutcome.DONE,
        target=user,
        detail=detail,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, User):
        return value.username
    if hasattr(value, "code"):
        return value.code
    return value
