"""Users and the organisation they belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Region(models.TextChoices):
    """Data-residency region a user works in; policies compare it with an asset's residency."""

    EU = "EU", "Europe (EU)"
    US = "US", "United States"
    APAC = "APAC", "Asia-Pacific"


class Clearance(models.IntegerChoices):
    """How sensitive the data a user may see can be; ordered, so policies compare with >=."""

    PUBLIC = 0, "Public"
    INTERNAL = 1, "Internal"
    CONFIDENTIAL = 2, "Confidential"
    RESTRICTED = 3, "Restricted"


class Department(models.Model):
    """A unit of the organisation; departments form a tree (Group > Marketing > Growth)."""

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, unique=True, help_text="Short stable identifier.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="department_unique_name"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles are groups; the fields below are attributes policies read."""

    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    job_title = models.CharField(max_length=120, blank=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    region = models.CharField(max_length=8, choices=Region.choices, default=Region.EU)
    clearance = models.PositiveSmallIntegerField(
        choices=Clearance.choices, default=Clearance.INTERNAL
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")), name="user_not_own_manager"
            ),
            models.CheckConstraint(
                condition=Q(region__in=[choice.value for choice in Region]),
                name="user_region_valid",
            ),
            models.CheckConstraint(
                condition=Q(clearance__gte=Clearance.PUBLIC, clearance__lte=Clearance.RESTRICTED),
                name="user_clearance_valid",
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
