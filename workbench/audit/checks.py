"""System checks for the audit settings, so a typo shows at `manage.py check`/start, not mid-run."""

from __future__ import annotations

import re
import shlex
import shutil
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from workbench.audit.keys import keyring_get

_RATE = re.compile(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)")


@register()
def audit_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not _RATE.fullmatch(settings.AUDIT_VERIFY_RATE):
        errors.append(
            Error(
                f"WORKBENCH_AUDIT_VERIFY_RATE must look like 5/minute, got "
                f"{settings.AUDIT_VERIFY_RATE!r}",
                id="audit.E001",
            )
        )
    try:
        keyring_get()
    except ImproperlyConfigured as exc:
        errors.append(Error(str(exc), id="audit.E002"))
    errors.extend(_command_errors(settings.AUDIT_CHECKPOINT_COMMAND))
    return errors


def _command_errors(command: str) -> list[CheckMessage]:
    if not command:
        return []
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return [
            Error(
                f"WORKBENCH_AUDIT_CHECKPOINT_COMMAND cannot be parsed: {command!r}", id="audit.E003"
            )
        ]
    if shutil.which(program) is None:
        return [
            Error(
                f"WORKBENCH_AUDIT_CHECKPOINT_COMMAND: program {program!r} not found",
                id="audit.E003",
            )
        ]
    return []
