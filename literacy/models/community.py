"""Community: leaderboard preferences, data-buddy pairings and micro-learning tips."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from literacy.models.learning import Course


class LearnerProfile(models.Model):
    """A learner's own choices; without a row, a person is anonymous on the leaderboard."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    show_on_leaderboard = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Learner profile of {self.user}"


class BuddyPairing(models.Model):
    """HR paired a proficient mentor with a newcomer for a quarter (a mentor takes up to three)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentees_pairings"
    )
    newcomer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_pairings"
    )
    quarter_start = models.DateField()
    quarter_end = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarter_start", "mentor_id", "pk"]
        permissions = [("assign_buddy", "Can pair data buddies")]
        constraints = [
            models.UniqueConstraint(
                fields=["newcomer", "quarter_start"],
                condition=Q(ended_at__isnull=True),
                name="buddypairing_one_mentor_per_quarter",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("newcomer")), name="buddypairing_not_self"
            ),
            models.CheckConstraint(
                condition=Q(quarter_end__gt=models.F("quarter_start")),
                name="buddypairing_quarter_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.newcomer} from {self.quarter_start}"


class Tip(models.Model):
    """A short piece of micro-learning that pages show next to a concept (`{% literacy_tip %}`)."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    body_markdown = models.TextField()
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title
