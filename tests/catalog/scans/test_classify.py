"""PII classification of columns: validators, each kind on positive and negative samples, names
versus values, awkward samples (empty, mixed, long, unicode), fingerprints, and the sample
warehouse scored against its ground-truth tags."""

from __future__ import annotations

import os
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql

from catalog.scans.classify import (
    MIN_CONFIDENCE,
    PII_KINDS,
    SENSITIVITY_LEVELS,
    PiiSuggestion,
    classify_column,
    classify_sample,
    classify_table,
    without_rejected,
)
from catalog.scans.pii.validators import (
    be_national_number_is_valid,
    card_number_is_valid,
    de_rvnr_is_valid,
    es_dni_is_valid,
    fr_nir_is_valid,
    gb_nino_is_valid,
    iban_is_valid,
    luhn_is_valid,
    nl_bsn_is_valid,
    us_ssn_is_valid,
)
from catalog.scans.snapshot import ColumnSnapshot, TableSnapshot
from workbench.demo.warehouse import WAREHOUSE_TABLES, warehouse_build

TODAY = datetime.now(UTC).date()


def kinds(suggestions: Sequence[PiiSuggestion]) -> list[str]:
    return [suggestion.kind for suggestion in suggestions]


def top_kind(name: str, values: Sequence[object], data_type: str = "varchar(200)") -> str | None:
    suggestions = classify_column(name, data_type, values)
    return suggestions[0].kind if suggestions else None


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return next(body + digit for digit in "0123456789" if luhn_is_valid(body + digit))


def iban_complete(country: str, bban: str) -> str:
    numeric = "".join(str(int(char, 36)) for char in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


RNG = random.Random(7)
FIRST = ["Oliver", "Amelia", "Lukas", "Sophie", "Jan", "Emma", "Mateo", "Zoë", "José", "Noah"]
LAST = ["Smith", "Müller", "Dubois", "de Vries", "García", "Jansen", "Rossi", "Brown", "Nowak"]
STREETS = [
    "High Street",
    "Station Road",
    "Hauptstraße",
    "rue de la Paix",
    "Kerkstraat",
    "Calle Mayor",
]

SAMPLES: dict[str, list[str]] = {
    "email": [f"{f.lower()}.{i}@example{i % 3}.org" for i, f in enumerate(FIRST * 4)],
    "phone": [
        "+44 20 7946 0958",
        "(0161) 496 0000",
        "+49 30 901820",
        "030 9018 2012",
        "+33 1 42 68 53 00",
        "+1-202-555-0143",
        "(202) 555-0188",
        "212.555.0123 x42",
        "+31 20 624 1111",
        "+61 2 9374 4000",
    ]
    * 4,  # fmt: skip
    "card_number": [
        luhn_complete(prefix, length, RNG)
        for prefix, length in [("4", 16), ("51", 16), ("37", 15), ("6011", 16)] * 10
    ],
    "iban": [
        iban_complete("DE", f"{RNG.randrange(10**17, 10**18)}"),
        iban_complete("NL", f"ABNA{RNG.randrange(10**9, 10**10)}"),
        iban_complete("GB", f"WEST{RNG.randrange(10**13, 10**14)}"),
    ]
    * 12,
    "national_id": ["078-05-1120", "AB123456C", "111222333", "184127645108946", "12345678Z"] * 8,
    "ip_address": [f"10.{i}.{i * 7 % 256}.{i + 1}" for i in range(30)] + ["2001:db8::1"] * 5,
    "mac_address": [f"00:1a:2b:3c:{i:02x}:{(i * 3) % 256:02x}" for i in range(30)],
    "user_agent": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{100 + i}.0.0.0 Safari/537.36"
        for i in range(30)
    ],
    "masked_card_number": [f"**** **** **** {1000 + i * 7}" for i in range(30)],
    "person_name": [f"{f} {last}" for f in FIRST for last in LAST[:4]],
    "street_address": [f"{n} {s}" if n % 2 else f"{s} {n}" for n in range(1, 40) for s in STREETS][
        :40
    ],
    "gender": ["F", "M", "F", "F", "M", "X"] * 6,
    "postcode": ["SW1A 1AA", "10115", "75008", "1012 AB", "90210", "EC1A 1BB", "2000", "M5V 3L9"]
    * 5,
}


# --- Validators ---


@pytest.mark.parametrize(
    ("number", "is_valid"),
    [("79927398713", True), ("4111111111111111", True), ("79927398710", False), ("4111a11", False)],
)
def test_luhn(number: str, is_valid: bool) -> None:
    assert luhn_is_valid(number) is is_valid


@pytest.mark.parametrize(
    ("number", "is_valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("378282246310005", True),
        ("4111111111111112", False),  # Luhn fails
        ("0000000000000000", False),  # passes Luhn but no issuer starts with 0
        ("411111111111", False),  # too short
    ],
)
def test_card_number(number: str, is_valid: bool) -> None:
    assert card_number_is_valid(number) is is_valid


@pytest.mark.parametrize(
    ("iban", "is_valid"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("gb82west12345698765432", True),
        ("NL91ABNA0417164300", True),
        ("DE89370400440532013001", False),  # mod-97 fails
        ("DE8937040044053201300", False),  # wrong length for DE
        ("XX00", False),
    ],
)
def test_iban(iban: str, is_valid: bool) -> None:
    assert iban_is_valid(iban) is is_valid


@pytest.mark.parametrize(
    ("validator", "valid", "invalid"),
    [
        (us_ssn_is_valid, "078-05-1120", "666-05-1120"),
        (gb_nino_is_valid, "AB 12 34 56 C", "QQ123456C"),
        (nl_bsn_is_valid, "111222333", "123456789"),
        (fr_nir_is_valid, "184127645108946", "184127645108947"),
        (de_rvnr_is_valid, "39030580L826", "39030580L827"),
        (es_dni_is_valid, "12345678Z", "12345678A"),
        (be_national_number_is_valid, "85073003328", "85073003329"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_national_id_checksums(validator: object, valid: str, invalid: str) -> None:
    assert callable(validator)
    assert validator(valid) is True
    assert validator(invalid) is False


@settings(max_examples=60, deadline=None)
@given(digits=st.text("0123456789", min_size=12, max_size=18), data=st.data())
def test_luhn_catches_every_single_digit_error(digits: str, data: st.DataObject) -> None:
    number = next(digits + d for d in "0123456789" if luhn_is_valid(digits + d))
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not luhn_is_valid(number[:position] + wrong + number[position + 1 :])


@settings(max_examples=60, deadline=None)
@given(bban=st.text("0123456789", min_size=18, max_size=18), data=st.data())
def test_iban_catches_every_single_digit_error(bban: str, data: st.DataObject) -> None:
    iban = iban_complete("DE", bban)
    assert iban_is_valid(iban)
    position = data.draw(st.integers(2, len(iban) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != iban[position]]))
    assert not iban_is_valid(iban[:position] + wrong + iban[position + 1 :])


# --- Each kind from values alone, under a meaningless name ---


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_values_alone_find_each_kind(kind: str) -> None:
    suggestions = classify_column("col7", "varchar(200)", SAMPLES[kind])
    assert suggestions, f"nothing suggested for {kind}"
    top = suggestions[0]
    assert top.kind == kind
    assert top.method == "values"
    assert top.matched_share >= 0.8
    assert str(round(top.matched_share * len(SAMPLES[kind]))) in top.evidence


def test_national_id_evidence_names_the_schemes() -> None:
    [suggestion] = classify_column("col1", "text", SAMPLES["national_id"])
    assert "US SSN 8" in suggestion.evidence
    assert "NL BSN 8" in suggestion.evidence
    assert "FR NIR 8" in suggestion.evidence


def test_birth_dates_from_values_alone_but_not_recent_dates() -> None:
    births = [TODAY - timedelta(days=365 * age + age) for age in range(18, 80, 2)]
    recent = [TODAY - timedelta(days=37 * day) for day in range(30)]
    assert top_kind("d1", births, "date") == "date_of_birth"
    assert top_kind("d2", [b.isoformat() for b in births], "text") == "date_of_birth"
    assert top_kind("d3", recent, "date") is None
    timestamps = [
        datetime(2001, 1, 1, 9, 30, tzinfo=UTC) - timedelta(days=400 * i) for i in range(30)
    ]
    assert top_kind("d4", timestamps, "timestamp") is None


NOT_PII: dict[str, tuple[str, list[object]]] = {
    "order_number": ("varchar(20)", [f"SO-{i:08d}" for i in range(1, 60)]),
    "sku": ("varchar(20)", [f"SKU-{i % 15:02d}-{i:06d}" for i in range(60)]),
    "unit_price": ("numeric(12,2)", [f"{i * 3.17:.2f}" for i in range(1, 60)]),
    "ordered_at": (
        "timestamp",
        [f"2026-0{1 + i % 9}-{10 + i % 18} 1{i % 10}:2{i % 10}:00" for i in range(60)],
    ),
    "country": ("varchar(2)", ["GB", "DE", "FR", "NL", "US", "ES"] * 10),
    "product_name": (
        "varchar(200)",
        [
            f"{a} {n}, {c}"
            for a in ("Classic", "Premium")
            for n in ("Parka", "Tent", "Pillow")
            for c in ("Black", "Green", "Navy", "White", "Brown")
        ],
    ),  # fmt: skip
    "status": ("varchar(20)", ["delivered", "shipped", "cancelled", "returned"] * 15),
    "session_id": ("varchar(32)", [f"{RNG.getrandbits(128):032x}" for _ in range(60)]),
    "quantity": ("integer", [RNG.randint(1, 5) for _ in range(60)]),
    "customer_id": ("integer", list(range(1, 61))),
    "url_path": ("varchar(300)", [f"/products/{i}-classic-tent" for i in range(60)]),
    "campaign": ("varchar(120)", [f"{s} 2025 Sale" for s in ("Spring", "Summer", "Winter")] * 20),
    "job_title": (
        "varchar(120)",
        ["Support Agent", "Data Engineer", "Buyer", "Head of Sales"] * 15,
    ),
    "zero_padded_id": ("varchar(10)", [f"{i:010d}" for i in range(60)]),
    "company": (
        "varchar(200)",
        ["Smith Ltd", "Jones, Brown and Taylor", "Müller GmbH", "Acme Inc", "Dubois S.A."] * 12,
    ),
    "is_active": ("boolean", [True, False] * 30),
    "colour": ("varchar(20)", ["Black", "White", "Navy", "Olive", "Rose", "Grey", "Red"] * 9),
    "month": ("varchar(20)", ["January", "May", "June", "April", "August", "March"] * 10),
    "reference_code": ("varchar(5)", [f"{RNG.randint(10000, 99999)}" for _ in range(60)]),
    "isbn": ("varchar(17)", ["978-3-16-148410-0", "978-0-306-40615-7", "979-10-90636-07-1"] * 20),
    "version": ("varchar(20)", [f"{i % 4}.{i % 13}.{i % 7}.{i}" for i in range(60)]),
    "card_last4": ("varchar(4)", [f"{RNG.randint(0, 9999):04d}" for _ in range(60)]),
}


@pytest.mark.parametrize("column", sorted(NOT_PII))
@pytest.mark.parametrize("naming", ["named", "renamed"])
def test_non_pii_columns_get_no_suggestion(column: str, naming: str) -> None:
    data_type, values = NOT_PII[column]
    name = column if naming == "named" else "col3"
    assert classify_column(name, data_type, values, table="orders") == []


# --- Names ---


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("email", "email"),
        ("CustomerEMail", "email"),
        ("E-Mail-Adresse", "email"),
        ("mobile_phone", "phone"),
        ("Téléphone", "phone"),
        ("ssn", "national_id"),
        ("passport_no", "passport_number"),
        ("Geburtsdatum", "date_of_birth"),
        ("DateOfBirth", "date_of_birth"),
        ("last_name", "person_name"),
        ("recipient_name", "person_name"),
        ("iban", "iban"),
        ("credit_card_number", "card_number"),
        ("zip_code", "postcode"),
        ("billing_address", "street_address"),
        ("ip_address", "ip_address"),
        ("gender", "gender"),
        ("tax_id", "tax_id"),
        ("latitude", "geo_location"),
        ("diagnosis", "health_data"),
    ],
)
def test_names_alone_suggest_when_no_values(name: str, kind: str) -> None:
    suggestions = classify_column(name, "varchar(100)", [None, None, ""])
    assert kinds(suggestions)[:1] == [kind]
    assert suggestions[0].method == "name"
    assert suggestions[0].matched_share == 0
    assert "no values sampled" in suggestions[0].evidence


@pytest.mark.parametrize(
    "name",
    [
        "email_sent_at",
        "phone_verified",
        "shipping_address_id",
        "email_domain",
        "card_brand",
        "name",
    ],
)
def test_names_about_pii_are_not_pii(name: str) -> None:
    assert classify_column(name, "varchar(100)", []) == []


def test_names_of_places_and_companies_are_not_read_as_person_names() -> None:
    people_like = ["Jennifer Hill", "Sarah Brown", "Smith-Jones", "Moraes"] * 10
    assert top_kind("col1", people_like) == "person_name"
    assert top_kind("city", people_like) is None
    assert top_kind("supplier_company", people_like) is None


def test_bare_name_column_is_a_person_name_only_in_a_person_table() -> None:
    assert kinds(classify_column("name", "text", [], table="customers")) == ["person_name"]
    assert classify_column("name", "text", [], table="products") == []


def test_name_and_values_together_are_more_confident_than_either() -> None:
    values = SAMPLES["iban"]
    both = classify_column("iban", "varchar(34)", values)[0]
    name_only = classify_column("iban", "varchar(34)", [])[0]
    values_only = classify_column("c", "varchar(34)", values)[0]
    assert both.method == "name+values"
    assert both.confidence > max(name_only.confidence, values_only.confidence)
    assert "valid IBANs (mod-97)" in both.evidence
    assert "column name 'iban'" in both.evidence


def test_values_that_contradict_the_name_drop_the_suggestion() -> None:
    assert classify_column("email", "varchar(10)", ["yes", "no", "unknown"] * 10) == []
    assert classify_column("salary", "varchar(20)", ["grade A", "grade B"] * 10) == []


def test_name_only_kinds_are_confirmed_by_compatible_values() -> None:
    pay = [Decimal("52000.00"), Decimal("61500.50"), 48000] * 10  # as drivers return NUMERIC
    [salary] = classify_column("salary", "numeric(12,2)", pay)
    assert (salary.kind, salary.method) == ("salary", "name+values")
    assert salary.sensitivity == "confidential"


def test_phone_numbers_stored_as_bare_digits_need_the_name() -> None:
    numbers = [4915112345678 + 7919 * i for i in range(30)]
    assert top_kind("mobile_phone", numbers, "bigint") == "phone"
    assert top_kind("mobile_phone", [str(n) for n in numbers], "varchar(20)") == "phone"
    assert top_kind("col1", numbers, "bigint") is None
    assert top_kind("mobile_phone", [f"SO-{n}" for n in range(30)], "varchar(20)") is None


def test_a_sample_too_small_to_contradict_keeps_the_name() -> None:
    [suggestion] = classify_column("email", "varchar(10)", ["n/a"])
    assert suggestion.kind == "email"
    assert suggestion.method == "name"


# --- Awkward samples ---


def test_empty_and_null_only_columns_without_a_telling_name() -> None:
    assert classify_column("col1", "text", []) == []
    assert classify_column("col1", "text", [None] * 50) == []
    assert classify_column("col1", "text", ["", "  "] * 20) == []


def test_nulls_do_not_dilute_the_share() -> None:
    values: list[object] = [None] * 90 + list(SAMPLES["email"][:10])
    [suggestion] = classify_column("col1", "text", values)
    assert suggestion.kind == "email"
    assert suggestion.matched_share == 1.0


def test_a_few_emails_among_other_values_give_low_confidence_or_none() -> None:
    values = SAMPLES["email"][:5] + [f"note {i}" for i in range(95)]
    assert classify_column("col1", "text", values) == []
    [weak] = [
        s for s in classify_column("col1", "text", values, min_confidence=0) if s.kind == "email"
    ]
    assert weak.matched_share == 0.05
    assert weak.confidence < 0.1


def test_very_long_values_are_bounded() -> None:
    huge = "x" * 2_000_000 + " ann@example.org"
    started = time.perf_counter()
    suggestions = classify_column("col1", "text", [huge] * 3 + SAMPLES["email"])
    assert time.perf_counter() - started < 2
    assert kinds(suggestions)[:1] == ["email"]
    assert classify_column("col1", "text", ["9" * 100_000] * 10) == []


def test_unicode_values_and_names() -> None:
    names = ["Zoë Müller", "José Álvarez", "Søren Jensen", "Łukasz Nowak", "Chloé Dubois"] * 8
    assert top_kind("col1", names) == "person_name"
    emails = ["jörg@müller.de", "zoë.brown@exämple.org", "ана@пример.рф"] * 10
    assert top_kind("col1", emails) == "email"
    assert top_kind("Straße_und_Hausnummer", ["Hauptstraße 5", "Lindenallee 12a"] * 10) == (
        "street_address"
    )


def test_binary_and_boolean_columns() -> None:
    assert classify_column("email", "boolean", [True, False]) == []
    [suggestion] = classify_column("email", "bytea", [b"ann@example.org"] * 10)
    assert suggestion.method == "name"


def test_suggestions_are_sorted_and_above_the_threshold() -> None:
    mixed = SAMPLES["email"][:24] + SAMPLES["phone"][:16]
    everything = classify_column("contact", "varchar(254)", mixed, min_confidence=0)
    confidences = [s.confidence for s in everything]
    assert kinds(everything)[:2] == ["email", "phone"]
    assert confidences == sorted(confidences, reverse=True)
    kept = classify_column("contact", "varchar(254)", mixed)
    assert kept == [s for s in everything if s.confidence >= MIN_CONFIDENCE]
    assert kinds(kept) == ["email"]
    assert all(0 <= s.confidence <= 1 for s in everything)


# --- Free text ---

TICKETS = [
    "Hi,\n\nMy card 4111 1111 1111 1111 was charged twice for order SO-00001234. Thanks, Ann",
    "Please stop collecting payments from IBAN DE89 3704 0044 0532 0130 00. I cancelled.",
    "Could you send the invoice for order SO-00000042 to ann.lee@example.org? Thanks",
    "My parcel never arrived. You can reach me on +44 20 7946 0958 after 5pm.",
    "Please deliver order SO-00000077 to 12 Station Road, SW1A 1AA London instead.",
]
PLAIN_TEXTS = [
    "Where is my order? The tracking page has not changed in days.",
    "The headphones arrived damaged. Can I get a replacement please?",
    "How do I return an item that I received as a gift from a friend?",
    "The discount code from your newsletter is rejected at checkout.",
]


def test_free_text_reports_the_kinds_it_found() -> None:
    [suggestion] = classify_column("body", "text", TICKETS * 4 + PLAIN_TEXTS * 4)
    assert suggestion.kind == "free_text"
    for kind in ("card_number", "iban", "email", "phone", "street_address"):
        assert kind in suggestion.evidence


def test_text_without_pii_is_not_free_text_pii() -> None:
    assert classify_column("body", "text", PLAIN_TEXTS * 10) == []


def test_rare_pii_in_text_is_below_the_threshold() -> None:
    values = PLAIN_TEXTS * 25 + TICKETS[2:3]
    assert classify_column("body", "text", values) == []


# --- Fingerprints ---


def fingerprint(name: str, data_type: str, values: Sequence[object], kind: str) -> str:
    suggestions = classify_column(name, data_type, values, min_confidence=0)
    return next(s.fingerprint for s in suggestions if s.kind == kind)


def test_fingerprint_is_stable_for_the_same_kind_of_data() -> None:
    values = SAMPLES["iban"]
    first = fingerprint("iban", "varchar(34)", values, "iban")
    assert fingerprint("iban", "varchar(34)", list(reversed(values)), "iban") == first
    assert fingerprint("iban", "varchar(34)", values[:20] + [None] * 5, "iban") == first
    other_ibans = [
        iban_complete("DE", f"{RNG.randrange(10**17, 10**18)}"),
        iban_complete("NL", f"RABO{RNG.randrange(10**9, 10**10)}"),
        iban_complete("GB", f"NWBK{RNG.randrange(10**13, 10**14)}"),
    ] * 10
    assert fingerprint("iban", "varchar(34)", other_ibans, "iban") == first
    assert len(first) == 32


def test_fingerprint_changes_when_the_evidence_changes() -> None:
    values = SAMPLES["iban"]
    first = fingerprint("iban", "varchar(34)", values, "iban")
    assert fingerprint("iban", "varchar(34)", [], "iban") != first  # was empty, now filled
    assert fingerprint("iban", "text", values, "iban") != first  # type changed
    assert fingerprint("bank_iban", "varchar(34)", values, "iban") != first  # renamed
    half = values[:18] + [f"ref {i}" for i in range(18)]
    assert fingerprint("iban", "varchar(34)", half, "iban") != first  # share changed
    german_only = [iban_complete("DE", f"{RNG.randrange(10**17, 10**18)}") for _ in range(30)]
    assert fingerprint("iban", "varchar(34)", german_only, "iban") != first  # shapes changed


def test_a_rejected_suggestion_returns_only_when_the_data_changes() -> None:
    mixed = SAMPLES["email"][:30] + [f"ref {i}" for i in range(10)]
    [rejected] = classify_column("contact", "text", mixed)
    rescanned = classify_column("contact", "text", list(reversed(mixed)))
    assert without_rejected(rescanned, {rejected.fingerprint}) == []
    only_emails = classify_column("contact", "text", SAMPLES["email"])
    assert kinds(without_rejected(only_emails, {rejected.fingerprint})) == ["email"]


def test_fingerprints_differ_per_kind_in_one_column() -> None:
    mixed = SAMPLES["email"][:20] + SAMPLES["phone"][:20]
    suggestions = classify_column("contact", "varchar(254)", mixed, min_confidence=0)
    assert len(suggestions) >= 2
    assert len({s.fingerprint for s in suggestions}) == len(suggestions)


# --- Vocabulary ---


def test_vocabulary_covers_the_warehouse_and_common_kinds() -> None:
    truth = {column.pii for table in WAREHOUSE_TABLES for column in table.columns if column.pii}
    assert truth <= set(PII_KINDS)
    assert {"passport_number", "tax_id", "geo_location", "gender"} <= set(PII_KINDS)
    assert all(kind.sensitivity in SENSITIVITY_LEVELS for kind in PII_KINDS.values())
    assert PII_KINDS["iban"].sensitivity == "restricted"
    assert PII_KINDS["email"].sensitivity == "confidential"
    assert PII_KINDS["ip_address"].sensitivity == "internal"


ANY_VALUE = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=50),
    st.dates(),
    st.datetimes(),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.text(max_size=40),
    data_type=st.sampled_from(["text", "varchar(40)", "integer", "date", "bytea", "", "JSON"]),
    values=st.lists(ANY_VALUE, max_size=40),
)
def test_any_input_gives_well_formed_suggestions(
    name: str, data_type: str, values: list[object]
) -> None:
    suggestions = classify_column(name, data_type, values)
    confidences = [s.confidence for s in suggestions]
    assert confidences == sorted(confidences, reverse=True)
    for suggestion in suggestions:
        assert suggestion.kind in PII_KINDS
        assert MIN_CONFIDENCE <= suggestion.confidence <= 1
        assert 0 <= suggestion.matched_share <= 1
        assert suggestion.method in ("name", "values", "name+values")
        assert len(suggestion.fingerprint) == 32


def test_classify_table_reads_rows_in_column_order() -> None:
    table = TableSnapshot(
        schema="main",
        name="contacts",
        kind="table",
        columns=(
            ColumnSnapshot("id", 1, "integer", is_nullable=False),
            ColumnSnapshot("name", 2, "text", is_nullable=True),
            ColumnSnapshot("c3", 3, "text", is_nullable=True),
        ),
    )
    rows = [
        (i, person, iban)
        for i, (person, iban) in enumerate(
            zip(SAMPLES["person_name"][:36], SAMPLES["iban"], strict=True)
        )
    ]
    result = classify_table(table, rows)
    assert {name: kinds(s) for name, s in result.items()} == {
        "id": [],
        "name": ["person_name"],
        "c3": ["iban"],
    }
    assert result["name"][0].method == "name+values"  # 'name' in a table of contacts


def test_classify_sample_classifies_each_column_of_rows() -> None:
    rows = [(i, email, "GB") for i, email in enumerate(SAMPLES["email"])]
    result = classify_sample([("id", "integer"), ("c2", "text"), ("c3", "text")], rows)
    assert {name: kinds(s) for name, s in result.items()} == {"id": [], "c2": ["email"], "c3": []}


# --- The sample warehouse against its ground truth ---

WAREHOUSE_SCALE = 0.03
SAMPLE_ROWS = 200
PG_URL = os.environ.get(
    "WORKBENCH_TEST_WAREHOUSE_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
WarehouseColumn = tuple[str, str, str, str | None, list[object]]  # table, name, type, truth, values


@pytest.fixture(scope="module")
def sqlite_warehouse_columns(tmp_path_factory: pytest.TempPathFactory) -> list[WarehouseColumn]:
    path: Path = tmp_path_factory.mktemp("classify") / "warehouse.sqlite3"
    warehouse_build(url=f"sqlite:///{path}", scale=WAREHOUSE_SCALE)
    columns = []
    with closing(sqlite3.connect(path)) as connection:
        for table in WAREHOUSE_TABLES:
            rows = connection.execute(f"SELECT * FROM {table.name} LIMIT {SAMPLE_ROWS}").fetchall()
            for index, column in enumerate(table.columns):
                values = [row[index] for row in rows]
                columns.append((table.name, column.name, column.sql_type, column.pii, values))
    return columns


@pytest.fixture(scope="module")
def pg_warehouse_columns() -> Iterator[list[WarehouseColumn]]:
    """The warehouse in PostgreSQL: values come as the driver types them (date, Decimal, ...)
    and types as information_schema spells them."""
    schema = f"warehouse_classify_{uuid.uuid4().hex[:8]}"
    warehouse_build(url=PG_URL, scale=WAREHOUSE_SCALE, schema=schema)
    try:
        yield list(pg_columns(schema))
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def pg_columns(schema: str) -> Iterator[WarehouseColumn]:
    with psycopg.connect(PG_URL) as connection:
        for table in WAREHOUSE_TABLES:
            types = dict(
                connection.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = %s AND table_name = %s",
                    (schema, table.name),
                ).fetchall()
            )
            statement = sql.SQL("SELECT * FROM {}.{} LIMIT {}").format(
                sql.Identifier(schema), sql.Identifier(table.name), sql.Literal(SAMPLE_ROWS)
            )
            rows = connection.execute(statement).fetchall()
            for index, column in enumerate(table.columns):
                values = [row[index] for row in rows]
                yield (table.name, column.name, types[column.name], column.pii, values)


@pytest.fixture(params=["sqlite", "pg"])
def warehouse_columns(request: pytest.FixtureRequest) -> list[WarehouseColumn]:
    columns: list[WarehouseColumn] = request.getfixturevalue(f"{request.param}_warehouse_columns")
    return columns


def score(columns: list[WarehouseColumn], *, renamed: bool) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    misses = []
    for index, (table, name, data_type, truth, values) in enumerate(columns):
        column_name = f"col{index}" if renamed else name
        suggestions = classify_column(column_name, data_type, values, table=table)
        predicted = suggestions[0].kind if suggestions else None
        tp += predicted is not None and predicted == truth
        fp += predicted is not None and predicted != truth
        fn += truth is not None and predicted != truth
        if predicted != truth:
            misses.append(f"{table}.{name}: {truth} -> {predicted}")
    return tp / (tp + fp), tp / (tp + fn), misses


def test_warehouse_precision_and_recall(
    warehouse_columns: list[WarehouseColumn],
) -> None:
    precision, recall, misses = score(warehouse_columns, renamed=False)
    assert precision >= 0.95, misses
    assert recall >= 0.98, misses


def test_warehouse_values_alone_find_the_validated_kinds(
    warehouse_columns: list[WarehouseColumn],
) -> None:
    precision, _, misses = score(warehouse_columns, renamed=True)
    assert precision >= 0.95, misses
    found = {miss.split(":")[0] for miss in misses}
    for table, name in [
        ("customers", "email"),
        ("customers", "phone"),
        ("customers", "iban"),
        ("customers", "credit_card_number"),
        ("employees", "national_id"),
        ("payments", "masked_card_number"),
        ("page_views", "ip_address"),
        ("support_tickets", "body"),
    ]:
        assert f"{table}.{name}" not in found, misses
