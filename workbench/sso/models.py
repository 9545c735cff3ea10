"""How the identity provider's claims become a user's attributes and roles; who signed in how."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from workbench.accounts.roles import Role


class MappedAttribute(models.TextChoices):
    """A user attribute that a claim fills at each sign-in."""

    USERNAME = "username", "Username"
    EMAIL = "email", "Email address"
    FIRST_NAME = "first_name", "First name"
    LAST_NAME = "last_name", "Last name"
    DEPARTMENT = "department", "Department (code)"
    JOB_TITLE = "job_title", "Job title"
    MANAGER = "manager", "Manager (username or email)"
    REGION = "region", "Region"
    CLEARANCE = "clearance", "Clearance"
    GROUPS = "groups", "Groups (mapped to roles)"


class ClaimMapping(models.Model):
    """Which claim of the ID token or userinfo fills one user attribute, and if it must be sent.

    A required claim that is missing refuses the sign-in; a missing optional one leaves it empty.
    """

    attribute = models.CharField(max_length=16, choices=MappedAttribute.choices, unique=True)
    claim = models.CharField(
        max_length=120, help_text="Name of the claim, e.g. preferred_username or department."
    )
    is_required = models.BooleanField(
        default=True, help_text="Refuse the sign-in when the provider does not send this claim."
    )

    class Meta:
        ordering = ["attribute"]
        constraints = [models.CheckConstraint(condition=~Q(claim=""), name="claim_mapping_named")]

    def __str__(self) -> str:
        return f"{self.get_attribute_display()} ← {self.claim}"


class GroupRoleMapping(models.Model):
    """A group value the provider sends, and the role it gives (none: known, but gives no role).

    A group that has no row here refuses the sign-in: a new group is never guessed into a role.
    """

    group = models.CharField(max_length=200, unique=True, help_text="The group value as sent.")
    role = models.CharField(
        max_length=40,
        choices=[(role.value, role.value) for role in Role],
        blank=True,
        help_text="Leave empty for a group that is known but gives no role here.",
    )

    class Meta:
        ordering = ["group"]
        verbose_name = "group → role mapping"

    def __str__(self) -> str:
        return f"{self.group} → {self.role or '(no role)'}"


class SsoIdentity(models.Model):
    """The provider's account (issuer and subject) that signs in as this user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_identity_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"
