"""Typed readers for settings that come from environment variables.

Each helper fails loudly on a malformed value, so a typo in a deployment stops the process at start
rather than silently falling back to a default.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

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
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def env_secret(name: str, *, fallback_file: Path | None = None, generated_bytes: int = 50) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets).

    With neither set and a fallback_file given, a random secret is generated once and kept in that
    file (mode 0600), so a laptop install works without anyone writing a secret into code.
    """
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise ImproperlyConfigured(f"Set only one of {name} and {name}_FILE")
    if file_name:
        return _read_secret_file(Path(file_name), name=f"{name}_FILE")
    if value:
        return value
    if fallback_file is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set")
    return _generated_secret(fallback_file, nbytes=generated_bytes)


def _read_secret_file(path: Path, *, name: str) -> str:
    try:
        secret = path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}: cannot read {path}: {exc.strerror}") from None
    if not secret:
        raise ImproperlyConfigured(f"{name}: {path} is empty")
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
        raise ImproperlyConfigured(f"Package {name!r} is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))
