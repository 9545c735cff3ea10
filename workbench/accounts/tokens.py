"""API token keys: generation and the digest that is stored instead of the key."""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX_LENGTH = 8


def api_token_key_new() -> str:
    """A new key: 256 random bits, URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def api_token_digest(key: str) -> str:
    # The key is high-entropy and random, so a plain (unsalted, fast) hash is enough to make a
    # stolen database useless: nothing short of guessing 256 bits finds a key from its digest.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def api_token_digest_matches(key: str, digest: str) -> bool:
    return hmac.compare_digest(api_token_digest(key), digest)
