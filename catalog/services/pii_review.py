"""Stewards accept or reject the PII suggestions scans make.

Accepting adds the kind to the column's PII kinds, raises the column's classification to the kind's
sensitivity and the table's to at least its columns'. Rejecting records who and when. Deciding twice
the same way changes nothing; a conditional update on the status makes concurrent decisions safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalog.models import Asset, Classification, Column, PiiSuggestion, SuggestionStatus
from catalog.services.curation import CurationError, asset_check_may_curate
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.policy.filters import asset_access_refresh

REVIEW_PERMISSION = "catalog.review_pii"
SENSITIVITY_TO_CLASSIFICATION = {
    "internal": Classification.INTERNAL,
    "confidential": Classification.CONFIDENTIAL,
    "restricted": Classification.RESTRICTED,
}


@dataclass(frozen=True)
class PiiDecision:
    suggestion: PiiSuggestion
    changed: bool  # False when the same decision had already been made


def pii_kind_classification(kind: str) -> Classification:
    """The classification a PII kind implies (unknown kinds count as confidential)."""
    from catalog.scans.pii.kinds import PII_KINDS

    known = PII_KINDS.get(kind)
    return (
        SENSITIVITY_TO_CLASSIFICATION[known.sensitivity] if known else Classification.CONFIDENTIAL
    )


def pii_kind_label(kind: str) -> str:
    from catalog.scans.pii.kinds import PII_KINDS

    known = PII_KINDS.get(kind)
    return known.label if known else kind.replace("_", " ").capitalize()


def pii_suggestion_accept(*, suggestion: PiiSuggestion, actor: User) -> PiiDecision:
    return _decide(suggestion=suggestion, actor=actor, status=SuggestionStatus.ACCEPTED)


def pii_suggestion_reject(*, suggestion: PiiSuggestion, actor: User) -> PiiDecision:
    return _decide(suggestion=suggestion, actor=actor, status=SuggestionStatus.REJECTED)


def _decide(*, suggestion: PiiSuggestion, actor: User, status: SuggestionStatus) -> PiiDecision:
    action = f"catalog.pii.{'accept' if status == SuggestionStatus.ACCEPTED else 'reject'}"
    # Checked before the transaction, so that a refusal's audit event is not rolled back.
    asset = Asset.objects.get(
        pk=Column.objects.values("asset_id").get(pk=suggestion.column_id)["asset_id"]
    )
    asset_check_may_curate(user=actor, asset=asset, action=action, permission=REVIEW_PERMISSION)
    with transaction.atomic():
        column = Column.objects.select_for_update().get(pk=suggestion.column_id)
        claimed = PiiSuggestion.objects.filter(
            pk=suggestion.pk, status=SuggestionStatus.PENDING
        ).update(
            status=status, decided_by=actor, decided_at=timezone.now(), updated_at=timezone.now()
        )
        current = PiiSuggestion.objects.get(pk=suggestion.pk)
        if not claimed:
            return _already_decided(current, status)
        if status == SuggestionStatus.ACCEPTED:
            _column_take_kind(column, current.kind)
        audit_record(
            actor=actor,
            action=action,
            outcome=AuditOutcome.DONE,
            target=column,
            detail={
                "kind": current.kind,
                "confidence": current.confidence,
                "suggestion": current.pk,
            },
        )
    return PiiDecision(suggestion=current, changed=True)


def _already_decided(current: PiiSuggestion, wanted: SuggestionStatus) -> PiiDecision:
    if current.status == wanted:
        return PiiDecision(suggestion=current, changed=False)
    who = current.decided_by.username if current.decided_by else "someone"
    raise CurationError(
        f"This suggestion was already {current.get_status_display().lower()} by {who}.",
        {"status": current.status},
    )


def _column_take_kind(column: Column, kind: str) -> None:
    column.pii_kinds = sorted({*column.pii_kinds, kind})
    column.classification = max(column.classification, pii_kind_classification(kind))
    column.save(update_fields=["pii_kinds", "classification"])
    top = Column.objects.filter(asset_id=column.asset_id).aggregate(top=Max("classification"))[
        "top"
    ]
    Asset.objects.filter(pk=column.asset_id, classification__lt=top).update(classification=top)
    # The asset's PII kinds and classification are policy attributes: its access class changes.
    asset_access_refresh(Asset.objects.select_related("source").get(pk=column.asset_id))
