"""Open Badges 3.0 credentials: valid against the published 1EdTech JSON schema, signature checked
with an independent JOSE library (joserfc, not the PyJWT code that signed), tampering detected,
revocation published in the BitstringStatusList, baked SVG round trip."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import OKPKey
from jsonschema import Draft201909Validator

from literacy.credentials import (
    baked_credential_extract,
    credential_json,
    credential_verify,
    identity_hash,
    status_list_bit,
)
from literacy.models import BadgeAward
from literacy.services.badges import BadgeError, badge_award_revoke

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text()
)


def _award(user) -> BadgeAward:
    return BadgeAward.objects.select_related("badge", "user").get(
        user=user, badge__slug="bronze-data-awareness"
    )


def _issuer_key(client) -> OKPKey:
    jwk = client.get("/api/literacy/issuer/").json()["publicKey"]
    return OKPKey.import_key({k: jwk[k] for k in ("kty", "crv", "x")})


def test_credential_is_valid_against_the_published_ob3_schema(bronze_user) -> None:
    credential = credential_json(_award(bronze_user).credential_jwt)
    errors = sorted(Draft201909Validator(SCHEMA).iter_errors(credential), key=str)
    assert errors == [], [e.message for e in errors]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in credential["@context"]
    assert set(credential["type"]) == {"VerifiableCredential", "OpenBadgeCredential"}
    assert credential["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_schema_rejects_a_credential_without_its_subject(bronze_user) -> None:
    credential = credential_json(_award(bronze_user).credential_jwt)
    del credential["credentialSubject"]
    assert not Draft201909Validator(SCHEMA).is_valid(credential)


def test_subject_is_identified_by_a_salted_hash_of_the_email_not_the_email(bronze_user) -> None:
    award = _award(bronze_user)
    credential = credential_json(award.credential_jwt)
    identity = credential["credentialSubject"]["identifier"][0]
    assert bronze_user.email not in award.credential_jwt
    assert bronze_user.email not in json.dumps(credential)
    assert identity["identityHash"] == identity_hash(bronze_user.email, identity["salt"])


def test_signature_verifies_with_an_independent_library(client, bronze_user) -> None:
    token = _award(bronze_user).credential_jwt
    result = jws.deserialize_compact(token, _issuer_key(client), algorithms=["EdDSA"])
    payload = json.loads(result.payload)
    assert payload["jti"] == f"urn:uuid:{_award(bronze_user).credential_id}"
    assert payload["iss"] == payload["issuer"]["id"]


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["achievement"]["name"] = "Gold: Data Fluency"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampered_credential_fails_independent_verification(client, bronze_user) -> None:
    forged = _tampered(_award(bronze_user).credential_jwt)
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(forged, _issuer_key(client), algorithms=["EdDSA"])


def test_tampered_credential_is_reported_tampered_by_the_public_endpoint(
    client, bronze_user
) -> None:
    forged = _tampered(_award(bronze_user).credential_jwt)
    response = client.post(
        "/api/literacy/credentials/verify/", {"credential": forged}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "tampered"
    assert response.json()["valid"] is False


def test_public_verification_of_a_valid_credential(client, bronze_user) -> None:
    response = client.post(
        "/api/literacy/credentials/verify/",
        {"credential": _award(bronze_user).credential_jwt},
        content_type="application/json",
    )
    assert response.json()["status"] == "valid"
    page = client.get(f"/literacy/credentials/{_award(bronze_user).credential_id}/")
    assert page.status_code == 200
    assert b'data-status="valid"' in page.content
    assert bronze_user.email.encode() not in page.content


def test_revocation_flips_the_status_list_bit_and_verification(client, hr, bronze_user) -> None:
    award = _award(bronze_user)
    before = client.get("/api/literacy/status-list/").json()
    assert before["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert not status_list_bit(before["credentialSubject"]["encodedList"], award.status_index)
    badge_award_revoke(actor=hr, award=award, reason="Awarded to the wrong person")
    after = client.get("/api/literacy/status-list/").json()
    assert status_list_bit(after["credentialSubject"]["encodedList"], award.status_index)
    entry = credential_json(award.credential_jwt)["credentialStatus"]
    assert entry["statusListIndex"] == str(award.status_index)
    assert entry["statusListCredential"] == after["id"]
    assert credential_verify(award.credential_jwt).status == "revoked"
    assert client.get(f"/api/literacy/credentials/{award.credential_id}/").json()["status"] == (
        "revoked"
    )


def test_revocation_needs_a_reason_and_happens_once(hr, bronze_user) -> None:
    award = _award(bronze_user)
    with pytest.raises(BadgeError):
        badge_award_revoke(actor=hr, award=award, reason="  ")
    badge_award_revoke(actor=hr, award=award, reason="mistake")
    with pytest.raises(BadgeError):
        badge_award_revoke(actor=hr, award=award, reason="again")


def test_a_revoked_tier_badge_no_longer_counts_for_the_tier(hr, bronze_user) -> None:
    from literacy.selectors import literacy_tier

    assert literacy_tier(bronze_user) == "bronze"
    badge_award_revoke(actor=hr, award=_award(bronze_user), reason="mistake")
    assert literacy_tier(bronze_user) == "none"


def test_baked_svg_carries_the_credential(client_for, bronze_user) -> None:
    award = _award(bronze_user)
    response = client_for(bronze_user).get(f"/literacy/awards/{award.pk}/credential.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert baked_credential_extract(svg) == award.credential_jwt


def test_uploading_a_baked_badge_verifies_it(client, client_for, bronze_user) -> None:
    award = _award(bronze_user)
    svg = client_for(bronze_user).get(f"/literacy/awards/{award.pk}/credential.svg").content
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.svg", svg, content_type="image/svg+xml")
    response = client.post("/literacy/verify/", {"badge_file": upload})
    assert response.status_code == 200
    assert b'data-status="valid"' in response.content


def test_garbage_is_not_a_valid_credential(client) -> None:
    response = client.post(
        "/api/literacy/credentials/verify/",
        {"credential": "not.a.jwt"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["valid"] is False
    empty = client.post("/literacy/verify/", {"credential": ""})
    assert empty.status_code == 400
    assert b"Paste a credential" in empty.content


def test_another_persons_award_download_is_a_404(client_for, steward, bronze_user) -> None:
    award = _award(bronze_user)
    for path in (
        f"/literacy/awards/{award.pk}/credential.svg",
        f"/literacy/awards/{award.pk}/credential.jwt",
    ):
        assert client_for(steward).get(path).status_code == 404
        assert client_for(bronze_user).get(path).status_code == 200
