"""The provider's claims, read through the admin's mapping: unknown values refused, not guessed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from workbench.accounts.models import Clearance, Department, Region, User
from workbench.accounts.roles import Role
from workbench.sso.defaults import DEFAULT_CLAIMS
from workbench.sso.models import ClaimMapping, GroupRoleMapping, MappedAttribute


class SignInRefused(Exception):
    """The sign-in cannot go ahead; the message tells the person why, in their words."""


@dataclass(frozen=True)
class MappedClaims:
    """What the claims say about a person, in the workbench's own terms."""

    username: str
    email: str
    first_name: str
    last_name: str
    department: Department
    job_title: str
    manager: User | None
    manager_claim: str
    region: str
    clearance: int
    roles: tuple[Role, ...]


def claim_mapping() -> dict[str, tuple[str, bool]]:
    """attribute -> (claim, is_required); built-in defaults fill attributes the admin left out."""
    mapping = {attribute: (claim, required) for attribute, claim, required in DEFAULT_CLAIMS}
    for row in ClaimMapping.objects.all():
        mapping[row.attribute] = (row.claim, row.is_required)
    return mapping


def claims_map(claims: dict[str, Any]) -> MappedClaims:
    """Every attribute the mapping names, from `claims`; raises SignInRefused with the reason."""
    reader = _ClaimReader(claims, claim_mapping())
    return MappedClaims(
        username=reader.text(MappedAttribute.USERNAME, max_length=150),
        email=reader.text(MappedAttribute.EMAIL, max_length=254),
        first_name=reader.text(MappedAttribute.FIRST_NAME, max_length=150),
        last_name=reader.text(MappedAttribute.LAST_NAME, max_length=150),
        department=_department(reader),
        job_title=reader.text(MappedAttribute.JOB_TITLE, max_length=120),
        manager=_manager(reader),
        manager_claim=reader.text(MappedAttribute.MANAGER, max_length=254),
        region=_region(reader),
        clearance=_clearance(reader),
        roles=_roles(reader),
    )


class _ClaimReader:
    def __init__(self, claims: dict[str, Any], mapping: dict[str, tuple[str, bool]]) -> None:
        self.claims = claims
        self.mapping = mapping

    def claim_name(self, attribute: str) -> str:
        return self.mapping[attribute][0]

    def raw(self, attribute: str) -> Any:
        claim, required = self.mapping[attribute]
        value = self.claims.get(claim)
        if value in (None, "", []) and required:
            label = MappedAttribute(attribute).label.lower()
            raise SignInRefused(
                f"Your identity provider did not send the “{claim}” claim ({label}), which this "
                "workbench needs. Ask your identity administrator to release it to the workbench."
            )
        return value

    def text(self, attribute: str, *, max_length: int) -> str:
        value = self.raw(attribute)
        if value is None:
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.unknown(attribute, value)
        text = str(value).strip()
        if len(text) > max_length:
            raise self.unknown(attribute, value)
        return text

    def unknown(self, attribute: str, value: Any, known: list[str] | None = None) -> SignInRefused:
        claim = self.claim_name(attribute)
        hint = f" Known values: {', '.join(known)}." if known else ""
        if attribute == MappedAttribute.GROUPS:
            said = f"put you in the group(s) “{value}” (claim “{claim}”), which this workbench"
        else:
            label = MappedAttribute(attribute).label.lower()
            said = f"sent “{value}” as your {label} (claim “{claim}”), which this workbench"
        return SignInRefused(
            f"Your identity provider {said} does not know.{hint} Sign-in is refused rather than "
            "guessed: ask a platform admin to add it to the single sign-on mapping."
        )


def _department(reader: _ClaimReader) -> Department:
    code = reader.text(MappedAttribute.DEPARTMENT, max_length=40)
    department = Department.objects.filter(code=code).first() if code else None
    if department is None:
        raise reader.unknown(MappedAttribute.DEPARTMENT, code)
    return department


def _manager(reader: _ClaimReader) -> User | None:
    """The manager named by username or email; one not (yet) known here stays unset, not guessed."""
    value = reader.text(MappedAttribute.MANAGER, max_length=254)
    if not value:
        return None
    matches = list(User.objects.filter(Q(username=value) | Q(email__iexact=value))[:2])
    return matches[0] if len(matches) == 1 else None


def _region(reader: _ClaimReader) -> str:
    value = reader.text(MappedAttribute.REGION, max_length=16)
    by_code = {region.value.lower(): region.value for region in Region}
    if value.lower() not in by_code:
        raise reader.unknown(MappedAttribute.REGION, value, known=sorted(by_code.values()))
    return by_code[value.lower()]


def _clearance(reader: _ClaimReader) -> int:
    value = reader.text(MappedAttribute.CLEARANCE, max_length=16)
    names = {choice.name.lower(): int(choice) for choice in Clearance}
    names.update({str(int(choice)): int(choice) for choice in Clearance})
    if value.lower() not in names:
        known = [choice.name.lower() for choice in Clearance]
        raise reader.unknown(MappedAttribute.CLEARANCE, value, known=known)
    return names[value.lower()]


def _roles(reader: _ClaimReader) -> tuple[Role, ...]:
    value = reader.raw(MappedAttribute.GROUPS) or []
    groups = [value] if isinstance(value, str) else value
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise reader.unknown(MappedAttribute.GROUPS, value)
    known = {row.group: row.role for row in GroupRoleMapping.objects.filter(group__in=groups)}
    unknown = sorted(set(groups) - set(known))
    if unknown:
        raise reader.unknown(MappedAttribute.GROUPS, ", ".join(unknown))
    return tuple(sorted({Role(role) for role in known.values() if role}))
