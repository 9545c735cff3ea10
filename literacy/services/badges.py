"""Writes for badges: criteria evaluation, awards issued as signed credentials, revocation, and
platform events (the documented way other parts of the platform report what people did)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from literacy.credentials import credential_build, credential_sign
from literacy.models import (
    Badge,
    BadgeAward,
    BadgeCriterion,
    CourseProgress,
    CriterionKind,
    PlatformEvent,
    QuizAttempt,
)
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

logger = logging.getLogger(__name__)

# Awarder role value meaning "the recipient's line manager" (e.g. an "Insight of the Month").
MANAGER_AWARDER = "Manager"
# Kinds of platform events this platform reports (others may be posted through the API).
KNOWN_EVENT_KINDS = {
    "catalog.dataset_certified": "Certified a dataset",
    "governance.access_approved": "Had an access request with a stated purpose approved",
    "sandbox.prompt_run": "Ran a prompt in the sandbox",
    "sandbox.model_promoted": "Had a citizen model promoted",
    "community.buddy_mentor": "Mentored a newcomer as a data buddy",
    "community.buddy_newcomer": "Was mentored by a data buddy",
}


class BadgeError(Exception):
    """A badge cannot be awarded or revoked; the message says why."""


def platform_event_record(
    *,
    user: User,
    kind: str,
    ref: str = "",
    occurred_at: datetime | None = None,
    recorded_by: User | None = None,
) -> tuple[PlatformEvent, bool]:
    """Record that `user` did `kind` (e.g. "catalog.dataset_certified") about `ref`, once.

    Idempotent per (user, kind, ref): reporting the same event again changes nothing and returns
    (the existing event, False). New events re-evaluate the person's badges, so a badge whose
    count is reached is awarded at once, exactly once.
    """
    try:
        with transaction.atomic():
            event, created = PlatformEvent.objects.get_or_create(
                user=user,
                kind=kind,
                ref=ref[:200],
                defaults={"occurred_at": occurred_at or timezone.now(), "recorded_by": recorded_by},
            )
    except IntegrityError:  # a concurrent report of the same event won the race
        return PlatformEvent.objects.get(user=user, kind=kind, ref=ref[:200]), False
    if created:
        badges_evaluate(user=user)
    return event, created


def badges_evaluate(*, user: User) -> list[BadgeAward]:
    """Award every automatic badge whose criteria the user now meets; returns the new awards.

    Repeats until nothing new is earned (a badge may require another). A badge once awarded,
    even if revoked later, is never awarded again by the rules.
    """
    new: list[BadgeAward] = []
    while True:
        earned = [b for b in _candidates(user) if _criteria_met(user, b)]
        fresh = [a for a in (_award_auto(user, b) for b in earned) if a is not None]
        if not fresh:
            return new
        new.extend(fresh)


def _candidates(user: User) -> list[Badge]:
    held = BadgeAward.objects.filter(user=user).values("badge_id")
    return list(
        Badge.objects.filter(is_active=True, criteria__isnull=False)
        .exclude(pk__in=held)
        .exclude(criteria__kind=CriterionKind.MANUAL)
        .distinct()
        .prefetch_related("criteria")
    )


def _criteria_met(user: User, badge: Badge) -> bool:
    return all(_criterion_met(user, c) for c in badge.criteria.all())


def _criterion_met(user: User, criterion: BadgeCriterion) -> bool:
    kind = criterion.kind
    if kind == CriterionKind.COURSE_COMPLETED and criterion.course_id is not None:
        return CourseProgress.objects.filter(
            user=user, course_id=criterion.course_id, completed_at__isnull=False
        ).exists()
    if kind == CriterionKind.QUIZ_PASSED and criterion.quiz_id is not None:
        return QuizAttempt.objects.filter(
            user=user, quiz_id=criterion.quiz_id, passed=True
        ).exists()
    if kind == CriterionKind.BADGE_EARNED and criterion.required_badge_id is not None:
        return BadgeAward.objects.filter(
            user=user, badge_id=criterion.required_badge_id, revoked_at__isnull=True
        ).exists()
    if kind == CriterionKind.PLATFORM_EVENT:
        count = PlatformEvent.objects.filter(user=user, kind=criterion.event_kind).count()
        return count >= criterion.min_count
    return False


def _award_auto(user: User, badge: Badge) -> BadgeAward | None:
    evidence = [
        {"name": c.get_kind_display(), "narrative": _criterion_text(c)}
        for c in badge.criteria.all()
    ]
    try:
        return award_issue(badge=badge, user=user, awarded_by=None, citation="", evidence=evidence)
    except IntegrityError:  # awarded meanwhile by a concurrent evaluation: exactly once
        return None


def _criterion_text(criterion: BadgeCriterion) -> str:
    if criterion.kind == CriterionKind.COURSE_COMPLETED and criterion.course:
        return f"Completed the course “{criterion.course.title}”."
    if criterion.kind == CriterionKind.QUIZ_PASSED and criterion.quiz:
        return f"Passed the quiz “{criterion.quiz.title}”."
    if criterion.kind == CriterionKind.BADGE_EARNED and criterion.required_badge:
        return f"Holds the badge “{criterion.required_badge.name}”."
    if criterion.kind == CriterionKind.PLATFORM_EVENT:
        what = KNOWN_EVENT_KINDS.get(criterion.event_kind, criterion.event_kind)
        return f"{what} ({criterion.min_count}× or more)."
    return f"Awarded by the {criterion.awarder_role} role."


def award_issue(
    *,
    badge: Badge,
    user: User,
    awarded_by: User | None,
    citation: str,
    evidence: list[dict[str, str]],
) -> BadgeAward:
    """Create the award and its signed credential in one transaction; IntegrityError if held."""
    with transaction.atomic():
        award = BadgeAward.objects.create(
            badge=badge, user=user, awarded_by=awarded_by, citation=citation, evidence=evidence
        )
        # The award's id is its bit in the revocation list: unique, and never reused.
        award.status_index = award.pk
        award.credential_jwt = credential_sign(credential_build(award))
        award.save(update_fields=["status_index", "credential_jwt"])
        audit_record(
            actor=awarded_by,
            actor_username="" if awarded_by else "badge rules",
            action="literacy.badge.award",
            outcome=AuditOutcome.DONE,
            target=award,
            detail={"badge": badge.slug, "recipient": user.username, "manual": bool(awarded_by)},
        )
    return award


def can_award_by_hand(*, actor: User, badge: Badge, recipient: User) -> bool:
    """HR and platform admins award any badge; a manual criterion names who else may."""
    if not (actor.is_authenticated and actor.is_active) or actor.pk == recipient.pk:
        return False
    if actor.has_perm("literacy.award_badge"):
        return True
    for criterion in badge.criteria.all():
        if criterion.kind != CriterionKind.MANUAL:
            continue
        if criterion.awarder_role == MANAGER_AWARDER and recipient.manager_id == actor.pk:
            return True
        if actor.groups.filter(name=criterion.awarder_role).exists():
            return True
    return False


def badge_award_by_hand(*, actor: User, badge: Badge, recipient: User, citation: str) -> BadgeAward:
    """Award a badge by hand, with a citation saying why; audited (refusals too)."""
    citation = citation.strip()
    if not can_award_by_hand(actor=actor, badge=badge, recipient=recipient):
        _refuse(actor, badge, recipient, "Not allowed to award this badge to this person.")
        raise BadgeError(
            "You may not award this badge to this person: HR awards badges, and a manager "
            "awards manager-given badges to their own reports (never to themselves)."
        )
    if not citation:
        raise BadgeError("Write a citation: what the person did to earn the badge.")
    if not badge.is_active:
        raise BadgeError("This badge is retired and can no longer be awarded.")
    try:
        return award_issue(
            badge=badge,
            user=recipient,
            awarded_by=actor,
            citation=citation,
            evidence=[{"name": "Citation", "narrative": citation}],
        )
    except IntegrityError:
        raise BadgeError(f"{recipient.display_name} already holds “{badge.name}”.") from None


def _refuse(actor: User, badge: Badge, recipient: User, reason: str) -> None:
    audit_record(
        actor=actor,
        action="literacy.badge.award",
        outcome=AuditOutcome.DENIED,
        target=badge,
        reason=reason,
        detail={"recipient": recipient.username},
    )


def badge_award_revoke(*, actor: User, award: BadgeAward, reason: str) -> BadgeAward:
    """Revoke an award: its bit in the published status list flips; the row stays for the trail."""
    reason = reason.strip()
    if not actor.has_perm("literacy.award_badge"):
        raise BadgeError("Only HR and platform admins revoke badges.")
    if not reason:
        raise BadgeError("Say why the badge is revoked; the reason is kept with the record.")
    with transaction.atomic():
        updated = BadgeAward.objects.filter(pk=award.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor, revocation_reason=reason
        )
        if not updated:
            raise BadgeError("This award is already revoked.")
        audit_record(
            actor=actor,
            action="literacy.badge.revoke",
            outcome=AuditOutcome.DONE,
            target=award,
            reason=reason,
            detail={"badge": award.badge.slug, "recipient": award.user.username},
        )
    award.refresh_from_db()
    return award
