"""Workbench settings, read from environment variables (see README "Configuration").

With no variable set this is a production-safe configuration on the embedded default: SQLite and a
Celery broker on the local file system, so a laptop with only Python runs everything.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF

from workbench.env import (
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_url,
    package_dir,
)

# Lets admin and generic classes be subscripted for type checking (ModelAdmin[User]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WORKBENCH_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", fallback_file=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Demo mode creates well-known demo accounts; never turn it on in production.
DEMO_MODE = env_bool("WORKBENCH_DEMO", False)
DEMO_PASSWORD_FILE = VAR_DIR / "demo_password"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "csp",
    "guardian",
    "workbench.core",
    "workbench.accounts",
    "workbench.audit",
    "workbench.demo",
    "workbench.governance",
    "workbench.sso",
    "workbench.scim",
    "workbench.notifications",
    "catalog",
    "sandbox",
    "literacy",
]

MIDDLEWARE = [
    "workbench.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workbench.urls"
WSGI_APPLICATION = "workbench.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "workbench.core.context_processors.navigation",
                "workbench.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------

_SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'workbench.sqlite3'}"
DATABASES = {
    "default": env_database_url(
        "DATABASE_URL",
        _SQLITE_DEFAULT,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, IMMEDIATE
    # transactions take the write lock up front instead of failing half-way, and the timeout waits.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The sample warehouse that catalog scans read: a separate database, never the app's own.
WAREHOUSE_URL = env_str("WORKBENCH_WAREHOUSE_URL", f"sqlite:///{VAR_DIR / 'warehouse.sqlite3'}")

# Source credentials are encrypted at rest with this key (catalog/crypto.py); old keys decrypt.
CREDENTIALS_KEY = env_secret("WORKBENCH_CREDENTIALS_KEY", fallback_file=VAR_DIR / "credentials_key")
CREDENTIALS_OLD_KEYS = env_list("WORKBENCH_CREDENTIALS_OLD_KEYS", [])

# Folders that SQLite and files sources may read; empty allows any path but the app's own database.
CATALOG_SOURCE_ROOTS = env_list("WORKBENCH_SOURCE_ROOTS", [])
# Catalog scans: rows sampled for PII classification and profiling; a running scan whose heartbeat
# is older than CATALOG_SCAN_STALE_SECONDS (or a queued one older than its timeout) is failed.
CATALOG_PII_SAMPLE_ROWS = env_int("WORKBENCH_SCAN_PII_SAMPLE_ROWS", 200, minimum=1)
CATALOG_PROFILE_SAMPLE_ROWS = env_int("WORKBENCH_SCAN_PROFILE_SAMPLE_ROWS", 10_000, minimum=1)
CATALOG_SCAN_STALE_SECONDS = env_int("WORKBENCH_SCAN_STALE_SECONDS", 600, minimum=30)
CATALOG_SCAN_QUEUED_TIMEOUT_SECONDS = env_int(
    "WORKBENCH_SCAN_QUEUED_TIMEOUT_SECONDS", 6 * 3600, minimum=60
)

# Access requests: decided within the SLA, stewards reminded when it passes, the domain's data
# owner alerted when a request is overdue by a further escalation period; grantees warned before
# their grant expires.
ACCESS_SLA_HOURS = env_int("WORKBENCH_ACCESS_SLA_HOURS", 4, minimum=1)
ACCESS_ESCALATION_HOURS = env_int("WORKBENCH_ACCESS_ESCALATION_HOURS", 4, minimum=1)
GRANT_EXPIRY_NOTICE_DAYS = env_int("WORKBENCH_GRANT_EXPIRY_NOTICE_DAYS", 3, minimum=0)

# --- Cache --------------------------------------------------------------------------------------

REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("WORKBENCH_CACHE_PREFIX", "workbench"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # WORKBENCH_LOCAL_LOGIN=breakglass: passwords sign in only break-glass superusers.
    "workbench.sso.backends.LocalLoginPolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on through the OpenID Connect provider (workbench.sso).
    "workbench.sso.backends.OidcBackend",
    # Object permissions from access-request grants (workbench.governance.actions).
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: anonymous visitors hold nothing, by default.
ANONYMOUS_USER_NAME = None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

# Failed logins: after AXES_FAILURE_LIMIT attempts for one username from one address, further
# attempts are refused for the cool-off period with a clear message on the login page.
AXES_FAILURE_LIMIT = env_int("WORKBENCH_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("WORKBENCH_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed sign-ins from one address over all usernames before it waits out the same cool-off
# (a shared office address sees several people mistype; a password sprayer sees many usernames).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("WORKBENCH_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
# Password-reset mails requested per hour from one address and for one account (email address).
PASSWORD_RESET_PER_ADDRESS = env_int("WORKBENCH_PASSWORD_RESET_PER_ADDRESS", 10, minimum=1)
PASSWORD_RESET_PER_ACCOUNT = env_int("WORKBENCH_PASSWORD_RESET_PER_ACCOUNT", 3, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "workbench.accounts.views.login_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Number of trusted reverse proxies in front of the app; X-Forwarded-For is read only then.
TRUSTED_PROXY_COUNT = env_int("WORKBENCH_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "workbench.core.middleware.client_ip"

# Single sign-on (OpenID Connect, authorization code flow with PKCE; workbench.sso). Off unless
# the issuer and client id are set; endpoints and keys come from the issuer's discovery document.
OIDC_ISSUER = env_url("WORKBENCH_OIDC_ISSUER", "", schemes=("https", "http"))
OIDC_RP_CLIENT_ID = env_str("WORKBENCH_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET_FILE = env_str("WORKBENCH_OIDC_CLIENT_SECRET_FILE")
OIDC_RP_SCOPES = env_str("WORKBENCH_OIDC_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env_str("WORKBENCH_OIDC_PROVIDER_NAME", "your company account")
OIDC_CLOCK_SKEW_SECONDS = env_int("WORKBENCH_OIDC_CLOCK_SKEW_SECONDS", 60, minimum=0)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# all: everyone may sign in with a password; breakglass: only superusers (the break-glass admin).
LOCAL_LOGIN = env_choice("WORKBENCH_LOCAL_LOGIN", "all", {"all", "breakglass"})
# SCIM 2.0 provisioning (/scim/v2/): off unless this file holds the identity provider's token.
SCIM_TOKEN_FILE = env_str("WORKBENCH_SCIM_TOKEN_FILE")

PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "workbench@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_TIMEOUT = 10

# --- Notifications ------------------------------------------------------------------------------

# Links in emails and chat messages start with this address (the one people open the app at).
NOTIFICATIONS_SITE_URL = env_url(
    "WORKBENCH_PUBLIC_URL", "http://localhost:8000", schemes=("http", "https")
).rstrip("/")
# Chat webhooks may point only at these hosts (".example.com" allows its subdomains), over https
# unless WORKBENCH_CHAT_WEBHOOK_ALLOW_HTTP is on: a webhook must not reach inside the network.
NOTIFICATIONS_WEBHOOK_HOSTS = env_list(
    "WORKBENCH_CHAT_WEBHOOK_HOSTS",
    ["hooks.slack.com", ".webhook.office.com", ".logic.azure.com", ".powerplatform.com"],
)
NOTIFICATIONS_WEBHOOK_ALLOW_HTTP = env_bool("WORKBENCH_CHAT_WEBHOOK_ALLOW_HTTP", False)
NOTIFICATIONS_WEBHOOK_TIMEOUT = env_int("WORKBENCH_CHAT_WEBHOOK_TIMEOUT", 5, minimum=1)
# A webhook whose deliveries fail this many times in a row is disabled and shown to admins.
NOTIFICATIONS_WEBHOOK_MAX_FAILURES = env_int("WORKBENCH_CHAT_WEBHOOK_MAX_FAILURES", 5, minimum=1)
# Retries of one email or chat message, waiting base × 2^n seconds (capped) between attempts.
NOTIFICATIONS_MAX_RETRIES = env_int("WORKBENCH_NOTIFY_MAX_RETRIES", 5, minimum=0)
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = float(
    env_int("WORKBENCH_NOTIFY_RETRY_BACKOFF_SECONDS", 30, minimum=1)
)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = float(
    env_int("WORKBENCH_NOTIFY_RETRY_BACKOFF_MAX_SECONDS", 3600, minimum=1)
)

# --- HTTP security ------------------------------------------------------------------------------

# Production-safe by default; `make run` on a laptop turns HTTPS off for http://localhost.
HTTPS = env_bool("WORKBENCH_HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_PROXY = env_bool("WORKBENCH_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# An X-Request-ID from upstream is kept only when a proxy we run sets it; otherwise any caller
# could choose the id that their audit events carry.
TRUST_UPSTREAM_REQUEST_ID = BEHIND_PROXY or TRUSTED_PROXY_COUNT > 0
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("WORKBENCH_SESSION_HOURS", 10, minimum=1) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "workbench.core.views.csrf_failure_view"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("WORKBENCH_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Bootstrap comes from the bootstrap-wrapper wheel and htmx from django-htmx: installed from PyPI,
# served by the app, never fetched from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "workbench" / "static",
    ("vendor/bootstrap", package_dir("bootstrap")),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Tests and a fresh checkout may run without collectstatic; serve straight from the finders there.
WHITENOISE_USE_FINDERS = env_bool("WORKBENCH_STATIC_FROM_FINDERS", DEBUG)
if WHITENOISE_USE_FINDERS:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("WORKBENCH_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call gets 401 with a WWW-Authenticate header.
        "workbench.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "workbench.core.api.pagination.Pagination",
    # JSON in, JSON out: one request format, whose null and types a schema can describe.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workbench.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens: days until a new token expires unless its owner picks another term.
API_TOKEN_DEFAULT_DAYS = env_int("WORKBENCH_API_TOKEN_DAYS", 90, minimum=1)
# Active tokens one person may hold at once.
API_TOKEN_MAX_PER_USER = env_int("WORKBENCH_API_TOKEN_MAX_PER_USER", 20, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "Workbench API",
    "DESCRIPTION": "Governed self-service data and AI workbench. Every page's action has an "
    "endpoint here. Authenticate with a session or with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One stable component name per choice set (region and residency share Region; several
    # models have a `kind` or `status`), so generated clients keep their type names.
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "workbench.accounts.models.Region",
        "SourceKindEnum": "catalog.models.SourceKind",
        "AssetKindEnum": "catalog.models.AssetKind",
        "AssetStatusEnum": "catalog.models.AssetStatus",
        "ScanKindEnum": "catalog.models.ScanKind",
        "ScanStatusEnum": "catalog.models.ScanStatus",
        "ExportStatusEnum": "catalog.models.ExportStatus",
        "ChangeKindEnum": "catalog.models.ChangeKind",
        "SuggestionStatusEnum": "catalog.models.SuggestionStatus",
        "QualityCheckKindEnum": "catalog.models.QualityCheckKind",
        "AuditOutcomeEnum": "workbench.audit.models.AuditOutcome",
        "VerificationStatusEnum": "workbench.audit.models.VerificationStatus",
        "ActionEnum": "workbench.governance.actions.Action",
        "GrantableActionEnum": "workbench.governance.models._GRANTABLE",
        "PolicyKindEnum": "workbench.governance.models.PolicyKind",
        "NotificationKindEnum": "workbench.notifications.models.NotificationKind",
        "KeyResultCategoryEnum": "literacy.models.okrs.KeyResultCategory",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Every operation documents its 400/401/403/404/429 responses with the error schema.
        "workbench.core.api.schema.document_error_responses",
    ],
}

# --- Celery -------------------------------------------------------------------------------------

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder that web, worker and beat share.
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = env_int("WORKBENCH_TASK_TIME_LIMIT", 30 * 60, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False
# A worker counts as alive when it wrote a heartbeat within this many seconds.
WORKER_HEARTBEAT_SECONDS = env_int("WORKBENCH_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_STALE_SECONDS = WORKER_HEARTBEAT_SECONDS * 4

# --- Audit trail --------------------------------------------------------------------------------

# The key of the audit chain's HMAC (generated into var/ on a laptop). Rotating it: put the old key
# on a line of WORKBENCH_AUDIT_OLD_KEYS_FILE, so rows signed with it keep verifying.
AUDIT_KEY = env_secret("WORKBENCH_AUDIT_KEY", fallback_file=VAR_DIR / "audit_key")
AUDIT_OLD_KEYS_FILE = env_str("WORKBENCH_AUDIT_OLD_KEYS_FILE")
# Signed checkpoints of the chain head are appended here (hourly and after each export); point it
# at storage the database's administrators cannot rewrite. The optional command receives each
# checkpoint line on stdin too (e.g. `logger -t workbench-audit`, or ssh to an append-only host).
AUDIT_CHECKPOINT_DIR = Path(
    env_str("WORKBENCH_AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints"))
)
AUDIT_CHECKPOINT_COMMAND = env_str("WORKBENCH_AUDIT_CHECKPOINT_COMMAND")
# Full-chain checks one person may request through the API (DRF rate: N/second|minute|hour|day).
AUDIT_VERIFY_RATE = env_str("WORKBENCH_AUDIT_VERIFY_RATE", "5/minute")

# --- Governed data path (masking, vault, exports) ----------------------------------------------

# Keys the masking HMAC (keyed hash, surrogate seeds) and the token vault's encryption; generated
# into var/ on a laptop. Changing it changes every hash and surrogate, and orphans vault tokens.
MASKING_KEY = env_secret("WORKBENCH_MASKING_KEY", fallback_file=VAR_DIR / "masking_key")
# Most rows one CSV export may stream.
EXPORT_MAX_ROWS = env_int("WORKBENCH_EXPORT_MAX_ROWS", 100_000, minimum=1)

# --- Literacy -----------------------------------------------------------------------------------

# The public address people reach this Workbench at: badge credentials name their issuer and their
# verification page under it, so it must be the address the credential's readers can open.
LITERACY_PUBLIC_URL = env_url(
    "WORKBENCH_PUBLIC_URL", "http://localhost:8000", schemes=("http", "https")
).rstrip("/")
# The Ed25519 private key (PEM) that signs Open Badges 3.0 credentials; generated here on first use.
LITERACY_BADGE_KEY_FILE = Path(
    env_str("WORKBENCH_BADGE_KEY_FILE", str(VAR_DIR / "badge_signing_key.pem"))
)
LITERACY_ISSUER_NAME = env_str("WORKBENCH_BADGE_ISSUER_NAME", "Workbench Data & AI Academy")

# --- Logging ------------------------------------------------------------------------------------

LOG_FORMAT = env_choice("WORKBENCH_LOG_FORMAT", "text" if DEBUG else "json", {"json", "text"})
LOG_LEVEL = env_choice(
    "WORKBENCH_LOG_LEVEL", "info", {"debug", "info", "warning", "error", "critical"}
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "workbench.core.logging.RequestContextFilter"},
        "refusal_one_line": {"()": "workbench.core.logging.RefusalWithoutTracebackFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["refusal_one_line"]},
        "axes": {"level": "WARNING"},
        # Says "no hostname supplied" on every connection to the embedded broker; nothing to act on.
        "kombu.connection": {"level": "ERROR"},
    },
}
