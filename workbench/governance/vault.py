"""The token vault: reversible tokenisation of masked values; detokenising is its own permission.

A value is looked up by its keyed digest (so the same value always gets the same token, and two
readers tokenising it at once end with one row: the digest is unique and inserts skip conflicts);
the value itself is kept only encrypted. Turning a token back needs `governance.detokenize`, a
declared purpose, and leaves an audit event that names the token, never the value.
"""

from __future__ import annotations

import base64
import functools
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.models import VaultToken

DETOKENIZE_PERMISSION = "governance.detokenize"
TOKEN_PREFIX = "tok_"
PURPOSE_MIN_LENGTH = 10
_LOOKUP_BATCH = 500  # stays under every database's bound-parameter limit


class DetokenizeDenied(Exception):
    """Detokenising was refused; the message says why (safe to show, audited)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VaultTokenNotFound(DetokenizeDenied):
    """No such token (or not one this vault issued)."""


@dataclass(frozen=True)
class Detokenized:
    token: str
    value: str
    pii_kind: str


def purpose_clean(purpose: str) -> str:
    """A declared purpose as the trail keeps it: no control characters, at most 200 characters."""
    return "".join(c for c in purpose if c.isprintable() or c == " ")[:200]


def masking_key() -> bytes:
    """The HMAC key of keyed hashes and surrogate seeds (WORKBENCH_MASKING_KEY)."""
    return _subkey("masking")


def _subkey(purpose: str) -> bytes:
    return _derived_key(str(settings.MASKING_KEY), purpose)


@functools.lru_cache(maxsize=16)
def _derived_key(secret: str, purpose: str) -> bytes:
    # Derived keys keep the hashes shown to readers unrelated to the vault's digests and cipher.
    return hmac.digest(secret.encode(), f"workbench-{purpose}".encode(), "sha256")


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_subkey("vault-encryption")))


def value_digest(text: str, key: bytes | None = None) -> str:
    return hmac.digest(key or _subkey("vault-digest"), text.encode(), "sha256").hex()


def vault_tokenize(texts: Sequence[str] | Mapping[str, str], pii_kind: str = "") -> dict[str, str]:
    """The token of each text, creating the missing ones; safe when readers race on one value.

    Texts identify values (masking passes their canonical form, so "NL91 ABNA" and "nl91 abna"
    share a token); with a mapping, its values are the originals the vault keeps (encrypted) and
    detokenising gives back.
    """
    originals = texts if isinstance(texts, Mapping) else {text: text for text in texts}
    key = _subkey("vault-digest")
    digests = {text: value_digest(text, key) for text in originals}
    found = _tokens_by_digest(list(digests.values()))
    missing = [text for text, digest in digests.items() if digest not in found]
    if missing:
        fernet = _fernet()
        VaultToken.objects.bulk_create(
            [
                VaultToken(
                    token=TOKEN_PREFIX + secrets.token_hex(12),
                    value_digest=digests[text],
                    value_encrypted=fernet.encrypt(originals[text].encode()).decode(),
                    pii_kind=pii_kind[:32],
                )
                for text in missing
            ],
            ignore_conflicts=True,  # another reader created it first: use theirs
            batch_size=_LOOKUP_BATCH,
        )
        found.update(_tokens_by_digest([digests[text] for text in missing]))
    return {text: found[digest] for text, digest in digests.items()}


def _tokens_by_digest(digests: list[str]) -> dict[str, str]:
    """Tokens never change once issued, so each process remembers the ones it has seen (vault rows
    are never deleted; a restored older database needs a restart)."""
    found = {digest: _KNOWN[digest] for digest in digests if digest in _KNOWN}
    missing = [digest for digest in digests if digest not in found]
    for start in range(0, len(missing), _LOOKUP_BATCH):
        batch = missing[start : start + _LOOKUP_BATCH]
        rows = VaultToken.objects.filter(value_digest__in=batch)
        found.update(dict(rows.values_list("value_digest", "token")))
    _remember(found)
    return found


_KNOWN: dict[str, str] = {}  # value digest → token (keyed digests: no value can be read back)
_KNOWN_MAX = 200_000


def _remember(tokens: dict[str, str]) -> None:
    if len(_KNOWN) + len(tokens) > _KNOWN_MAX:
        _KNOWN.clear()
    _KNOWN.update(tokens)


def vault_cache_clear() -> None:
    """Forget the remembered tokens (for tests, whose databases start empty)."""
    from workbench.governance.masking import masking_memo_clear

    _KNOWN.clear()
    masking_memo_clear()


def vault_tokenizer(texts: Mapping[str, str], pii_kind: str) -> Mapping[str, str]:
    """`masking.Tokenizer` signature, for `masking.mask_values`."""
    return vault_tokenize(texts, pii_kind)


def vault_detokenize(
    *, user: User, token: str, purpose: str, purpose_category: str = ""
) -> Detokenized:
    """The value behind a token, for a reader holding `governance.detokenize` who says why.

    Every attempt is audited (governance.detokenize, allowed or denied, with the token); raises
    DetokenizeDenied (or VaultTokenNotFound) with a message to show.
    """
    purpose = purpose_clean(purpose)
    refusal = _detokenize_refusal(user, purpose)
    if refusal is not None:
        _detokenize_audit(user, token, purpose, purpose_category, AuditOutcome.DENIED, refusal, "")
        raise DetokenizeDenied(refusal)
    row = VaultToken.objects.filter(token=token).first()
    if row is None:
        missing = "No vault token has this value."
        _detokenize_audit(user, token, purpose, purpose_category, AuditOutcome.DENIED, missing, "")
        raise VaultTokenNotFound(missing)
    try:
        value = _fernet().decrypt(row.value_encrypted.encode()).decode()
    except InvalidToken:
        message = "The token's value cannot be decrypted with the configured masking key."
        _detokenize_audit(user, token, purpose, purpose_category, AuditOutcome.FAILED, message, "")
        raise DetokenizeDenied(message) from None
    reason = "Detokenised for the declared purpose."
    _detokenize_audit(
        user, token, purpose, purpose_category, AuditOutcome.ALLOWED, reason, row.pii_kind
    )
    return Detokenized(token=row.token, value=value, pii_kind=row.pii_kind)


def _detokenize_refusal(user: User, purpose: str) -> str | None:
    if not (user.is_authenticated and user.is_active):
        return "Sign in to detokenise values."
    if not user.has_perm(DETOKENIZE_PERMISSION):
        from workbench.accounts.roles import access_hint, roles_granting

        return access_hint(page="Detokenising", roles=roles_granting(DETOKENIZE_PERMISSION))
    if len(purpose) < PURPOSE_MIN_LENGTH or not purpose.strip():
        return (
            f"Say why you need the original value (at least {PURPOSE_MIN_LENGTH} characters); "
            "the purpose is recorded in the audit trail."
        )
    return None


def _detokenize_audit(
    user: User,
    token: str,
    purpose: str,
    purpose_category: str,
    outcome: AuditOutcome,
    reason: str,
    pii_kind: str,
) -> None:
    audit_record(
        actor=user if user.is_authenticated else None,
        action="governance.detokenize",
        outcome=outcome,
        target_type="governance.vaulttoken",
        target_id=token[:64],
        target_label="vault token",
        reason=reason,
        purpose=purpose[:200],
        detail={"purpose_category": purpose_category, "pii_kind": pii_kind},
    )
