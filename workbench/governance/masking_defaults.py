"""The masking rules a fresh install starts with: one per kind of personal data, and a floor per
classification. Created after every migrate (and by load_demo); rules an admin already has — by
name — are left as they are, so edits in the admin survive."""

from __future__ import annotations

from typing import Any

from workbench.governance.models import MaskingRule

# (name, pii_kind or "", classification or None, operator, params, priority)
DEFAULT_RULES: tuple[tuple[str, str, int | None, str, dict[str, Any], int], ...] = (
    ("Names → synthetic names", "person_name", None, "surrogate", {}, 50),
    ("Emails → keyed hash", "email", None, "hash", {}, 50),
    ("Phone numbers → last 2 digits", "phone", None, "partial", {"keep_last": 2}, 50),
    ("Street addresses → synthetic addresses", "street_address", None, "surrogate", {}, 50),
    ("Postcodes → first 2 characters", "postcode", None, "generalize", {"kind": "postcode"}, 40),
    (
        "Dates of birth → year",
        "date_of_birth",
        None,
        "generalize",
        {"kind": "date", "granularity": "year"},
        40,
    ),
    ("Ages → band of 10", "age", None, "generalize", {"kind": "age", "band": 10}, 40),
    ("IBANs → vault token", "iban", None, "tokenize", {}, 60),
    ("Bank accounts → vault token", "bank_account_number", None, "tokenize", {}, 60),
    ("Card numbers → last 4 digits", "card_number", None, "partial", {"keep_last": 4}, 60),
    ("Masked card numbers → last 4", "masked_card_number", None, "partial", {"keep_last": 4}, 10),
    ("National ids → redacted", "national_id", None, "redact", {}, 70),
    ("Passport numbers → redacted", "passport_number", None, "redact", {}, 70),
    ("Tax ids → redacted", "tax_id", None, "redact", {}, 70),
    ("Driving licences → redacted", "driving_licence", None, "redact", {}, 70),
    ("Salaries → null", "salary", None, "null", {}, 30),
    ("Usernames → keyed hash", "username", None, "hash", {}, 20),
    ("IP addresses → keyed hash", "ip_address", None, "hash", {}, 20),
    ("Device ids → keyed hash", "device_id", None, "hash", {}, 20),
    ("MAC addresses → keyed hash", "mac_address", None, "hash", {}, 20),
    ("Health data → null", "health_data", None, "null", {}, 80),
    ("Ethnic origin → null", "ethnic_origin", None, "null", {}, 80),
    ("Religious belief → null", "religious_belief", None, "null", {}, 80),
    ("Confidential columns → redacted", "", 2, "redact", {}, 0),
    ("Restricted columns → null", "", 3, "null", {}, 0),
)


def masking_rules_ensure(*, using: str = "default") -> int:
    """Create the default rules that are missing (by name); returns how many were created."""
    existing = set(MaskingRule.objects.using(using).values_list("name", flat=True))
    missing = [
        MaskingRule(
            name=name,
            pii_kind=pii_kind,
            classification=classification,
            operator=operator,
            params=params,
            priority=priority,
        )
        for name, pii_kind, classification, operator, params, priority in DEFAULT_RULES
        if name not in existing
    ]
    MaskingRule.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def masking_rules_after_migrate(**kwargs: Any) -> None:
    masking_rules_ensure(using=kwargs.get("using", "default"))
