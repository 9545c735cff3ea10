"""Writes for data sources: create and edit them (credentials encrypted), their scan schedule in
django-celery-beat, and the "test connection" action. Every change lands in the audit trail.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from catalog.crypto import CredentialError, credential_decrypt, credential_encrypt
from catalog.models import DataSource, Domain, SourceKind
from workbench.accounts.models import Region, User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.policy.filters import assets_access_refresh

if TYPE_CHECKING:
    from catalog.scans.connectors import ConnectionSpec

SCHEDULED_SCAN_TASK = "catalog.scan_scheduled"

# Presets offered beside a free crontab expression ("minute hour day-of-month month day-of-week").
SCHEDULE_PRESETS: dict[str, str] = {
    "hourly": "0 * * * *",
    "daily": "0 2 * * *",
    "weekly": "0 3 * * 1",
}
SCHEDULE_OFF = "off"

# Fields an admin sets; the password travels separately and is never echoed back.
SOURCE_FIELDS = (
    "name",
    "kind",
    "description",
    "host",
    "port",
    "database",
    "username",
    "path",
    "options",
    "include_schemas",
    "owner",
    "domain",
    "residency",
    "is_active",
)
SERVER_KINDS = (SourceKind.POSTGRESQL, SourceKind.MYSQL)
PATH_KINDS = (SourceKind.SQLITE, SourceKind.FILES)


@dataclass(frozen=True)
class ConnectionCheck:
    """What "test connection" answers: shown inline on the page and returned by the API."""

    ok: bool
    message: str
    server_version: str = ""
    elapsed_ms: int = 0


# --- schedules --------------------------------------------------------------------------------


def schedule_normalise(text: str) -> str:
    """ "off", a preset name or a valid five-field crontab expression; raises ValidationError."""
    value = " ".join((text or "").split()).lower()
    if value in ("", SCHEDULE_OFF, "never", "none"):
        return SCHEDULE_OFF
    if value in SCHEDULE_PRESETS:
        return SCHEDULE_PRESETS[value]
    fields = value.split(" ")
    if len(fields) != 5:
        raise ValidationError(
            "Use off, hourly, daily, weekly or a crontab expression with five fields "
            "(minute hour day-of-month month day-of-week), e.g. “30 2 * * *”.",
            code="schedule",
        )
    _crontab_check(fields)
    return value


def _crontab_check(fields: list[str]) -> None:
    from celery.schedules import crontab

    minute, hour, day_of_month, month_of_year, day_of_week = fields
    try:
        crontab(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
        )
    except (ValueError, IndexError, KeyError) as exc:
        raise ValidationError(
            f"“{' '.join(fields)}” is not a valid crontab expression: {exc}", code="schedule"
        ) from exc


def _schedule_field(text: str) -> str:
    try:
        return schedule_normalise(text)
    except ValidationError as error:
        raise ValidationError({"schedule": error.messages}) from error


def schedule_label(expression: str) -> str:
    """The preset name for an expression, or the expression itself."""
    for name, preset in SCHEDULE_PRESETS.items():
        if preset == expression:
            return name
    return expression


def schedule_expression(task: PeriodicTask | None) -> str:
    if task is None or task.crontab is None:
        return SCHEDULE_OFF
    cron = task.crontab
    return " ".join(
        [cron.minute, cron.hour, cron.day_of_month, cron.month_of_year, cron.day_of_week]
    )


def _schedule_apply(source: DataSource, expression: str) -> None:
    """One PeriodicTask per source; "off" removes it. Disabled while the source is inactive."""
    current = source.scan_schedule
    if expression == SCHEDULE_OFF:
        if current is not None:
            source.scan_schedule = None
            source.save(update_fields=["scan_schedule"])
            current.delete()
        return
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split(" ")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="UTC",
    )
    task, _ = PeriodicTask.objects.update_or_create(
        name=f"Scan data source #{source.pk}",
        defaults={
            "task": SCHEDULED_SCAN_TASK,
            "crontab": crontab,
            "interval": None,
            "args": json.dumps([source.pk]),
            "enabled": source.is_active,
            "description": f"Full scan of {source.name} (metadata, profile, PII, quality).",
        },
    )
    if source.scan_schedule_id != task.pk:
        source.scan_schedule = task
        source.save(update_fields=["scan_schedule"])


# --- validation -------------------------------------------------------------------------------


def _source_validate(values: dict[str, Any]) -> None:
    """Cross-field rules per kind; raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    kind = values.get("kind")
    if kind in SERVER_KINDS:
        for field in ("host", "database", "username"):
            if not values.get(field):
                errors[field] = f"Required for a {SourceKind(kind).label} source."
    elif kind in PATH_KINDS:
        path_error = _path_error(kind, str(values.get("path") or "").strip())
        if path_error:
            errors["path"] = path_error
    port = values.get("port")
    if port is not None and not 0 < int(port) < 65536:
        errors["port"] = "A port number between 1 and 65535."
    options_error = _options_error(kind, values.get("options"))
    if options_error:
        errors["options"] = options_error
    schemas = values.get("include_schemas")
    if schemas is not None and not (
        isinstance(schemas, list) and all(isinstance(item, str) and item for item in schemas)
    ):
        errors["include_schemas"] = "A list of schema names."
    if errors:
        raise ValidationError(errors)


def _path_error(kind: str, path: str) -> str:
    """Files and SQLite sources read the server's disk: only inside the allowed roots, and never
    the app's own database (its password hashes and audit trail are not catalog data)."""
    if not path:
        what = "the SQLite file" if kind == SourceKind.SQLITE else "the folder of files"
        return f"Required: the path of {what} on the server."
    if not os.path.isabs(path):
        return "Give an absolute path on the server, e.g. /srv/data/exports."
    resolved = os.path.realpath(path)
    protected = {
        os.path.realpath(str(database["NAME"]))
        for database in settings.DATABASES.values()
        if "sqlite" in str(database.get("ENGINE", ""))
    }
    if resolved in protected:
        return "That is Workbench's own database; it cannot be a catalog source."
    roots = [os.path.realpath(root) for root in settings.CATALOG_SOURCE_ROOTS]
    if roots and not any(resolved == root or resolved.startswith(root + os.sep) for root in roots):
        return "Sources on this server must be inside: " + ", ".join(roots) + "."
    return ""


def _options_error(kind: Any, options: Any) -> str:
    if options is None:
        return ""
    if not isinstance(options, dict):
        return 'Options must be a JSON object, e.g. {"sslmode": "require"}.'
    from catalog.scans.connectors import ALLOWED_OPTIONS

    allowed = ALLOWED_OPTIONS.get(str(kind), frozenset())
    unknown = sorted(set(options) - allowed)
    if unknown:
        choices = ", ".join(sorted(allowed)) or "none"
        return f"Unknown option {', '.join(unknown)}; this kind takes: {choices}."
    return ""


# --- create, update ---------------------------------------------------------------------------


def source_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    password: str = "",
    schedule: str = SCHEDULE_OFF,
    description: str = "",
    host: str = "",
    port: int | None = None,
    database: str = "",
    username: str = "",
    path: str = "",
    options: dict[str, Any] | None = None,
    include_schemas: list[str] | None = None,
    owner: User | None = None,
    domain: Domain | None = None,
    residency: str = Region.EU,
    is_active: bool = True,
) -> DataSource:
    """Register a source; its password is stored encrypted and never shown again."""
    values: dict[str, Any] = {
        "name": name.strip(),
        "kind": kind,
        "description": description,
        "host": host.strip(),
        "port": port,
        "database": database.strip(),
        "username": username.strip(),
        "path": path.strip(),
        "options": options or {},
        "include_schemas": include_schemas or [],
        "owner": owner,
        "domain": domain,
        "residency": residency,
        "is_active": is_active,
    }
    _source_validate(values)
    expression = _schedule_field(schedule)
    with transaction.atomic():
        source = DataSource(**values, created_by=actor)
        source.password_encrypted = credential_encrypt(password)
        source.full_clean()
        source.save()
        _schedule_apply(source, expression)
        audit_record(
            actor=actor,
            action="catalog.source_created",
            outcome=AuditOutcome.DONE,
            target=source,
            detail={
                **_audit_values(source),
                "schedule": expression,
                "password_set": bool(password),
            },
        )
    return source


def source_update(
    *,
    source: DataSource,
    actor: User,
    password: str | None = None,
    schedule: str | None = None,
    **changes: Any,
) -> DataSource:
    """Change a source. `password=None` or "" keeps the stored one; `schedule=None` keeps it."""
    unknown = set(changes) - set(SOURCE_FIELDS)
    if unknown:
        raise TypeError(f"source_update got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        source = DataSource.objects.select_for_update().get(pk=source.pk)
        before = _audit_values(source)
        for field, value in changes.items():
            setattr(source, field, value.strip() if isinstance(value, str) else value)
        values = {field: getattr(source, field) for field in SOURCE_FIELDS}
        _source_validate(values)
        expression_before = schedule_expression(source.scan_schedule)
        expression = expression_before if schedule is None else _schedule_field(schedule)
        password_changed = bool(password)
        if password_changed:
            source.password_encrypted = credential_encrypt(password or "")
        source.full_clean()
        source.save()
        _schedule_apply(source, expression)
        if source.scan_schedule is not None and source.scan_schedule.enabled != source.is_active:
            PeriodicTask.objects.filter(pk=source.scan_schedule_id).update(enabled=source.is_active)
        changed = _changed_fields(before, _audit_values(source))
        if "residency" in changed:  # a policy attribute of every asset of the source
            assets_access_refresh(source.assets.all())
        if expression != expression_before:
            changed["schedule"] = {"before": expression_before, "after": expression}
        if changed or password_changed:
            audit_record(
                actor=actor,
                action="catalog.source_updated",
                outcome=AuditOutcome.DONE,
                target=source,
                detail={"changed": changed, "password_changed": password_changed},
            )
    return source


def _audit_values(source: DataSource) -> dict[str, Any]:
    """The source as the trail records it: every setting, never the credential."""
    return {
        "name": source.name,
        "kind": source.kind,
        "host": source.host,
        "port": source.port,
        "database": source.database,
        "username": source.username,
        "path": source.path,
        "options": _options_without_secrets(source.options),
        "include_schemas": source.include_schemas,
        "owner": source.owner_id,
        "domain": source.domain_id,
        "residency": source.residency,
        "is_active": source.is_active,
        "description": source.description,
    }


SECRET_OPTION_WORDS = ("password", "secret", "token", "key")


def _options_without_secrets(options: Any) -> Any:
    if not isinstance(options, dict):
        return options
    return {
        key: "***" if any(word in key.lower() for word in SECRET_OPTION_WORDS) else value
        for key, value in options.items()
    }


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        field: {"before": before[field], "after": after[field]}
        for field in after
        if before.get(field) != after[field]
    }


# --- connecting -------------------------------------------------------------------------------


def source_connection_spec(source: DataSource) -> ConnectionSpec:
    """The plain-Python description of how to reach the source; the password only in memory."""
    from catalog.scans.connectors import ConnectionSpec

    return ConnectionSpec(
        kind=source.kind,  # type: ignore[arg-type]  # the model's choices are the spec's kinds
        host=source.host,
        port=source.port,
        database=source.database,
        username=source.username,
        password=credential_decrypt(source.password_encrypted),
        path=source.path,
        options=dict(source.options or {}),
        include_schemas=tuple(source.include_schemas or ()),
    )


def source_connection_test(*, source: DataSource, actor: User | None) -> ConnectionCheck:
    """Try to connect and say clearly what happened; the answer is audited (never the password)."""
    from catalog.scans.connectors import connection_test

    try:
        result = connection_test(source_connection_spec(source))
        check = ConnectionCheck(
            ok=bool(result.ok),
            message=str(result.message),
            server_version=str(result.server_version or ""),
            elapsed_ms=int(result.elapsed_ms or 0),
        )
    except CredentialError as exc:
        check = ConnectionCheck(ok=False, message=str(exc))
    audit_record(
        actor=actor,
        action="catalog.source_connection_tested",
        outcome=AuditOutcome.DONE if check.ok else AuditOutcome.FAILED,
        target=source,
        reason=check.message[:500],
        detail={"ok": check.ok, "elapsed_ms": check.elapsed_ms},
    )
    return check
