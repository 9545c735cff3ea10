"""Curation of assets and columns by their stewards: descriptions, owners, domain, tags, terms,
classification and certification. Every change and every refusal goes to the audit trail.

Who may curate: a holder of the permission who owns or stewards the asset or its domain (domain
owner included), or a platform admin anywhere (`Asset.objects.curatable_by`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalog.models import (
    Asset,
    Classification,
    Column,
    Domain,
    GlossaryTerm,
    Tag,
    user_is_platform_admin,
)
from catalog.search import asset_search_refresh
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.policy.filters import asset_access_refresh

CURATE_PERMISSION = "catalog.curate_asset"
CERTIFY_PERMISSION = "catalog.certify_asset"
DESCRIPTION_MAX_LENGTH = 20_000
TAG_NAME = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
MAX_TAGS = 50
MAX_CERTIFICATION_DAYS = 3 * 365


class CurationError(Exception):
    """A curation request is invalid; `fields` names what is wrong, field by field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class CurationDenied(CurationError):
    """The actor may not curate this asset (missing permission, or outside their domain)."""


@dataclass(frozen=True)
class AssetChanges:
    """The fields a steward changes; a field left as NOT_GIVEN is kept as it is."""

    description: Any = field(default=None)
    owner: Any = field(default=None)
    stewards: Any = field(default=None)
    domain: Any = field(default=None)
    classification: Any = field(default=None)
    tag_names: Any = field(default=None)
    terms: Any = field(default=None)
    given: frozenset[str] = frozenset()

    @classmethod
    def of(cls, **values: Any) -> AssetChanges:
        """Only the keyword arguments passed count as changes (None is a value: "no owner")."""
        unknown = set(values) - {f for f in cls.__dataclass_fields__ if f != "given"}
        if unknown:
            raise CurationError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        return cls(**values, given=frozenset(values))


# --- permission -------------------------------------------------------------------------------


def asset_may_curate(*, user: User, asset: Asset, permission: str = CURATE_PERMISSION) -> bool:
    if not (user.is_authenticated and user.is_active and user.has_perm(permission)):
        return False
    return Asset.objects.curatable_by(user).filter(pk=asset.pk).exists()


def asset_check_may_curate(*, user: User, asset: Asset, action: str, permission: str) -> None:
    """Raise CurationDenied (and record the refusal) unless the user may act on this asset."""
    if asset_may_curate(user=user, asset=asset, permission=permission):
        return
    reason = (
        f"Missing permission {permission}"
        if not user.has_perm(permission)
        else "Outside the user's domains: not an owner or steward of the asset or its domain"
    )
    audit_record(
        actor=user, action=action, outcome=AuditOutcome.DENIED, target=asset, reason=reason
    )
    raise CurationDenied("You may curate only the assets of the domains you steward or own.")


# --- asset curation ---------------------------------------------------------------------------


def asset_curate(*, asset: Asset, actor: User, changes: AssetChanges) -> Asset:
    """Apply a steward's changes to an asset in one transaction; audited with before/after."""
    # Checked before the transaction, so that a refusal's audit event is not rolled back.
    asset_check_may_curate(
        user=actor, asset=asset, action="catalog.asset.curate", permission=CURATE_PERMISSION
    )
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        _check_changes(locked, actor, changes)
        before = _curation_values(locked)
        _apply_changes(locked, changes)
        after = _curation_values(locked)
        changed = {
            key: {"before": before[key], "after": after[key]}
            for key in after
            if before[key] != after[key]
        }
        if changed:
            audit_record(
                actor=actor,
                action="catalog.asset.curate",
                outcome=AuditOutcome.DONE,
                target=locked,
                detail={"changes": changed},
            )
        if changed.keys() & {"description", "tags", "terms"}:
            asset_search_refresh(asset_ids=[locked.pk])
    locked.refresh_from_db()
    return locked


def _check_changes(asset: Asset, actor: User, changes: AssetChanges) -> None:
    errors: dict[str, str] = {}
    given = changes.given
    if "description" in given and len(changes.description or "") > DESCRIPTION_MAX_LENGTH:
        errors["description"] = f"At most {DESCRIPTION_MAX_LENGTH} characters."
    if "classification" in given:
        errors.update(_classification_errors(asset, changes.classification))
    if "tag_names" in given:
        errors.update(_tag_errors(changes.tag_names))
    if (
        "domain" in given
        and changes.domain is not None
        and not _may_use_domain(actor, changes.domain)
    ):
        errors["domain"] = "You can move assets only into a domain you steward or own."
    if "owner" in given and changes.owner is not None and not changes.owner.is_active:
        errors["owner"] = "The owner must be an active user."
    if errors:
        raise CurationError("The changes are invalid.", errors)


def _classification_errors(asset: Asset, value: Any) -> dict[str, str]:
    if value not in Classification.values:
        return {"classification": "Unknown classification."}
    floor = asset.columns.aggregate(top=Max("classification"))["top"] or Classification.PUBLIC
    if value < floor:
        label = Classification(floor).label
        return {"classification": f"A column is classified {label}; the table cannot be lower."}
    return {}


def _tag_errors(names: Any) -> dict[str, str]:
    if not isinstance(names, list | tuple) or len(names) > MAX_TAGS:
        return {"tags": f"Give a list of at most {MAX_TAGS} tags."}
    bad = [str(name) for name in names if not (isinstance(name, str) and TAG_NAME.match(name))]
    if bad:
        return {
            "tags": "Tags are lower-case letters, digits and - _ . : (up to 64): " + ", ".join(bad)
        }
    return {}


def _may_use_domain(actor: User, domain: Domain) -> bool:
    if user_is_platform_admin(actor):
        return True
    return domain.owner_id == actor.pk or domain.stewards.filter(pk=actor.pk).exists()


def _apply_changes(asset: Asset, changes: AssetChanges) -> None:
    fields: list[str] = []
    for name in ("description", "owner", "domain", "classification"):
        if name in changes.given:
            setattr(
                asset,
                name,
                getattr(changes, name) if name != "description" else (changes.description or ""),
            )
            fields.append(name)
    if "classification" in changes.given:
        asset.is_classified = True
        fields.append("is_classified")
    if fields:
        asset.save(update_fields=[*fields, "updated_at"])
        asset_access_refresh(asset)  # domain and classification are policy attributes
    if "stewards" in changes.given:
        asset.stewards.set(changes.stewards or [])
    if "tag_names" in changes.given:
        asset.tags.set(tags_get_or_create(names=changes.tag_names))
    if "terms" in changes.given:
        asset.terms.set(changes.terms or [])


def tags_get_or_create(*, names: list[str]) -> list[Tag]:
    wanted = sorted(set(names))
    Tag.objects.bulk_create([Tag(name=name) for name in wanted], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=wanted))


def _curation_values(asset: Asset) -> dict[str, Any]:
    return {
        "description": asset.description,
        "owner": asset.owner.username if asset.owner else None,
        "domain": asset.domain.code if asset.domain else None,
        "classification": Classification(asset.classification).label,
        "stewards": sorted(asset.stewards.values_list("username", flat=True)),
        "tags": sorted(asset.tags.values_list("name", flat=True)),
        "terms": sorted(asset.terms.values_list("name", flat=True)),
    }


# --- certification ----------------------------------------------------------------------------


def asset_certify(*, asset: Asset, actor: User, expires_at: datetime | None) -> Asset:
    """Mark the asset as a trusted (golden) dataset until `expires_at`."""
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise CurationError("The expiry must be in the future.", {"expires_at": "In the past."})
    if expires_at is not None and (expires_at - now).days > MAX_CERTIFICATION_DAYS:
        raise CurationError(
            "Certify for at most three years.", {"expires_at": "More than three years ahead."}
        )
    asset_check_may_curate(
        user=actor, asset=asset, action="catalog.asset.certify", permission=CERTIFY_PERMISSION
    )
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        locked.is_certified, locked.certified_by, locked.certified_at = True, actor, now
        locked.certification_expires_at = expires_at
        locked.save(
            update_fields=[
                "is_certified",
                "certified_by",
                "certified_at",
                "certification_expires_at",
                "updated_at",
            ]
        )
        asset_access_refresh(locked)
        audit_record(
            actor=actor,
            action="catalog.asset.certify",
            outcome=AuditOutcome.DONE,
            target=locked,
            detail={"expires_at": expires_at},
        )
    return locked


def asset_certification_revoke(*, asset: Asset, actor: User) -> Asset:
    asset_check_may_curate(
        user=actor, asset=asset, action="catalog.asset.uncertify", permission=CERTIFY_PERMISSION
    )
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        if locked.is_certified:
            locked.is_certified = False
            locked.certification_expires_at = None
            locked.save(update_fields=["is_certified", "certification_expires_at", "updated_at"])
            asset_access_refresh(locked)
            audit_record(
                actor=actor,
                action="catalog.asset.uncertify",
                outcome=AuditOutcome.DONE,
                target=locked,
            )
    return locked


# --- columns ----------------------------------------------------------------------------------


def column_curate(
    *,
    column: Column,
    actor: User,
    description: str | None = None,
    tag_names: list[str] | None = None,
    terms: list[GlossaryTerm] | None = None,
) -> Column:
    """A steward describes a column and links it to tags and glossary terms."""
    asset_check_may_curate(
        user=actor, asset=column.asset, action="catalog.column.curate", permission=CURATE_PERMISSION
    )
    with transaction.atomic():
        asset = Asset.objects.select_for_update().get(pk=column.asset_id)
        errors = _tag_errors(tag_names) if tag_names is not None else {}
        if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
            errors["description"] = f"At most {DESCRIPTION_MAX_LENGTH} characters."
        if errors:
            raise CurationError("The changes are invalid.", errors)
        if description is not None:
            column.description = description
            column.save(update_fields=["description"])
        if tag_names is not None:
            column.tags.set(tags_get_or_create(names=tag_names))
        if terms is not None:
            column.terms.set(terms)
        audit_record(
            actor=actor,
            action="catalog.column.curate",
            outcome=AuditOutcome.DONE,
            target=column,
            detail={
                "description_changed": description is not None,
                "tags": sorted(tag_names) if tag_names is not None else None,
                "terms": sorted(t.name for t in terms) if terms is not None else None,
            },
        )
        asset_search_refresh(asset_ids=[asset.pk])
    return column
