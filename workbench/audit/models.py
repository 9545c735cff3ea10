"""Audit events, the head of their hash chain, and the record of chain verifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    """One thing that happened: who did what to which object, with what outcome and why.

    Rows are never updated or deleted (a PostgreSQL trigger refuses both). Each row's `hash` is an
    HMAC, under the audit key `key_id` names, of its content and the previous row's hash, so
    `manage.py audit_verify` finds any row that was altered, removed or put out of order, even by
    someone who can write to the database but does not hold the key.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for anonymous or system actions; users with events are deactivated, "
        "never deleted.",
    )
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=8, choices=AuditOutcome.choices)
    reason = models.TextField(blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip = models.CharField(max_length=45, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(
        max_length=16, help_text="Fingerprint of the audit key that signed this row."
    )

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=[choice.value for choice in AuditOutcome]),
                name="audit_outcome_valid",
            ),
        ]
        permissions = [("view_audit_trail", "Can view and export the audit trail")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.actor_username or 'anonymous'}"


class AuditChainHead(models.Model):
    """The single row that says where the chain ends; writers lock it to append in order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"Chain head at #{self.sequence}"


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Chain broken"
    ERROR = "error", "Could not run"


ACTIVE_VERIFICATION_STATUSES = [VerificationStatus.QUEUED.value, VerificationStatus.RUNNING.value]


class AuditVerification(models.Model):
    """One run of the chain check, started by a person or by the nightly schedule.

    At most one check is queued or running at a time (a partial unique index says so): asking
    again while one is under way joins it. `rows_total` is the chain head when the check started;
    the check covers rows 1 to that number.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_checked = models.PositiveBigIntegerField(default=0)
    problem_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in VerificationStatus]),
                name="audit_verification_status_valid",
            ),
            models.UniqueConstraint(
                models.Value(1),
                condition=Q(status__in=ACTIVE_VERIFICATION_STATUSES),
                name="audit_one_active_verification",
            ),
        ]

    def __str__(self) -> str:
        return f"Chain check #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            VerificationStatus.PASSED,
            VerificationStatus.FAILED,
            VerificationStatus.ERROR,
        }

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_checked * 100 / self.rows_total))
