"""The catalog: sources, the assets found in them, their curation, scans and what scans measured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from workbench.accounts.models import Region
from workbench.accounts.roles import Role

if TYPE_CHECKING:
    from workbench.accounts.models import User


class Classification(models.IntegerChoices):
    """How sensitive an asset or column is; ordered like a user's clearance, so policies compare."""

    PUBLIC = 0, "Public"
    INTERNAL = 1, "Internal"
    CONFIDENTIAL = 2, "Confidential"
    RESTRICTED = 3, "Restricted"


class Domain(models.Model):
    """A business area that owns data (Sales, HR, Finance); its owner and stewards curate it."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_domains",
    )
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stewarded_domains"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    POSTGRESQL = "postgresql", "PostgreSQL"
    MYSQL = "mysql", "MySQL / MariaDB"
    SQLITE = "sqlite", "SQLite"
    FILES = "files", "Files (CSV, Parquet)"


class DataSource(models.Model):
    """A database or folder of files that the catalog scans.

    The password is stored encrypted (`catalog.crypto`) and is never shown again after saving.
    """

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    description = models.TextField(blank=True)
    host = models.CharField(max_length=255, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    database = models.CharField(max_length=255, blank=True)
    username = models.CharField(max_length=255, blank=True)
    password_encrypted = models.TextField(blank=True, editable=False)
    path = models.CharField(
        max_length=1024, blank=True, help_text="SQLite file, or the folder of CSV/Parquet files."
    )
    options = models.JSONField(default=dict, blank=True, help_text='e.g. {"sslmode": "require"}')
    include_schemas = models.JSONField(
        default=list, blank=True, help_text="Schemas to scan; empty means all but system schemas."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_sources",
    )
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    residency = models.CharField(max_length=8, choices=Region.choices, default=Region.EU)
    scan_schedule = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in SourceKind]),
                name="catalog_source_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(residency__in=[choice.value for choice in Region]),
                name="catalog_source_residency_valid",
            ),
        ]
        permissions = [("scan_datasource", "Can start a scan of a data source")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)


class Tag(models.Model):
    """A free label stewards put on assets and columns (e.g. "finance", "gdpr-article-9")."""

    name = models.CharField(max_length=64, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GlossaryTerm(models.Model):
    """A business term with its agreed definition, linked to the tables and columns that hold it."""

    name = models.CharField(max_length=120, unique=True)
    definition = models.TextField()
    synonyms = models.JSONField(default=list, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms"
    )
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssetKind(models.TextChoices):
    TABLE = "table", "Table"
    VIEW = "view", "View"


class AssetStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed from the source"


DISCOVERY_ACTIONS = frozenset({"discover", "preview"})
DISCOVER_PERMISSION = "catalog.view_asset"


def user_is_platform_admin(user: Any) -> bool:
    """Platform admins see and curate everywhere; the answer is cached on the user object."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_wb_is_platform_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=Role.PLATFORM_ADMIN.value).exists()
        user._wb_is_platform_admin = cached
    return bool(cached)


def user_may_discover(user: Any) -> bool:
    """Signed in, active and holding the catalog's discover permission (every role but none)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(DISCOVER_PERMISSION))


class AssetQuerySet(models.QuerySet["Asset"]):
    """Assets filtered in SQL by what the access policies let a user do with them."""

    def visible_to(
        self, user: User | Any, action: str = "discover", *, include_removed: bool = False
    ) -> AssetQuerySet:
        """The assets on which the policies (`policies/*.rego`) allow `user` to do `action`, as
        one SQL filter (`workbench.governance.policy.assets_permitted`): classes of assets the
        policies allow, the user's stewardship where they allow stewards, and live grants.
        Removed assets are hidden unless asked for; anonymous and inactive users see nothing."""
        from workbench.governance.policy.filters import assets_permitted

        queryset = self if include_removed else self.filter(status=AssetStatus.ACTIVE)
        return assets_permitted(user, action, queryset)  # type: ignore[return-value]

    def curatable_by(self, user: User | Any) -> AssetQuerySet:
        """Assets whose metadata the user may change: their own, their domain's, or any (admin)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user_is_platform_admin(user):
            return self
        return self.filter(_stewardship_q(user))


def _stewardship_q(user: User | Any) -> Q:
    # Subqueries, not joins: the M2M tables would duplicate rows and defeat the planner.
    domains = Domain.objects.filter(Q(owner=user) | Q(stewards=user)).values("pk")
    stewarded = Asset.stewards.through.objects.filter(user_id=user.pk).values("asset_id")
    return Q(owner=user) | Q(domain_id__in=domains) | Q(pk__in=stewarded)


class Asset(models.Model):
    """A table or view found in a source. Scans keep it in step; stewards curate it.

    Dropped in the source, it is marked removed (never deleted), so history and lineage keep it.
    """

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="assets")
    database_name = models.CharField(max_length=255, blank=True)
    schema_name = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=AssetKind.choices, default=AssetKind.TABLE)
    status = models.CharField(max_length=8, choices=AssetStatus.choices, default=AssetStatus.ACTIVE)
    comment = models.TextField(blank=True, help_text="The comment the source itself carries.")
    description = models.TextField(blank=True, help_text="Markdown, written by stewards.")
    view_sql = models.TextField(blank=True)
    row_count = models.BigIntegerField(null=True, blank=True)
    row_count_is_estimate = models.BooleanField(default=False)
    primary_key = models.JSONField(default=list, blank=True)
    foreign_keys = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_assets",
    )
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stewarded_assets"
    )
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.INTERNAL
    )
    is_classified = models.BooleanField(
        default=False, help_text="A steward set or confirmed the classification."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="assets")
    terms = models.ManyToManyField(GlossaryTerm, blank=True, related_name="assets")
    is_certified = models.BooleanField(default=False)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    certified_at = models.DateTimeField(null=True, blank=True)
    certification_expires_at = models.DateTimeField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    pii_kinds = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Sorted union of the active columns' PII kinds, as policies read them.",
    )
    access_class = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Key of the asset's policy attribute class (classification, domain, residency, "
        "certification, PII kinds); lists are filtered by the classes a user may use.",
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text="Names, descriptions, column names, tags and terms, as search reads them; "
        "rewritten by catalog.search.asset_search_refresh whenever a service changes them.",
    )

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "schema_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "schema_name", "name"], name="catalog_asset_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in AssetKind]),
                name="catalog_asset_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in AssetStatus]),
                name="catalog_asset_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    classification__gte=Classification.PUBLIC,
                    classification__lte=Classification.RESTRICTED,
                ),
                name="catalog_asset_classification_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["classification", "domain"], name="catalog_asset_class_idx"),
            models.Index(fields=["status", "is_certified"], name="catalog_asset_status_idx"),
        ]
        permissions = [
            ("curate_asset", "Can curate catalog assets (description, owners, tags, terms)"),
            ("certify_asset", "Can certify an asset as a trusted (golden) dataset"),
            # Object permissions held through django-guardian by grants from access requests
            # (workbench.governance.actions.grant_codename); never given to a role.
            ("grant_discover", "Granted: discover this asset"),
            ("grant_preview", "Granted: preview this asset"),
            ("grant_query", "Granted: query this asset"),
            ("grant_use_in_sandbox", "Granted: use this asset in the prompt sandbox"),
            ("grant_train_model", "Granted: train a model on this asset"),
            ("grant_export", "Granted: export this asset"),
        ]

    def __str__(self) -> str:
        return self.qualified_name

    @property
    def qualified_name(self) -> str:
        return f"{self.schema_name}.{self.name}" if self.schema_name else self.name

    @property
    def is_certification_current(self) -> bool:
        """Certified, and the certification has not expired."""
        from django.utils import timezone

        expires = self.certification_expires_at
        return self.is_certified and (expires is None or expires > timezone.now())


class Column(models.Model):
    """A column of a table or view, with what scans found and what stewards decided about it."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(max_length=255)
    ordinal = models.PositiveIntegerField()
    data_type = models.CharField(max_length=255)
    is_nullable = models.BooleanField(default=True)
    default = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    description = models.TextField(blank=True)
    is_primary_key = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=AssetStatus.choices, default=AssetStatus.ACTIVE)
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.INTERNAL
    )
    pii_kinds = models.JSONField(
        default=list, blank=True, help_text="PII kinds a steward accepted (drive masking)."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="columns")
    terms = models.ManyToManyField(GlossaryTerm, blank=True, related_name="columns")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asset", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "name"], name="catalog_column_unique_name"),
            models.CheckConstraint(
                condition=Q(
                    classification__gte=Classification.PUBLIC,
                    classification__lte=Classification.RESTRICTED,
                ),
                name="catalog_column_classification_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset}.{self.name}"


class ScanKind(models.TextChoices):
    FULL = "full", "Metadata, profile, PII and quality"
    METADATA = "metadata", "Metadata only"
    QUALITY = "quality", "Quality checks only"


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Finished with warnings"
    FAILED = "failed", "Failed"


ACTIVE_SCAN_STATUSES = (ScanStatus.QUEUED, ScanStatus.RUNNING)


class ScanRun(models.Model):
    """One background scan of a source: its phase, progress, counts, log and outcome."""

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="scan_runs")
    kind = models.CharField(max_length=10, choices=ScanKind.choices, default=ScanKind.FULL)
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    phase = models.CharField(max_length=40, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ScanStatus]),
                name="catalog_scan_status_valid",
            ),
            # At most one queued or running scan per source: a second request gets the first.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=["queued", "running"]),
                name="catalog_scan_one_active_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"Scan #{self.pk} of {self.source}"

    @property
    def is_finished(self) -> bool:
        return self.status not in ACTIVE_SCAN_STATUSES

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def duration_seconds(self) -> float | None:
        if not (self.started_at and self.finished_at):
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ScanLogEntry(models.Model):
    """One line of a scan's run log, shown live on the scan page."""

    class Level(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="log_entries")
    at = models.DateTimeField(auto_now_add=True)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.INFO)
    message = models.TextField()

    class Meta:
        ordering = ["run", "id"]

    def __str__(self) -> str:
        return f"{self.level}: {self.message[:60]}"


class ChangeKind(models.TextChoices):
    TABLE_ADDED = "table_added", "Table added"
    TABLE_REMOVED = "table_removed", "Table removed"
    TABLE_RESTORED = "table_restored", "Table reappeared"
    COLUMN_ADDED = "column_added", "Column added"
    COLUMN_REMOVED = "column_removed", "Column removed"
    COLUMN_RETYPED = "column_retyped", "Column type changed"


class SchemaChange(models.Model):
    """A change a scan found in a source's structure; the asset's stewards are told about it."""

    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="changes")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="changes")
    column_name = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    before = models.CharField(max_length=255, blank=True)
    after = models.CharField(max_length=255, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.asset} {self.column_name}".strip()


class TableProfile(models.Model):
    """Table-level figures a scan measured on a bounded sample, kept per run for trends."""

    run = models.ForeignKey(ScanRun, on_delete=models.CASCADE, related_name="table_profiles")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="profiles")
    row_count = models.BigIntegerField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(default=0)
    profiled_at = models.DateTimeField(auto_now_add=True)
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-profiled_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "asset"], name="catalog_profile_once_per_run")
        ]

    def __str__(self) -> str:
        return f"Profile of {self.asset} in run {self.run_id}"


class ColumnProfile(models.Model):
    """A column's figures in one run: nulls, distinct, min/max, mean, stddev, top values."""

    table_profile = models.ForeignKey(
        TableProfile, on_delete=models.CASCADE, related_name="column_profiles"
    )
    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="profiles")
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["column__ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["table_profile", "column"], name="catalog_column_profile_once"
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.column}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a steward"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class PiiSuggestion(models.Model):
    """A scan's suggestion that a column holds a kind of personal data, with its confidence.

    A steward accepts (the column's PII kinds and classification follow) or rejects it. A rejected
    suggestion comes back only when the evidence's fingerprint changes (the data changed).
    """

    column = models.ForeignKey(Column, on_delete=models.CASCADE, related_name="pii_suggestions")
    kind = models.CharField(max_length=40)
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    method = models.CharField(max_length=16, blank=True)
    evidence = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=8, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    run = models.ForeignKey(
        ScanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-confidence", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["column", "kind"], name="catalog_suggestion_unique"),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1),
                name="catalog_suggestion_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in SuggestionStatus]),
                name="catalog_suggestion_status_valid",
            ),
        ]
        permissions = [("review_pii", "Can accept or reject PII suggestions")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.column} ({self.confidence})"


class QualityCheckKind(models.TextChoices):
    NOT_NULL = "not_null", "Not null"
    UNIQUE = "unique", "Unique"
    ACCEPTED_VALUES = "accepted_values", "Accepted values"
    RANGE = "range", "Range"
    REGEX = "regex", "Matches a pattern"
    FRESHNESS = "freshness", "Freshness"
    ROW_COUNT = "row_count", "Row count between"
    CUSTOM_SQL = "custom_sql", "Custom SQL"


class QualityCheck(models.Model):
    """A rule a steward set on a table or column; scans and its schedule run it."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="quality_checks")
    column = models.ForeignKey(
        Column, null=True, blank=True, on_delete=models.CASCADE, related_name="quality_checks"
    )
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=QualityCheckKind.choices)
    params = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_status = models.CharField(max_length=8, blank=True)  # passed | failed | error | ""
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asset", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in QualityCheckKind]),
                name="catalog_quality_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QualityResult(models.Model):
    """One run of a quality check: passed or not, what was observed, and when."""

    quality_check = models.ForeignKey(
        QualityCheck, on_delete=models.CASCADE, related_name="results"
    )
    run = models.ForeignKey(
        ScanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="quality_results"
    )
    status = models.CharField(max_length=8)  # passed | failed | error
    observed = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ran_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["passed", "failed", "error"]),
                name="catalog_quality_result_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quality_check} {self.status}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class CatalogExport(models.Model):
    """One export of a source's catalog as OpenMetadata entity JSON lines, built by a worker.

    The file lives in `content` (the database), not on a disk: web and workers may run on different
    machines without shared storage, the file commits together with its status, and a catalog's
    metadata is small (the 17-table sample warehouse gives about 60 kB). Old exports are pruned.
    """

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    error = models.TextField(blank=True)
    entity_count = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    content = models.TextField(blank=True, help_text="The JSON lines, one entity per line.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ExportStatus]),
                name="catalog_export_status_valid",
            ),
            # One queued or running export per source: a second request gets the first.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=["queued", "running"]),
                name="catalog_export_one_active_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.source_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.SUCCEEDED, ExportStatus.FAILED)

    @property
    def filename(self) -> str:
        from django.utils.text import slugify

        stamp = self.created_at.strftime("%Y%m%d-%H%M%S") if self.created_at else "new"
        return f"{slugify(self.source.name) or 'source'}-openmetadata-{stamp}.jsonl"
