"""The business glossary: terms with definitions, synonyms, related terms and owners.

Stewards (holders of the glossary permissions) edit terms; a term in a domain is edited by that
domain's owner and stewards, by the term's owners, or by a platform admin. Linking a term to a table
or column is curation of that asset (`catalog.services.curation`). Everything is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from catalog.models import Domain, GlossaryTerm, user_is_platform_admin
from catalog.search import asset_search_refresh
from catalog.services.curation import CurationDenied, CurationError
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

NAME_MAX_LENGTH = 120
DEFINITION_MAX_LENGTH = 10_000
MAX_SYNONYMS = 30


@dataclass(frozen=True)
class TermData:
    """What a steward writes about a term."""

    name: str
    definition: str
    synonyms: list[str] = field(default_factory=list)
    domain: Domain | None = None
    owners: list[User] = field(default_factory=list)
    related: list[GlossaryTerm] = field(default_factory=list)


def glossary_term_may_edit(*, user: User, term: GlossaryTerm | None, permission: str) -> bool:
    if not (user.is_authenticated and user.is_active and user.has_perm(permission)):
        return False
    if term is None or user_is_platform_admin(user) or term.domain_id is None:
        return True
    domain = term.domain
    assert domain is not None
    return (
        domain.owner_id == user.pk
        or domain.stewards.filter(pk=user.pk).exists()
        or term.owners.filter(pk=user.pk).exists()
    )


def _check(user: User, term: GlossaryTerm | None, permission: str, action: str) -> None:
    if glossary_term_may_edit(user=user, term=term, permission=permission):
        return
    audit_record(
        actor=user,
        action=action,
        outcome=AuditOutcome.DENIED,
        target=term,
        target_type="catalog.glossaryterm",
        reason=f"Missing {permission} or outside the term's domain",
    )
    raise CurationDenied("You may not edit this glossary term.")


def _validate(data: TermData, *, term: GlossaryTerm | None) -> TermData:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"Give a name of up to {NAME_MAX_LENGTH} characters."
    elif (
        GlossaryTerm.objects.filter(name__iexact=name)
        .exclude(pk=term.pk if term is not None else 0)
        .exists()
    ):
        errors["name"] = "A term with this name exists already."
    if not data.definition.strip() or len(data.definition) > DEFINITION_MAX_LENGTH:
        errors["definition"] = f"Give a definition of up to {DEFINITION_MAX_LENGTH} characters."
    synonyms = _clean_synonyms(data.synonyms, errors)
    if term is not None and any(other.pk == term.pk for other in data.related):
        errors["related"] = "A term cannot be related to itself."
    if errors:
        raise CurationError("The term is invalid.", errors)
    return TermData(name, data.definition.strip(), synonyms, data.domain, data.owners, data.related)


def _clean_synonyms(values: Iterable[Any], errors: dict[str, str]) -> list[str]:
    cleaned = sorted({str(value).strip() for value in values if str(value).strip()})
    if len(cleaned) > MAX_SYNONYMS or any(len(value) > NAME_MAX_LENGTH for value in cleaned):
        errors["synonyms"] = (
            f"At most {MAX_SYNONYMS} synonyms of up to {NAME_MAX_LENGTH} characters."
        )
    return cleaned


def glossary_term_create(*, actor: User, data: TermData) -> GlossaryTerm:
    _check(actor, None, "catalog.add_glossaryterm", "catalog.glossary.create")
    cleaned = _validate(data, term=None)
    try:
        with transaction.atomic():
            term = GlossaryTerm.objects.create(
                name=cleaned.name,
                definition=cleaned.definition,
                synonyms=cleaned.synonyms,
                domain=cleaned.domain,
            )
            term.owners.set(cleaned.owners)
            term.related.set(cleaned.related)
            _audit(actor, "catalog.glossary.create", term)
    except IntegrityError:  # a concurrent create with the same name
        raise CurationError(
            "The term is invalid.", {"name": "A term with this name exists already."}
        ) from None
    return term


def glossary_term_update(*, term: GlossaryTerm, actor: User, data: TermData) -> GlossaryTerm:
    _check(actor, term, "catalog.change_glossaryterm", "catalog.glossary.update")
    cleaned = _validate(data, term=term)
    with transaction.atomic():
        term.name, term.definition, term.synonyms = (
            cleaned.name,
            cleaned.definition,
            cleaned.synonyms,
        )
        term.domain = cleaned.domain
        term.save(update_fields=["name", "definition", "synonyms", "domain", "updated_at"])
        term.owners.set(cleaned.owners)
        term.related.set(cleaned.related)
        _audit(actor, "catalog.glossary.update", term)
        asset_search_refresh(asset_ids=_linked_asset_ids(term))
    return term


def glossary_term_delete(*, term: GlossaryTerm, actor: User) -> None:
    _check(actor, term, "catalog.delete_glossaryterm", "catalog.glossary.delete")
    with transaction.atomic():
        linked = _linked_asset_ids(term)
        _audit(actor, "catalog.glossary.delete", term)
        term.delete()
        asset_search_refresh(asset_ids=linked)


def _linked_asset_ids(term: GlossaryTerm) -> set[int]:
    ids = set(term.assets.values_list("pk", flat=True))
    return ids | set(term.columns.values_list("asset_id", flat=True))


def _audit(actor: User, action: str, term: GlossaryTerm) -> None:
    audit_record(
        actor=actor,
        action=action,
        outcome=AuditOutcome.DONE,
        target=term,
        detail={
            "name": term.name,
            "synonyms": term.synonyms,
            "domain": term.domain.code if term.domain else None,
            "owners": sorted(term.owners.values_list("username", flat=True)),
            "related": sorted(term.related.values_list("name", flat=True)),
        },
    )
