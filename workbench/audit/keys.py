"""The keys of the audit chain: the current one signs new rows, older ones still verify theirs.

A key's id is derived from the key itself (a fingerprint that reveals nothing about it), so a row's
`key_id` can never point at the wrong key, and rotating needs no id bookkeeping: set the new key,
move the old one to a line of WORKBENCH_AUDIT_OLD_KEYS_FILE.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_LENGTH = 16


def key_id_for(secret: str) -> str:
    return hashlib.sha256(b"workbench-audit-key-id\0" + secret.encode()).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True)
class AuditKeyring:
    current_id: str
    keys: dict[str, bytes]

    @property
    def current_key(self) -> bytes:
        return self.keys[self.current_id]

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)

    def sign(self, message: bytes, *, key_id: str | None = None) -> str:
        key = self.keys[key_id or self.current_id]
        return hmac.new(key, message, hashlib.sha256).hexdigest()


def keyring_get() -> AuditKeyring:
    """The keyring from settings (cached per configuration, so tests may override settings)."""
    return _keyring(settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS_FILE)


@lru_cache(maxsize=8)
def _keyring(current: str, old_keys_file: str) -> AuditKeyring:
    if not current:
        raise ImproperlyConfigured("WORKBENCH_AUDIT_KEY must not be empty")
    secrets = [*_old_keys(old_keys_file), current]
    keys = {key_id_for(secret): secret.encode() for secret in secrets}
    return AuditKeyring(current_id=key_id_for(current), keys=keys)


def _old_keys(path_name: str) -> list[str]:
    if not path_name:
        return []
    try:
        text = Path(path_name).read_text()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"WORKBENCH_AUDIT_OLD_KEYS_FILE: cannot read {path_name}: {exc.strerror}"
        ) from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
