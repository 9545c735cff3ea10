"""Checksum and format validators for identifiers that carry one: payment cards (Luhn), IBANs
(ISO 13616 mod-97) and the national ids of the countries the sample warehouse serves.

Each validator takes a string as found in a column and answers True only for a value that passes
the format *and* its check digits; callers normalise nothing beyond what is documented here.
"""

from __future__ import annotations

import re
from datetime import date

_NON_DIGIT_SEPARATORS = re.compile(r"[ \-]")

# ISO 13616 registry: country code -> total IBAN length.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_CARD_PREFIX = re.compile(r"(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6|1)")


def digits_only(value: str) -> str:
    """The value without spaces and dashes, the separators people type into long numbers."""
    return _NON_DIGIT_SEPARATORS.sub("", value)


def luhn_is_valid(number: str) -> bool:
    """Luhn (mod 10) check over a string of digits; False for anything but digits."""
    if not number.isascii() or not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_number_is_valid(value: str) -> bool:
    """13-19 digits (spaces or dashes allowed), a known issuer prefix and a valid Luhn digit."""
    number = digits_only(value)
    if not 13 <= len(number) <= 19 or not _CARD_PREFIX.match(number):
        return False
    return len(set(number)) > 1 and luhn_is_valid(number)


def isbn13_is_valid(value: str) -> bool:
    """ISBN-13 (978/979 prefix, weights 1 and 3), which phone numbers must not be taken for."""
    number = digits_only(value)
    if len(number) != 13 or not number.isdigit() or number[:3] not in ("978", "979"):
        return False
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(number)) % 10 == 0


def iban_is_valid(value: str) -> bool:
    """ISO 13616: country code, two check digits, the registered length and mod-97 == 1."""
    iban = value.replace(" ", "").upper()
    if not _IBAN_SHAPE.fullmatch(iban):
        return False
    expected_length = IBAN_LENGTHS.get(iban[:2])
    if expected_length is not None and len(iban) != expected_length:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# --- National ids ---

_US_SSN = re.compile(r"(\d{3})[- ](\d{2})[- ](\d{4})")
_GB_NINO = re.compile(
    r"([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])", re.IGNORECASE
)
_GB_NINO_SHAPE = re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Z]", re.IGNORECASE)
_GB_NINO_NEVER_ISSUED = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
_DE_RVNR = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})([A-Z])(\d{2})(\d)")
_FR_NIR = re.compile(r"([12])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{6})(\d{2})")
_NL_BSN = re.compile(r"\d{9}")
_ES_DNI = re.compile(r"([XYZ]?)(\d{7,8})-?([A-Z])")
_ES_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_BE_NN = re.compile(r"(\d{2})\.?(\d{2})\.?(\d{2})-?(\d{3})\.?(\d{2})")
_RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def us_ssn_is_valid(value: str) -> bool:
    """US Social Security number written with separators (AAA-GG-SSSS); no issued block is zero."""
    match = _US_SSN.fullmatch(value)
    if not match:
        return False
    area, group, serial = match.groups()
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def gb_nino_is_valid(value: str) -> bool:
    """UK National Insurance number with HMRC's prefix rules and an A-D suffix."""
    match = _GB_NINO.fullmatch(value)
    return bool(match) and match.group(1).upper() not in _GB_NINO_NEVER_ISSUED  # type: ignore[union-attr]


def gb_nino_has_shape(value: str) -> bool:
    """Two letters, six digits, one letter: the shape of a NI number, including placeholders
    such as HMRC's temporary 'ZZ' prefix that the strict check rejects."""
    return bool(_GB_NINO_SHAPE.fullmatch(value))


def de_rvnr_is_valid(value: str) -> bool:
    """German pension insurance number (Rentenversicherungsnummer) with its check digit."""
    match = _DE_RVNR.fullmatch(value.replace(" ", "").upper())
    if not match:
        return False
    area, day, month, year, letter, serial, check = match.groups()
    if not (1 <= int(day) % 32 <= 31 and 1 <= int(month) <= 12):
        return False
    digits = f"{area}{day}{month}{year}{ord(letter) - 64:02d}{serial}"
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _RVNR_WEIGHTS, strict=True))
    return total % 10 == int(check)


def fr_nir_is_valid(value: str) -> bool:
    """French social security number (NIR): 13 characters and a 2-digit mod-97 key."""
    match = _FR_NIR.fullmatch(value.replace(" ", "").upper())
    if not match:
        return False
    body = "".join(match.groups()[:5])
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97 == int(match.group(6))


def nl_bsn_is_valid(value: str) -> bool:
    """Dutch citizen service number (BSN): nine digits passing the eleven-test."""
    number = value.replace(".", "").replace(" ", "")
    if not _NL_BSN.fullmatch(number) or number == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], range(9, 1, -1), strict=True))
    return (total - int(number[8])) % 11 == 0


def es_dni_is_valid(value: str) -> bool:
    """Spanish DNI (8 digits and a letter) or NIE (X/Y/Z, 7 digits, letter), mod-23 letter."""
    match = _ES_DNI.fullmatch(value.replace(" ", "").upper())
    if not match:
        return False
    prefix, digits, letter = match.groups()
    if bool(prefix) != (len(digits) == 7):
        return False
    number = int(str("XYZ".index(prefix)) + digits) if prefix else int(digits)
    return _ES_DNI_LETTERS[number % 23] == letter


def be_national_number_is_valid(value: str) -> bool:
    """Belgian national register number: birth date, serial and a mod-97 check (both centuries)."""
    match = _BE_NN.fullmatch(value.replace(" ", ""))
    if not match:
        return False
    *parts, check = match.groups()
    body = "".join(parts)
    return int(check) in (97 - int(body) % 97, 97 - int("2" + body) % 97)


NATIONAL_ID_VALIDATORS = {
    "US SSN": us_ssn_is_valid,
    "UK NI number": gb_nino_is_valid,
    "DE pension number": de_rvnr_is_valid,
    "FR NIR": fr_nir_is_valid,
    "NL BSN": nl_bsn_is_valid,
    "ES DNI/NIE": es_dni_is_valid,
    "BE national number": be_national_number_is_valid,
}


def national_id_scheme(value: str) -> str | None:
    """The name of the national-id scheme whose checks the value passes, if any."""
    if len(value) > 20:
        return None
    for scheme, is_valid in NATIONAL_ID_VALIDATORS.items():
        if is_valid(value):
            return scheme
    return None


def age_on(born: date, today: date) -> int:
    """Whole years between a birth date and today."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
