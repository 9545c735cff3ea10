"""Access governance records: policy versions, access requests, grants, masking and row filters.

The policy engine (`workbench.governance.policy`) evaluates the current version of each policy
document; the governed data path (`workbench.governance.services`) applies masking rules and row
filters to every read. Grants are django-guardian object permissions on `catalog.Asset` with a
`Grant` row beside each that carries purpose, approver and expiry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from workbench.governance.actions import GRANTABLE_ACTIONS, Action


class PolicyKind(models.TextChoices):
    POLICY = "policy", "Policy"
    TEST = "test", "Rego unit tests"


class Policy(models.Model):
    """One Rego document (`policies/<path>`); its text lives in its versions, newest current."""

    path = models.CharField(
        max_length=200, unique=True, help_text='File name in policies/, e.g. "access.rego".'
    )
    package = models.CharField(
        max_length=200, help_text='The Rego package, e.g. "workbench.access".'
    )
    kind = models.CharField(max_length=8, choices=PolicyKind.choices, default=PolicyKind.POLICY)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive documents are kept with their history but not evaluated."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "policies"
        permissions = [("manage_policies", "Can edit and load access policies")]

    def __str__(self) -> str:
        return self.path


class PolicyVersion(models.Model):
    """An immutable version of a policy document: who saved it, when, why, and the diff."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.TextField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the source.")
    diff = models.TextField(blank=True, help_text="Unified diff against the previous version.")
    comment = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_from = models.CharField(
        max_length=16, blank=True, help_text='"command" (policies/ folder), "ui" or "api".'
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.path} v{self.number}"


class PurposeCategory(models.TextChoices):
    ANALYTICS = "analytics", "Analytics and reporting"
    OPERATIONS = "operations", "Operations"
    MODEL_DEVELOPMENT = "model_development", "Model development"
    CUSTOMER_SERVICE = "customer_service", "Customer service"
    COMPLIANCE = "compliance", "Compliance and audit"
    RESEARCH = "research", "Research"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    CANCELLED = "cancelled", "Cancelled"


_GRANTABLE = [(action.value, action.label) for action in GRANTABLE_ACTIONS]


class AccessRequest(models.Model):
    """A user asks to do one action on one asset, for a purpose and a time; stewards decide."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    asset = models.ForeignKey(
        "catalog.Asset", on_delete=models.CASCADE, related_name="access_requests"
    )
    action = models.CharField(max_length=16, choices=_GRANTABLE)
    unmasked = models.BooleanField(
        default=False, help_text="Asks to see personal and classified values unmasked."
    )
    purpose_category = models.CharField(max_length=24, choices=PurposeCategory.choices)
    purpose = models.TextField(help_text="Why the access is needed, in the requester's words.")
    duration_days = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="When the decision is due (the SLA clock).")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_decisions",
    )
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_accessrequest", "Can approve or deny access requests")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in RequestStatus]),
                name="access_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=365),
                name="access_request_duration_valid",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requester")),
                name="access_request_not_self_decided",
            ),
            # One open request per user, asset and action: a double submit cannot queue two.
            models.UniqueConstraint(
                fields=["requester", "asset", "action"],
                condition=Q(status="pending"),
                name="access_request_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="access_request_queue_idx")]

    def __str__(self) -> str:
        return f"{self.requester} → {self.action} {self.asset}"


class Grant(models.Model):
    """A time-bound permission to do one action on one asset, from an approved request (or an
    admin). The matching guardian object permission exists while the grant is live."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    asset = models.ForeignKey("catalog.Asset", on_delete=models.CASCADE, related_name="grants")
    action = models.CharField(max_length=16, choices=_GRANTABLE)
    unmasked = models.BooleanField(default=False)
    purpose_category = models.CharField(max_length=24, choices=PurposeCategory.choices)
    purpose = models.TextField()
    request = models.OneToOneField(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When the expiry sweep removed the object permission."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        permissions = [("revoke_grant", "Can revoke access grants")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="grant_expires_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "asset", "action"], name="grant_lookup_idx"),
            models.Index(fields=["expires_at"], name="grant_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} may {self.action} {self.asset}"

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.starts_at <= now < self.expires_at


class MaskingOperator(models.TextChoices):
    REDACT = "redact", "Redact"
    PARTIAL = "partial", "Partial mask (keep last N)"
    HASH = "hash", "Keyed hash (HMAC, joinable)"
    TOKENIZE = "tokenize", "Reversible token (vault)"
    GENERALIZE = "generalize", "Generalise (date, age, postcode)"
    SURROGATE = "surrogate", "Synthetic surrogate"
    NULL = "null", "Null"


class MaskingRule(models.Model):
    """How values of one PII kind, or of columns at or above one classification, are masked.

    A column's PII kinds are matched first (the highest `priority` wins); otherwise the rule of
    the highest classification at or below the column's applies.
    """

    name = models.CharField(max_length=120, unique=True)
    pii_kind = models.CharField(max_length=32, blank=True)
    classification = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Applies to columns at or above this classification."
    )
    operator = models.CharField(max_length=12, choices=MaskingOperator.choices)
    params = models.JSONField(
        default=dict,
        blank=True,
        help_text='e.g. {"keep_last": 4} or {"granularity": "year"} or {"prefix": 2}.',
    )
    priority = models.SmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(pii_kind="") & Q(classification__isnull=False))
                | (~Q(pii_kind="") & Q(classification__isnull=True)),
                name="masking_rule_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RowFilterAttribute(models.TextChoices):
    REGION = "region", "User's region"
    DEPARTMENT = "department", "User's department code"


class RowFilter(models.Model):
    """Only rows whose `column` equals the reader's attribute, on one asset or a whole domain."""

    name = models.CharField(max_length=120, unique=True)
    asset = models.ForeignKey(
        "catalog.Asset", null=True, blank=True, on_delete=models.CASCADE, related_name="row_filters"
    )
    domain = models.ForeignKey(
        "catalog.Domain", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    column = models.CharField(max_length=255)
    user_attribute = models.CharField(max_length=16, choices=RowFilterAttribute.choices)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(asset__isnull=False) | Q(domain__isnull=False),
                name="row_filter_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VaultToken(models.Model):
    """A reversible token for one value: the value is kept encrypted, looked up by keyed hash
    so the same value always gets the same token. Detokenising is its own audited permission."""

    token = models.CharField(max_length=64, unique=True)
    value_digest = models.CharField(max_length=64, unique=True, help_text="HMAC of the value.")
    value_encrypted = models.TextField()
    pii_kind = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        permissions = [("detokenize", "Can turn vault tokens back into the values")]

    def __str__(self) -> str:
        return self.token


__all__ = [
    "AccessRequest",
    "Action",
    "Grant",
    "MaskingOperator",
    "MaskingRule",
    "Policy",
    "PolicyKind",
    "PolicyVersion",
    "PurposeCategory",
    "RequestStatus",
    "RowFilter",
    "RowFilterAttribute",
    "VaultToken",
]
