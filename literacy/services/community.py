"""Writes for the community: leaderboard opt-in and data-buddy pairings."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from literacy.models import BuddyPairing, LearnerProfile
from literacy.selectors import literacy_tier, tier_at_least
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

MAX_NEWCOMERS_PER_MENTOR = 3


class CommunityError(Exception):
    """A community action cannot be done; the message says why."""


def learner_profile_set(*, user: User, show_on_leaderboard: bool) -> LearnerProfile:
    profile, _ = LearnerProfile.objects.update_or_create(
        user=user,
        defaults={"show_on_leaderboard": show_on_leaderboard, "updated_at": timezone.now()},
    )
    return profile


def quarter_bounds(day: date) -> tuple[date, date]:
    """First day of the quarter holding `day`, and the first day of the next quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, end


def buddy_pair(
    *, actor: User, mentor: User, newcomer: User, day: date | None = None
) -> BuddyPairing:
    """HR pairs a proficient mentor (Silver or above) with a newcomer for the quarter of `day`."""
    if not actor.has_perm("literacy.assign_buddy"):
        raise CommunityError("Only HR and platform admins pair data buddies.")
    if mentor.pk == newcomer.pk:
        raise CommunityError("A person cannot mentor themselves.")
    if not tier_at_least(mentor, "silver"):
        raise CommunityError(
            f"{mentor.display_name} is at {literacy_tier(mentor)} tier; a data buddy mentor must "
            "hold Silver (Proficiency) or above."
        )
    start, end = quarter_bounds(day or timezone.localdate())
    with transaction.atomic():
        # Lock the mentor's row: two pairings at once must not exceed the limit.
        User.objects.select_for_update().filter(pk=mentor.pk).first()
        _pair_check(mentor, newcomer, start)
        try:
            with transaction.atomic():
                pairing = BuddyPairing.objects.create(
                    mentor=mentor,
                    newcomer=newcomer,
                    quarter_start=start,
                    quarter_end=end,
                    assigned_by=actor,
                )
        except IntegrityError:
            raise CommunityError(
                f"{newcomer.display_name} already has a mentor this quarter."
            ) from None
        audit_record(
            actor=actor,
            action="literacy.buddy.pair",
            outcome=AuditOutcome.DONE,
            target=pairing,
            detail={
                "mentor": mentor.username,
                "newcomer": newcomer.username,
                "quarter": str(start),
            },
        )
    _pairing_events(pairing)
    return pairing


def _pair_check(mentor: User, newcomer: User, start: date) -> None:
    active = BuddyPairing.objects.filter(mentor=mentor, quarter_start=start, ended_at__isnull=True)
    if active.count() >= MAX_NEWCOMERS_PER_MENTOR:
        raise CommunityError(
            f"{mentor.display_name} already mentors {MAX_NEWCOMERS_PER_MENTOR} newcomers this "
            "quarter; choose another mentor."
        )
    if BuddyPairing.objects.filter(
        mentor=newcomer, newcomer=mentor, quarter_start=start, ended_at__isnull=True
    ).exists():
        raise CommunityError("These two are already paired the other way round this quarter.")


def _pairing_events(pairing: BuddyPairing) -> None:
    # Being paired counts toward badges, for both of them.
    from literacy.services.badges import platform_event_record

    ref = f"pairing:{pairing.pk}"
    platform_event_record(user=pairing.mentor, kind="community.buddy_mentor", ref=ref)
    platform_event_record(user=pairing.newcomer, kind="community.buddy_newcomer", ref=ref)


def buddy_pairing_end(*, actor: User, pairing: BuddyPairing) -> BuddyPairing:
    if not actor.has_perm("literacy.assign_buddy"):
        raise CommunityError("Only HR and platform admins end data-buddy pairings.")
    with transaction.atomic():
        updated = BuddyPairing.objects.filter(pk=pairing.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        if not updated:
            raise CommunityError("This pairing has already ended.")
        audit_record(
            actor=actor, action="literacy.buddy.end", outcome=AuditOutcome.DONE, target=pairing
        )
    pairing.refresh_from_db()
    return pairing
