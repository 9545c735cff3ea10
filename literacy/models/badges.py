"""Badges, what earns them, awards issued as Open Badges 3.0 credentials, and platform events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from literacy.models.learning import Course, Quiz, Tier


class Badge(models.Model):
    """An achievement people earn; the Bronze, Silver and Gold badges define the literacy tier."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField()
    criteria_narrative = models.TextField(
        help_text="What a person did to earn the badge, in words (published in the credential)."
    )
    tier = models.CharField(max_length=8, choices=Tier.choices, blank=True, default="")
    points = models.PositiveSmallIntegerField(default=10)
    colour = models.CharField(max_length=7, default="#2f6f4f", help_text="Hex colour of the image.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        permissions = [("award_badge", "Can award and revoke badges by hand")]
        constraints = [
            models.UniqueConstraint(
                fields=["tier"], condition=~Q(tier=""), name="badge_one_per_tier"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=["", *[t.value for t in Tier]]), name="badge_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="badge_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CriterionKind(models.TextChoices):
    COURSE_COMPLETED = "course_completed", "Completed a course"
    QUIZ_PASSED = "quiz_passed", "Passed a quiz"
    BADGE_EARNED = "badge_earned", "Earned another badge"
    MANUAL = "manual", "Awarded by hand"
    PLATFORM_EVENT = "platform_event", "Platform events"


class BadgeCriterion(models.Model):
    """One condition of a badge; a badge is earned when all of its criteria are met."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=16, choices=CriterionKind.choices)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    required_badge = models.ForeignKey(
        Badge, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_kind = models.CharField(max_length=64, blank=True)
    min_count = models.PositiveIntegerField(default=1)
    awarder_role = models.CharField(
        max_length=40, blank=True, help_text="For manual awards: the role that may award it."
    )

    class Meta:
        ordering = ["badge_id", "pk"]
        verbose_name_plural = "badge criteria"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="course_completed", course__isnull=False)
                    | Q(kind="quiz_passed", quiz__isnull=False)
                    | Q(kind="badge_earned", required_badge__isnull=False)
                    | Q(kind="manual", awarder_role__gt="")
                    | Q(kind="platform_event", event_kind__gt="")
                ),
                name="badgecriterion_target_matches_kind",
            ),
            models.CheckConstraint(condition=Q(min_count__gte=1), name="badgecriterion_min_count"),
            models.CheckConstraint(
                condition=~Q(required_badge=models.F("badge")), name="badgecriterion_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge}: {self.get_kind_display()}"


class BadgeAward(models.Model):
    """A badge given to a person, with the signed Open Badges 3.0 credential that proves it.

    `status_index` is the award's bit in the published revocation status list. A revoked award
    stays (the credential stays verifiable as revoked); automatic criteria never re-award it.
    """

    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    awarded_at = models.DateTimeField(default=timezone.now)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    citation = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    credential_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True)
    credential_jwt = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["badge", "user"], name="badgeaward_once_per_person"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="badgeaward_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} for {self.user}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PlatformEvent(models.Model):
    """Something a person did elsewhere on the platform that badges can count.

    Recorded once per (user, kind, ref): the same event reported twice is one event.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_events"
    )
    kind = models.CharField(max_length=64)
    ref = models.CharField(max_length=200, blank=True, default="")
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        permissions = [("record_platformevent", "Can report platform events for people")]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "ref"], name="platformevent_once"),
            models.CheckConstraint(
                condition=Q(kind__regex=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"),
                name="platformevent_kind_dotted",
            ),
        ]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="platformevent_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user}"
