"""Users and the organisation they belong to."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone


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


class RoleGroup(Group):
    """A role, as the admin shows it: a Django group whose permissions `roles.py` defines."""

    class Meta:
        proxy = True
        verbose_name = "role"
        verbose_name_plural = "roles"


class ApiToken(models.Model):
    """A named key a person gave to a script or tool. Only the SHA-256 digest of the key is kept.

    The key is shown once, when it is created; afterwards only its first characters (`prefix`)
    identify it. A token stops working when it expires or is revoked; revoked rows stay for the
    trail.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=80, help_text="What the token is for, e.g. “nightly export”."
    )
    prefix = models.CharField(max_length=8, db_index=True, help_text="First characters of the key.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_unique_active_name",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="api_token_digest_is_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()
