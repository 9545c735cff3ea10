"""Chat webhook URLs are secrets (whoever has one can post to the chat): encrypted at rest.

Same keyring as source credentials (catalog/crypto.py), so key rotation covers both.
"""

from __future__ import annotations

from catalog.crypto import CredentialError, credential_decrypt, credential_encrypt


class WebhookUrlError(Exception):
    """The stored URL cannot be decrypted with the configured keys."""


def webhook_url_encrypt(url: str) -> str:
    return credential_encrypt(url)


def webhook_url_decrypt(token: str) -> str:
    try:
        return credential_decrypt(token)
    except CredentialError as exc:
        raise WebhookUrlError(
            "The webhook address cannot be decrypted with the configured key; enter it again."
        ) from exc
