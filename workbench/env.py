"""Typed readers for settings that come from environment variables.

Each helper fails loudly on a malformed value, so a typo in a deployment stops the process at start
rather than silently falling back to a default.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

EXIT_BAD_SETTING = 2


class SettingsError(ImproperlyConfigured):
    """A setting from the environment is malformed; the message names the variable."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise SettingsError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def env_secret(name: str, *, fallback_file: Path | None = None, generated_bytes: int = 50) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets).

    With neither set and a fallback_file given, a random secret is generated once and kept in that
    file (mode 0600), so a laptop install works without anyone writing a secret into code.
    """
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise SettingsError(f"Set only one of {name} and {name}_FILE")
    if file_name:
        return _read_secret_file(Path(file_name), name=f"{name}_FILE")
    if value:
        return value
    if fallback_file is None:
        raise SettingsError(f"{name} (or {name}_FILE) must be set")
    return _generated_secret(fallback_file, nbytes=generated_bytes)


def _read_secret_file(path: Path, *, name: str) -> str:
    try:
        secret = path.read_text().strip()
    except OSError as exc:
        raise SettingsError(f"{name}: cannot read {path}: {exc.strerror}") from None
    if not secret:
        raise SettingsError(f"{name}: {path} is empty")
    return secret


def _generated_secret(path: Path, *, nbytes: int) -> str:
    if path.exists():
        return _read_secret_file(path, name=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(nbytes)
    # O_EXCL: when two processes start together, exactly one writes and both read the same value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_file(path, name=str(path))
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


def package_dir(name: str) -> Path:
    """The folder of an installed (possibly namespace) package, for serving its bundled assets."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SettingsError(f"Package {name!r} is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))


def env_database_url(name: str, default: str, **options: Any) -> dict[str, Any]:
    """A Django DATABASES entry from a URL such as postgres://user@host:5432/name."""
    import dj_database_url

    raw = os.environ.get(name, "").strip() or default
    try:
        return dict(dj_database_url.parse(raw, **options))
    except Exception:
        raise SettingsError(
            f"{name} must be a database URL such as postgres://user@host:5432/workbench or "
            f"sqlite:////path/to/workbench.sqlite3, got {redacted_url(raw)!r}"
        ) from None


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    """A URL whose scheme is one of `schemes` (e.g. redis, rediss), or the default when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in schemes or not (parts.netloc or parts.path):
        expected = " or ".join(f"{scheme}://..." for scheme in schemes)
        raise SettingsError(f"{name} must be a URL starting {expected}, got {redacted_url(raw)!r}")
    return raw


def redacted_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print in an error message."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@]*@", r"\1:***@", url, flags=re.IGNORECASE)


def settings_load_or_exit() -> None:
    """Read the settings now; on a bad value print one line naming it and exit with status 2.

    Entry points (manage.py, wsgi, asgi, celery) call this first, so a typo in a deployment ends
    in a message an operator can act on rather than a long traceback.
    """
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads the module
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"Workbench cannot start: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(EXIT_BAD_SETTING) from None
