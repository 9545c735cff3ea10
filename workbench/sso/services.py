"""Writes for single sign-on: the user a sign-in creates or updates, with every change audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.accounts.services import user_set_roles
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.sso.claims import MappedClaims, SignInRefused, claims_map
from workbench.sso.models import SsoIdentity

# User fields a sign-in sets from the claims (roles are handled on their own).
SYNCED_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "department",
    "job_title",
    "manager",
    "region",
    "clearance",
)


def sso_user_sign_in(*, issuer: str, subject: str, claims: dict[str, Any]) -> User:
    """The user for the provider's account `subject`, created or brought up to date from `claims`.

    All or nothing: a refused claim leaves no user, identity or audit event behind.
    """
    if not subject:
        raise SignInRefused("Your identity provider sent no subject (“sub”) for you.")
    mapped = claims_map(claims)
    with transaction.atomic():
        user, created = _user_for_identity(issuer=issuer, subject=subject, mapped=mapped)
        if not user.is_active:
            raise SignInRefused(
                "Your workbench account is deactivated. Ask a platform admin if you need it back."
            )
        changes = _attributes_apply(user=user, mapped=mapped)
        role_change = _roles_apply(user=user, roles=list(mapped.roles))
        _audit_changes(user=user, created=created, changes=changes, role_change=role_change)
        SsoIdentity.objects.filter(user=user, issuer=issuer).update(last_sign_in_at=timezone.now())
    return user


def sso_sign_in_refused_record(*, username: str, reason: str) -> None:
    """The trail's record of a refused sign-in (its own transaction: the refusal rolled back)."""
    audit_record(
        actor=None,
        actor_username=username[:150],
        action="sso.sign_in_refused",
        outcome=AuditOutcome.DENIED,
        reason=reason,
        detail={"username": username[:150]},
    )


def _user_for_identity(*, issuer: str, subject: str, mapped: MappedClaims) -> tuple[User, bool]:
    identity = (
        SsoIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        return identity.user, False
    user = User.objects.select_for_update().filter(username=mapped.username).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(mapped.username, email=mapped.email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    else:
        _check_linkable(user=user, issuer=issuer)
    SsoIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    return user, created


def _check_linkable(*, user: User, issuer: str) -> None:
    """An existing account joins single sign-on unless it is a break-glass one or already linked."""
    if user.is_superuser:
        raise SignInRefused(
            f"The account “{user.username}” is a local break-glass administrator account; it "
            "cannot be signed into through single sign-on."
        )
    if SsoIdentity.objects.filter(user=user, issuer=issuer).exists():
        raise SignInRefused(
            f"The account “{user.username}” already belongs to another identity at your "
            "identity provider. Ask a platform admin to check the account."
        )


def _attributes_apply(*, user: User, mapped: MappedClaims) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for field in SYNCED_FIELDS:
        before, after = getattr(user, field), getattr(mapped, field)
        if field == "manager" and after is not None and after.pk == user.pk:
            after = None  # the model forbids being one's own manager
        if before != after:
            changes[field] = {"before": _plain(before), "after": _plain(after)}
            setattr(user, field, after)
    if changes:
        user.save(update_fields=list(changes))
    return changes


def _roles_apply(*, user: User, roles: list[Role]) -> dict[str, list[str]] | None:
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(role.value for role in roles)
    if before == after:
        return None
    user_set_roles(user=user, roles=roles)
    return {"before": before, "after": after}


def _audit_changes(
    *,
    user: User,
    created: bool,
    changes: dict[str, dict[str, Any]],
    role_change: dict[str, list[str]] | None,
) -> None:
    if created:
        audit_record(
            actor=user,
            action="sso.user_created",
            outcome=AuditOutcome.DONE,
            target=user,
            detail={"attributes": changes, "roles": role_change},
        )
        return
    if changes:
        audit_record(
            actor=user,
            action="sso.attributes_changed",
            outcome=AuditOutcome.DONE,
            target=user,
            detail={"changes": changes},
        )
    if role_change:
        audit_record(
            actor=user,
            action="sso.roles_changed",
            outcome=AuditOutcome.DONE,
            target=user,
            detail=role_change,
        )


def _plain(value: Any) -> Any:
    """A value the trail can hold: users by username, departments by code."""
    if isinstance(value, User):
        return value.username
    if hasattr(value, "code"):
        return value.code
    return value
