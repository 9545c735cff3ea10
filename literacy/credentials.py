"""Open Badges 3.0 credentials: build the OpenBadgeCredential, sign it as a VC-JWT, verify it,
publish the revocation status list (BitstringStatusList) and bake the credential into an SVG.

The credential follows the W3C Verifiable Credentials Data Model 2.0 with the 1EdTech Open Badges
3.0 context; it is secured as a compact JWS (EdDSA over Ed25519) whose payload is the credential
itself plus the registered JWT claims the OB 3.0 specification lists (iss, jti, nbf).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from literacy.keys import badge_signing_key
from literacy.models import Badge, BadgeAward

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
JWT_ALGORITHM = "EdDSA"
# The W3C recommends at least 16 KB (131,072 entries) so that a list reveals little about anyone.
STATUS_LIST_MIN_BITS = 131_072


def public_url(path: str) -> str:
    return f"{settings.LITERACY_PUBLIC_URL}{path}"


def issuer_profile() -> dict[str, Any]:
    """The issuer's OB 3.0 Profile, as published at its id."""
    return {
        "id": public_url(reverse("literacy-issuer")),
        "type": ["Profile"],
        "name": settings.LITERACY_ISSUER_NAME,
        "url": public_url("/"),
        "description": "Issues the data and AI literacy badges earned on this Workbench.",
    }


def achievement_for(badge: Badge) -> dict[str, Any]:
    """The OB 3.0 Achievement a badge stands for."""
    achievement: dict[str, Any] = {
        "id": public_url(reverse("literacy:badge_detail", args=[badge.slug])),
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": badge.criteria_narrative},
        "image": {
            "id": public_url(reverse("literacy:badge_image", args=[badge.slug])),
            "type": "Image",
            "caption": badge.name,
        },
        "creator": issuer_profile(),
    }
    if badge.tier:
        achievement["tag"] = [f"literacy-tier:{badge.tier}"]
    return achievement


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject hash: "sha256$" + hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def _subject_identity(award: BadgeAward) -> dict[str, Any]:
    salt = award.credential_id.hex[:16]
    email = award.user.email or f"{award.user.username}@users.workbench.invalid"
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": identity_hash(email, salt),
        "salt": salt,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_build(award: BadgeAward) -> dict[str, Any]:
    """The OpenBadgeCredential for an award (needs `status_index` set)."""
    status_list_url = public_url(reverse("literacy-status-list"))
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{award.credential_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(),
        "validFrom": _iso(award.awarded_at),
        "name": award.badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [_subject_identity(award)],
            "achievement": achievement_for(award.badge),
        },
        "credentialStatus": {
            "id": f"{status_list_url}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": status_list_url,
        },
    }
    if award.evidence:
        credential["evidence"] = [
            {
                "type": ["Evidence"],
                "name": item.get("name", ""),
                "narrative": item.get("narrative", ""),
            }
            for item in award.evidence
        ]
    return credential


def credential_sign(credential: dict[str, Any]) -> str:
    """The credential as a compact JWS (VC-JWT) signed with the badge key."""
    key = badge_signing_key()
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
    }
    headers = {"typ": "JWT", "kid": key.key_id, "jwk": key.public_jwk()}
    return jwt.encode(claims, key.private_key, algorithm=JWT_ALGORITHM, headers=headers)


class VerificationStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    TAMPERED = "tampered"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class VerificationResult:
    status: VerificationStatus
    message: str
    award: BadgeAward | None = None
    credential: dict[str, Any] | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def credential_verify(token: str) -> VerificationResult:
    """Check a presented VC-JWT: our signature, a credential we issued, not revoked."""
    token = token.strip()
    try:
        claims = _decode(token)
    except jwt.InvalidSignatureError:
        return VerificationResult(
            VerificationStatus.TAMPERED,
            "The signature does not match the content: this credential was altered after it "
            "was issued, or was not issued here.",
        )
    except jwt.PyJWTError as exc:
        return VerificationResult(
            VerificationStatus.TAMPERED, f"This is not a readable signed credential ({exc})."
        )
    return _result_for_claims(claims)


def _decode(token: str) -> dict[str, Any]:
    key = badge_signing_key()
    header = jwt.get_unverified_header(token)
    if header.get("kid") != key.key_id:
        raise jwt.InvalidSignatureError("signed with a key this issuer does not hold")
    claims: dict[str, Any] = jwt.decode(
        token,
        key.public_key,
        algorithms=[JWT_ALGORITHM],
        options={"require": ["iss", "jti", "nbf"], "verify_aud": False},
        leeway=60,
    )
    return claims


def _result_for_claims(claims: dict[str, Any]) -> VerificationResult:
    credential_id = str(claims.get("jti", "")).removeprefix("urn:uuid:")
    award = (
        BadgeAward.objects.select_related("badge", "user")
        .filter(credential_id=credential_id)
        .first()
        if _is_uuid(credential_id)
        else None
    )
    if award is None:
        return VerificationResult(
            VerificationStatus.UNKNOWN, "The signature is ours, but no such award exists any more."
        )
    if award.is_revoked:
        return VerificationResult(
            VerificationStatus.REVOKED,
            f"This credential was revoked on {award.revoked_at:%Y-%m-%d}.",
            award,
            claims,
        )
    return VerificationResult(
        VerificationStatus.VALID,
        "Valid: signed by this issuer, unaltered and not revoked.",
        award,
        claims,
    )


def _is_uuid(value: str) -> bool:
    try:
        import uuid

        uuid.UUID(value)
    except ValueError:
        return False
    return True


def status_list_encode(revoked_indexes: list[int]) -> str:
    """BitstringStatusList `encodedList`: multibase base64url (prefix "u") of the GZIP bitstring.

    Index 0 is the left-most (most significant) bit of the first byte.
    """
    size = max(STATUS_LIST_MIN_BITS, ((max(revoked_indexes, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_bit(encoded: str, index: int) -> bool:
    raw = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(revoked_indexes: list[int]) -> dict[str, Any]:
    """The published BitstringStatusListCredential of revoked awards."""
    url = public_url(reverse("literacy-status-list"))
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": _iso(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list_encode(revoked_indexes),
        },
    }


def badge_svg(badge: Badge, *, credential_jwt: str = "", holder: str = "") -> str:
    """The badge's image; with a credential, baked per OB 3.0 (the JWS inside the SVG)."""
    tier_label = badge.get_tier_display().split(" ")[0] if badge.tier else "Badge"
    name = escape(badge.name)
    baked = (
        f"<openbadges:credential>{escape(credential_jwt)}</openbadges:credential>"
        if credential_jwt
        else ""
    )
    namespace = f' xmlns:openbadges="{OB_SVG_NAMESPACE}"' if credential_jwt else ""
    holder_line = (
        '<text x="120" y="228" font-size="12" text-anchor="middle" fill="#222">'
        f"{escape(holder)}</text>"
        if holder
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg"{namespace} width="240" height="240" '
        f'viewBox="0 0 240 240" role="img" aria-label="{name}">'
        f"{baked}<title>{name}</title>"
        f'<circle cx="120" cy="105" r="92" fill="{badge.colour}" stroke="#1b1b1b" '
        'stroke-width="4"/>'
        '<circle cx="120" cy="105" r="74" fill="none" stroke="#ffffff" stroke-width="3" '
        'stroke-dasharray="6 4"/>'
        f'<text x="120" y="98" font-family="sans-serif" font-size="22" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{escape(tier_label.upper())}</text>'
        f'<text x="120" y="124" font-family="sans-serif" font-size="12" text-anchor="middle" '
        f'fill="#ffffff">{escape(_shorten(badge.name, 26))}</text>'
        f"{holder_line}</svg>\n"
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def baked_credential_extract(svg: str) -> str:
    """The JWS baked into an SVG by `badge_svg` (empty when there is none)."""
    start_tag, end_tag = "<openbadges:credential>", "</openbadges:credential>"
    start = svg.find(start_tag)
    end = svg.find(end_tag)
    if start < 0 or end < start:
        return ""
    return svg[start + len(start_tag) : end].strip()


def credential_json(token: str) -> dict[str, Any]:
    """The payload of a VC-JWT, without checking it (for display next to a verified result)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded
