"""The Ed25519 key that signs badge credentials, kept in a file outside the code and database.

On a laptop it is generated into var/ on first use (like the audit key); in production point
WORKBENCH_BADGE_KEY_FILE at a key managed like any other secret. The key id published in each
credential's JWT header is derived from the public key, so rotating needs no bookkeeping.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class BadgeSigningKey:
    private_key: Ed25519PrivateKey
    key_id: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, str]:
        raw = self.public_key.public_bytes(
            encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
        )
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": self.key_id}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def badge_signing_key() -> BadgeSigningKey:
    """The signing key from settings (cached per path, so tests may point at another file)."""
    return _load(str(settings.LITERACY_BADGE_KEY_FILE))


@lru_cache(maxsize=4)
def _load(path_name: str) -> BadgeSigningKey:
    path = Path(path_name)
    if not path.exists():
        _generate(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"WORKBENCH_BADGE_KEY_FILE: cannot read an Ed25519 private key from {path}: {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"WORKBENCH_BADGE_KEY_FILE: {path} is not an Ed25519 key")
    raw = key.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return BadgeSigningKey(private_key=key, key_id=hashlib.sha256(raw).hexdigest()[:16])


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
