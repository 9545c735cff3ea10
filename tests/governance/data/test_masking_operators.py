"""Masking operators as pure functions: what each returns, determinism, joinability, rule choice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from workbench.governance.masking import (
    FALLBACK_RULE,
    REDACTED,
    ColumnMask,
    MaskingParamsError,
    RuleSpec,
    column_mask_choose,
    generalize,
    keyed_hash,
    mask_values,
    nullify,
    params_validate,
    partial_mask,
    redact,
    surrogate,
)

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def no_vault(texts, kind):  # noqa: ANN001, ANN201
    raise AssertionError("only tokenize may call the vault")


def test_redact_hides_everything_but_keeps_null() -> None:
    assert redact("ada@example.org") == REDACTED
    assert redact(12345) == REDACTED
    assert redact(None) is None


def test_null_drops_the_value() -> None:
    assert nullify("secret") is None


@pytest.mark.parametrize(
    ("value", "keep", "expected"),
    [
        ("4111111111111111", 4, "••••••••••••1111"),
        ("+31 6 1234 5678", 2, "•••••••••••••78"),
        ("1234", 4, "••••"),  # too short to hide anything: hidden entirely
        ("12345678", 4, "••••••••"),  # would show half of it: hidden entirely
        (None, 4, None),
    ],
    ids=["card", "phone", "short", "half", "null"],
)
def test_partial_mask_keeps_only_the_last_characters(value, keep, expected) -> None:  # noqa: ANN001
    assert partial_mask(value, keep_last=keep) == expected


def test_keyed_hash_is_deterministic_keyed_and_joinable() -> None:
    first = keyed_hash("Ada@Example.org ", key=KEY)
    assert first == keyed_hash("ada@example.org", key=KEY)  # canonical form: joins across tables
    assert first != keyed_hash("grace@example.org", key=KEY)
    assert first != keyed_hash("ada@example.org", key=OTHER_KEY)  # not guessable without the key
    assert len(first or "") == 24
    assert "ada" not in (first or "")
    assert keyed_hash(None, key=KEY) is None


def test_keyed_hash_joins_two_masked_columns() -> None:
    orders = ["a@x.org", "b@x.org", "a@x.org"]
    customers = {"a@x.org": "Ada", "b@x.org": "Bob"}
    hashed_customers = {keyed_hash(email, key=KEY): name for email, name in customers.items()}
    joined = [hashed_customers[keyed_hash(email, key=KEY)] for email in orders]
    assert joined == ["Ada", "Bob", "Ada"]


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (date(1987, 4, 12), {"kind": "date"}, "1987"),
        ("1987-04-12", {"kind": "date", "granularity": "month"}, "1987-04"),
        (datetime(2001, 12, 31, 23, tzinfo=UTC), {"kind": "date"}, "2001"),
        ("not a date", {"kind": "date"}, REDACTED),
        (37, {"kind": "age"}, "30–39"),
        ("42", {"kind": "age", "band": 5}, "40–44"),
        (Decimal("9"), {"kind": "age"}, "0–9"),
        ("old", {"kind": "age"}, REDACTED),
        ("1012 AB", {"kind": "postcode", "prefix": 2}, "10…"),
        ("SW1A 1AA", {"kind": "postcode", "prefix": 3}, "SW1…"),
        ("9", {"kind": "postcode", "prefix": 2}, REDACTED),
        (None, {"kind": "date"}, None),
    ],
)
def test_generalize(value, kwargs, expected) -> None:  # noqa: ANN001
    assert generalize(value, **kwargs) == expected


def test_generalize_unknown_kind_is_an_error() -> None:
    with pytest.raises(MaskingParamsError):
        generalize("x", kind="colour")


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        ("person_name", r"^[A-Z][a-z]+ [A-Z][A-Za-z']+$"),
        ("email", r"^[a-z.']+\d*@example\.(org|com|net)$"),
        ("phone", r"^[\d()+ .-]{10,}$"),
        ("street_address", r"^\d+ [A-Z][A-Za-z']+ [A-Z][a-z]+$"),
        ("date_of_birth", r"^(19[4-9]\d|200\d)-\d\d-\d\d$"),
        ("iban", r"^XX00\d{18}$"),
        ("national_id", r"^[A-Z]{3}\d{6}$"),  # no realistic generator: a code of the same shape
    ],
)
def test_surrogate_is_realistic_consistent_and_not_the_value(kind: str, pattern: str) -> None:
    import re

    values = ["CANARY-ada", "CANARY-grace", "CANARY-alan", "CANARY-edsger"]
    fakes = [surrogate(value, kind=kind, key=KEY) for value in values]
    mismatched = [fake for fake in fakes if not re.match(pattern, fake or "")]
    assert not mismatched, f"{kind}: {mismatched!r}"
    assert fakes == [surrogate(value, kind=kind, key=KEY) for value in values]  # consistent
    assert len(set(fakes)) >= 3  # different inputs, (almost always) different surrogates
    assert not any("CANARY" in (fake or "") for fake in fakes)
    assert surrogate(values[0], kind=kind, key=OTHER_KEY) != fakes[0]


def test_surrogate_name_parts_follow_the_column() -> None:
    mask = ColumnMask("first_name", "surrogate", {}, "", "", "person_name")
    first = mask_values(mask, ["Ada", "Ada", None], key=KEY, tokenize=no_vault)
    assert first[0] == first[1]
    assert " " not in first[0]
    assert first[2] is None


def test_mask_values_tokenizes_distinct_canonical_values_once() -> None:
    calls: list[tuple[dict[str, str], str]] = []

    def vault(texts, kind):  # noqa: ANN001, ANN202
        calls.append((dict(texts), kind))
        return {text: f"tok_{index}" for index, text in enumerate(sorted(texts))}

    mask = ColumnMask("iban", "tokenize", {}, "", "", "iban")
    tokens = mask_values(mask, ["NL91 ABNA", "nl91 abna", None, "DE89"], key=KEY, tokenize=vault)
    # One token per canonical value; the vault keeps the first original it saw.
    assert calls == [({"nl91 abna": "NL91 ABNA", "de89": "DE89"}, "iban")]
    assert tokens == ["tok_1", "tok_1", None, "tok_0"]


RULES = [
    RuleSpec("names", "surrogate", pii_kind="person_name", priority=50),
    RuleSpec("emails", "hash", pii_kind="email", priority=50),
    RuleSpec("ids", "redact", pii_kind="national_id", priority=70),
    RuleSpec("confidential", "redact", classification=2),
    RuleSpec("restricted", "null", classification=3),
]


@pytest.mark.parametrize(
    ("kinds", "classification", "operator", "rule"),
    [
        (["email"], 2, "hash", "emails"),
        (["email", "national_id"], 1, "redact", "ids"),  # highest priority wins
        ([], 2, "redact", "confidential"),
        ([], 3, "null", "restricted"),  # highest classification at or below the column's
        (["gender"], 3, "null", "restricted"),  # PII without its own rule: classification rule
        (["gender"], 0, "redact", FALLBACK_RULE),  # and with none: redacted, never shown
        ([], 1, None, None),
    ],
)
def test_column_mask_choose(kinds, classification, operator, rule) -> None:  # noqa: ANN001
    mask = column_mask_choose(
        column="c",
        pii_kinds=kinds,
        classification=classification,
        classification_label="X",
        rules=RULES,
    )
    assert (mask.operator if mask else None) == operator
    assert (mask.rule if mask else None) == rule


@pytest.mark.parametrize(
    ("operator", "params"),
    [
        ("partial", {"keep_last": 0}),
        ("partial", {"keep_last": "4"}),
        ("generalize", {"granularity": "week"}),
        ("hash", {"keep_last": 4}),
        ("shuffle", {}),
    ],
)
def test_params_validate_refuses_what_does_not_fit(operator: str, params: dict) -> None:
    with pytest.raises(MaskingParamsError):
        params_validate(operator, params)


def test_params_validate_accepts_the_defaults() -> None:
    from workbench.governance.masking_defaults import DEFAULT_RULES

    for _name, _kind, _level, operator, params, _priority in DEFAULT_RULES:
        assert params_validate(operator, params) == params
