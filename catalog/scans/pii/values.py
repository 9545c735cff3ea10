"""Recognise personal data in a column's sampled values: one detector per kind, each counting how
many sampled values it accepts (validated where the format has a check digit).

Detectors work on the distinct values of a sample, weighted by how often each occurs, and skip
values with a cheap test (a character, a length) before any regular expression runs.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from datetime import UTC, date, datetime
from statistics import median

from catalog.scans.pii.lexicons import (
    COMMON_WORDS,
    STREET_WORD_ENDINGS,
    fold,
    person_name_words,
    street_words,
)
from catalog.scans.pii.sample import (
    MAX_STRUCTURED_LENGTH,
    STRONG,
    WEAK,
    Detector,
    ValueEvidence,
    ValueMatcher,
    ValueSample,
    count_matches,
    per_value_detector,
)
from catalog.scans.pii.validators import (
    age_on,
    card_number_is_valid,
    gb_nino_has_shape,
    iban_is_valid,
    isbn13_is_valid,
    national_id_scheme,
)

_DIGIT = re.compile(r"\d")


# --- Per-value matchers ---

_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
)


def email_strength(text: str) -> float:
    return STRONG if "@" in text and _EMAIL.fullmatch(text) else 0.0


_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]{6,24}")
_PHONE_EXTENSION = re.compile(r"\s*(?:x|ext\.?|#)\s*\d{1,6}$", re.IGNORECASE)
_NOT_PHONE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # dates
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4 addresses
    r"|-?\d+\.\d+"  # decimals
    r"|\d{3}-\d{2}-\d{4}"  # US SSN
)


def phone_strength(text: str) -> float:
    number = _PHONE_EXTENSION.sub("", text)
    if not _PHONE_CHARS.fullmatch(number) or _NOT_PHONE.fullmatch(number):
        return 0.0
    digits = sum(char.isdigit() for char in number)
    if not 7 <= digits <= 15 or isbn13_is_valid(number):
        return 0.0
    if number.isdigit():
        # Bare digit strings are phone numbers only with a trunk or international prefix;
        # zero-padded ids ("00000123") and other numbers are not.
        trunk = number[0] == "0" and number[1] != "0"
        international = number.startswith("00") and number[2] != "0"
        has_prefix = trunk or international
        return WEAK if has_prefix and digits >= 8 else 0.0
    # Seven digits are as often a local number as a postcode or a reference.
    return STRONG if digits >= 8 else WEAK


_CARD_CHARS = re.compile(r"[\d \-]{13,23}")


def card_strength(text: str) -> float:
    return STRONG if _CARD_CHARS.fullmatch(text) and card_number_is_valid(text) else 0.0


_MASKED_CARD = re.compile(
    r"(?:[*xX•#]{4}[ -]?){3}\d{4}"
    r"|(?:[*xX•#]{4}[ -]?){2}[*xX•#]{2,3}[ -]?\d{4,5}"
    r"|\d{4,6}[*xX•#]{5,9}\d{4}"
    r"|\d{4}[ -]?(?:[*xX•#]{4}[ -]?){2}\d{4}"
    r"|[*xX•#]{4,12}[ -]?\d{4}"
)


def masked_card_strength(text: str) -> float:
    return STRONG if _MASKED_CARD.fullmatch(text) else 0.0


def iban_strength(text: str) -> float:
    if not 15 <= len(text) <= 42 or not text[:2].isalpha():
        return 0.0
    return STRONG if iban_is_valid(text) else 0.0


NINO_SHAPE = "UK NI number shape"


def national_id_kind(text: str) -> str | None:
    """The scheme a value passes (with its check digits), or the NI-number shape, or None."""
    if not 9 <= len(text) <= 20 or not _DIGIT.search(text):
        return None
    return national_id_scheme(text) or (NINO_SHAPE if gb_nino_has_shape(text) else None)


def detect_national_id(sample: ValueSample) -> ValueEvidence:
    schemes: Counter[str] = Counter()
    for text, count in sample.items():
        scheme = national_id_kind(text)
        if scheme:
            schemes[scheme] += count
    shaped = schemes.pop(NINO_SHAPE, 0)
    valid = sum(schemes.values())
    found = ", ".join(f"{scheme} {count}" for scheme, count in schemes.most_common())
    detail = f"are valid national ids ({found or 'none'})"
    if shaped:
        detail += f" or have the shape of a UK NI number ({shaped})"
    return ValueEvidence("national_id", valid + shaped, valid + WEAK * shaped, sample.total, detail)


def ip_address_strength(text: str) -> float:
    if len(text) > 45 or ("." not in text and ":" not in text):
        return 0.0
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return 0.0
    return STRONG


def detect_ip_address(sample: ValueSample) -> ValueEvidence:
    matched, weight = count_matches(sample, ip_address_strength)
    detail = "are IP addresses"
    if matched and not _has_wide_octets(sample):
        # "1.2.3.4" and "10.0.12.3" everywhere: four-part version numbers, not visitors' IPs.
        return ValueEvidence("ip_address", 0, 0.0, sample.total, detail)
    return ValueEvidence("ip_address", matched, weight, sample.total, detail)


def _has_wide_octets(sample: ValueSample) -> bool:
    ipv4 = [text for text in sample.texts if text.count(".") == 3 and ":" not in text]
    if len(ipv4) < 10:
        return True
    wide = sum(any(len(octet) == 3 for octet in text.split(".")) for text in ipv4)
    return wide >= 0.2 * len(ipv4)


_MAC = re.compile(r"(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}|(?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}")


def mac_address_strength(text: str) -> float:
    return STRONG if _MAC.fullmatch(text) else 0.0


_USER_AGENT = re.compile(
    r"(?:Mozilla|Opera|Dalvik|curl|Wget|python-requests|okhttp|Googlebot)/\d"
    r"|.*\b(?:AppleWebKit|Gecko|Trident|Chrome|Safari|Firefox)/\d"
)


def user_agent_strength(text: str) -> float:
    return STRONG if "/" in text and _USER_AGENT.match(text) else 0.0


# Postcode formats: those with letters are distinctive; bare digit groups are only plausible.
_POSTCODE_DISTINCT = re.compile(
    r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"  # UK
    r"|\d{4} ?[A-Z]{2}"  # NL
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d"  # CA
    r"|[AC-FHKNPRTV-Y]\d{2} ?[AC-FHKNPRTV-Y\d]{4}"  # IE Eircode
    r"|\d{5}-\d{4}"  # US ZIP+4
    r"|\d{3}-\d{4}|\d{2}-\d{3}|\d{4}-\d{3}|\d{5}-\d{3}"  # JP, PL, PT, BR
)
_POSTCODE_DIGITS = re.compile(r"\d{4,6}|\d{3} \d{2}")


def postcode_strength(text: str) -> float:
    if len(text) > 10:
        return 0.0
    if _POSTCODE_DISTINCT.fullmatch(text.upper()):
        return STRONG
    return WEAK if _POSTCODE_DIGITS.fullmatch(text) else 0.0


def detect_postcode(sample: ValueSample) -> ValueEvidence:
    """Bare digit groups are postcodes only beside distinctive ones: a column that mixes UK or
    Dutch postcodes with five-digit ones holds the postcodes of several countries."""
    matched, weight = count_matches(sample, postcode_strength)
    distinctive = 2 * weight - matched  # strong matches count 1, weak ones 0.5
    if matched >= 0.9 * sample.total and distinctive >= 0.15 * sample.total:
        weight = float(matched)
    detail = "match postal code formats (UK, NL, CA, IE, US ZIP, ...)"
    return ValueEvidence("postcode", matched, weight, sample.total, detail)


_NAME_SPLIT = re.compile(r"[\s,]+")
_NAME_PARTICLES = frozenset(
    "van von de der den du da di del della dos das le la ten ter bin ibn al el mc mac st".split()
)


def name_token_kind(token: str) -> str:
    """'name' for a known name, 'particle' or 'initial' for allowed filler, '' otherwise."""
    word = fold(token.strip(".'()"))
    if not word:
        return "particle"
    if len(word) == 1 and word.isalpha():
        return "initial"
    if word in _NAME_PARTICLES:
        return "particle"
    parts = word.replace("'", "-").split("-")
    return "name" if all(part in person_name_words() for part in parts if part) else ""


def person_name_strength(text: str) -> float:
    if len(text) > 80 or _DIGIT.search(text):
        return 0.0
    tokens = [token for token in _NAME_SPLIT.split(text) if token]
    if not 1 <= len(tokens) <= 5:
        return 0.0
    kinds = [name_token_kind(token) for token in tokens]
    if "" in kinds or "name" not in kinds:
        return 0.0
    names = [
        fold(token.strip(".'()"))
        for token, kind in zip(tokens, kinds, strict=True)
        if kind == "name"
    ]
    return 0.0 if all(name in COMMON_WORDS for name in names) else STRONG


# House numbers, but not years: "Spring 2025 Sale" is a campaign, not an address.
_HOUSE_NUMBER = re.compile(r"(?!(?:19|20)\d\d\b)\d{1,5}[a-zA-Z]?(?:[-/]\d{1,5}[a-zA-Z]?)?,?")
_ADDRESS_TOKENS = re.compile(r"[^\s,]+")


def is_street_word(word: str) -> bool:
    if word in street_words():
        return True
    return len(word) > 5 and word.endswith(STREET_WORD_ENDINGS)


def street_address_strength(text: str) -> float:
    if not 5 <= len(text) <= MAX_STRUCTURED_LENGTH or "@" in text or "://" in text:
        return 0.0
    tokens = _ADDRESS_TOKENS.findall(text)
    if not 2 <= len(tokens) <= 12 or not any(_HOUSE_NUMBER.fullmatch(t) for t in tokens):
        return 0.0
    words = [fold(token).strip(".,") for token in tokens if token[0].isalpha()]
    return STRONG if words and any(is_street_word(word) for word in words) else 0.0


# --- Column-level detectors (need the whole sample, not one value) ---

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")
_DATE_LIKE = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")
_MIDNIGHT_SUFFIX = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$")
MIN_AGE, MAX_AGE = 14, 110


def as_birth_date(original: object, text: str) -> date | None:
    """A date (or a midnight timestamp) from the value; None for anything with a time of day."""
    if isinstance(original, datetime):
        return original.date() if original.time() == datetime.min.time() else None
    if isinstance(original, date):
        return original
    if not _DATE_LIKE.match(text):
        return None
    candidate = _MIDNIGHT_SUFFIX.sub("", text)
    if not 8 <= len(candidate) <= 10:
        return None
    for date_format in _DATE_FORMATS:
        try:
            return datetime.strptime(candidate, date_format).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    return None


def detect_date_of_birth(sample: ValueSample) -> ValueEvidence:
    today = datetime.now(UTC).date()
    ages: list[int] = []
    matched = 0
    for text, count, original in zip(sample.texts, sample.counts, sample.originals, strict=True):
        born = as_birth_date(original, text)
        if born is None or born > today:
            continue
        age = age_on(born, today)
        if MIN_AGE <= age <= MAX_AGE:
            matched += count
            ages.extend([age] * count)
    detail = f"are plausible birth dates (ages {MIN_AGE}-{MAX_AGE})"
    if ages and (median(ages) < 18 or max(ages) - min(ages) < 15):
        # Dates of one recent period (sign-ups, orders) are events, not births.
        return ValueEvidence("date_of_birth", 0, 0.0, sample.total, detail)
    return ValueEvidence("date_of_birth", matched, float(matched), sample.total, detail)


GENDER_VALUES = frozenset(
    "m f male female man woman men women x d u o diverse nonbinary non-binary other unknown "
    "w weiblich mannlich maennlich homme femme hombre mujer vrouw man".split()
)
_GENDER_PAIRS = ({"m", "f"}, {"male", "female"}, {"man", "woman"}, {"m", "w"}, {"homme", "femme"})


def detect_gender(sample: ValueSample) -> ValueEvidence:
    folded = {fold(text): count for text, count in sample.items()}
    detail = "are gender values (M/F, male/female, ...)"
    if set(folded) <= GENDER_VALUES and any(pair <= set(folded) for pair in _GENDER_PAIRS):
        return ValueEvidence("gender", sample.total, float(sample.total), sample.total, detail)
    return ValueEvidence("gender", 0, 0.0, sample.total, detail)


_GEO_PAIR = re.compile(r"\(?\s*(-?\d{1,3}\.\d{3,})\s*[,; ]\s*(-?\d{1,3}\.\d{3,})\s*\)?")


def geo_pair_strength(text: str) -> float:
    match = _GEO_PAIR.fullmatch(text)
    if not match:
        return 0.0
    first, second = (float(group) for group in match.groups())
    return STRONG if abs(first) <= 90 and abs(second) <= 180 else 0.0


def detect_person_name(sample: ValueSample) -> ValueEvidence:
    matched, weight = count_matches(sample, person_name_strength)
    detail = "are made of known first and last names"
    return ValueEvidence("person_name", matched, weight, sample.total, detail)


VALUE_DETECTORS: dict[str, Detector] = {
    "email": per_value_detector("email", email_strength, "look like email addresses"),
    "phone": per_value_detector("phone", phone_strength, "look like phone numbers"),
    "card_number": per_value_detector(
        "card_number", card_strength, "are valid payment card numbers (Luhn)"
    ),
    "masked_card_number": per_value_detector(
        "masked_card_number", masked_card_strength, "are masked card numbers"
    ),
    "iban": per_value_detector("iban", iban_strength, "are valid IBANs (mod-97)"),
    "national_id": detect_national_id,
    "ip_address": detect_ip_address,
    "mac_address": per_value_detector("mac_address", mac_address_strength, "are MAC addresses"),
    "user_agent": per_value_detector("user_agent", user_agent_strength, "are browser user agents"),
    "postcode": detect_postcode,
    "street_address": per_value_detector(
        "street_address", street_address_strength, "look like street addresses"
    ),
    "geo_location": per_value_detector(
        "geo_location", geo_pair_strength, "are latitude/longitude pairs"
    ),
    "person_name": detect_person_name,
    "date_of_birth": detect_date_of_birth,
    "gender": detect_gender,
}


def lenient_phone_strength(text: str) -> float:
    """Also bare digit strings of a phone number's length: in a column named for phones they
    are phone numbers stored without '+' or trunk '0' (often in a numeric column)."""
    if text.isdigit() and 7 <= len(text) <= 15:
        return max(WEAK, phone_strength(text))
    return phone_strength(text)


# Detectors that only confirm what a column's name already says: more lenient than the ones that
# must find a kind on their own.
CONFIRMING_DETECTORS: dict[str, Detector] = {
    "phone": per_value_detector("phone", lenient_phone_strength, "look like phone numbers"),
}


# --- Compatibility checks for kinds that only a column name can reveal ---

_NUMBER = re.compile(r"-?\d{1,12}(?:[.,]\d{1,4})?")
_DOCUMENT_NUMBER = re.compile(r"(?=.*\d)[A-Z0-9][A-Z0-9 ./\-]{3,32}", re.IGNORECASE)
_PASSPORT = re.compile(r"(?=.*\d)[A-Z0-9]{6,10}", re.IGNORECASE)
_DEVICE_ID = re.compile(r"[0-9a-fA-F-]{8,64}|\d{14,17}")
_USERNAME = re.compile(r"[^\s]{2,64}")


def _number_in(low: float, high: float) -> ValueMatcher:
    def strength(text: str) -> float:
        if not _NUMBER.fullmatch(text):
            return 0.0
        return STRONG if low <= float(text.replace(",", ".")) <= high else 0.0

    return strength


def _pattern(pattern: re.Pattern[str]) -> ValueMatcher:
    return lambda text: STRONG if pattern.fullmatch(text) else 0.0


COMPATIBLE_VALUES: dict[str, ValueMatcher] = {
    "salary": _number_in(0, 1e9),
    "age": _number_in(0, 130),
    "geo_location": lambda text: max(_number_in(-180, 180)(text), geo_pair_strength(text)),
    "passport_number": _pattern(_PASSPORT),
    "tax_id": _pattern(_DOCUMENT_NUMBER),
    "driving_licence": _pattern(_DOCUMENT_NUMBER),
    "bank_account_number": _pattern(_DOCUMENT_NUMBER),
    "device_id": _pattern(_DEVICE_ID),
    "username": _pattern(_USERNAME),
}


def detect_compatible(kind: str, sample: ValueSample) -> ValueEvidence | None:
    """For name-revealed kinds: how many values have a compatible form (None: anything goes)."""
    matcher = COMPATIBLE_VALUES.get(kind)
    if matcher is None:
        return None
    matched, weight = count_matches(sample, matcher)
    return ValueEvidence(kind, matched, weight, sample.total, "have a compatible form")
