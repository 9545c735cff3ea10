"""What the identity provider's SCIM client knows about a user it provisioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProvisionedUser(models.Model):
    """A user managed over SCIM: the provider's own id for them, and when SCIM last changed them.

    `deleted_at` is set by a SCIM DELETE: the account stays (deactivated) for the audit trail, but
    SCIM no longer returns it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provisioning"
    )
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "provisioned user"
        indexes = [models.Index(fields=["external_id"], name="scim_external_id_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.external_id or 'no external id'})"
