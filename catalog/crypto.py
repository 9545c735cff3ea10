"""Encryption at rest for source credentials (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from WORKBENCH_CREDENTIALS_KEY (or _FILE), generated into var/ on a laptop. Older
keys in WORKBENCH_CREDENTIALS_OLD_KEYS (comma-separated) still decrypt, so the key can rotate:
`credential_reencrypt` moves a value to the current key.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class CredentialError(Exception):
    """A stored credential cannot be decrypted (wrong or rotated-away key)."""


def _fernet_for(secret: str) -> Fernet:
    # Any length of secret becomes a valid Fernet key; the secret itself never leaves memory.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


def _keyring() -> MultiFernet:
    secrets = [settings.CREDENTIALS_KEY, *settings.CREDENTIALS_OLD_KEYS]
    return MultiFernet([_fernet_for(secret) for secret in secrets if secret])


def credential_encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _keyring().encrypt(plain.encode()).decode()


def credential_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keyring().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialError(
            "The stored password cannot be decrypted with the configured key; enter it again."
        ) from exc


def credential_reencrypt(token: str) -> str:
    return _keyring().rotate(token.encode()).decode() if token else ""
