"""Find personal data embedded in free text (ticket bodies, notes, messages): emails, phone
numbers, card numbers, IBANs, national ids, street addresses and full names."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from catalog.scans.pii.lexicons import first_name_words, fold, last_name_words
from catalog.scans.pii.sample import MAX_TEXT_LENGTH, ValueSample
from catalog.scans.pii.validators import (
    card_number_is_valid,
    gb_nino_is_valid,
    iban_is_valid,
    us_ssn_is_valid,
)
from catalog.scans.pii.values import is_street_word, phone_strength

MIN_TEXT_LENGTH = 20
MIN_TEXT_WORDS = 4

_EMAIL_IN_TEXT = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?!\w)"
)
_CARD_IN_TEXT = re.compile(r"(?<![\d\w-])\d{4}(?:[ -]?\d{2,4}){2,4}(?![\d\w-])")
_IBAN_IN_TEXT = re.compile(
    r"(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)"
)
_SSN_IN_TEXT = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
_NINO_IN_TEXT = re.compile(r"(?<!\w)[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)")
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d[\d .-]{5,16}\d"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,6})?(?![\w/-])"
)
_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\s,;:!?()\"]+")
_HOUSE_NUMBER_WORD = re.compile(r"(?!(?:19|20)\d\d\b)\d{1,5}[a-z]?")
_CAPITALISED_PAIR = re.compile(r"\b([A-ZÀ-Þ][\w'-]+)[ \t]+([A-ZÀ-Þ][\w'-]+)\b")


def is_prose(text: str) -> bool:
    return len(text) >= MIN_TEXT_LENGTH and len(text.split(None, MIN_TEXT_WORDS)) >= MIN_TEXT_WORDS


def _remove(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _find_numbers(text: str, found: set[str]) -> str:
    """Validated cards and IBANs, then ids, then phone numbers in what is left over."""
    spans: list[tuple[int, int]] = []
    for match in _CARD_IN_TEXT.finditer(text):
        if card_number_is_valid(match.group()):
            found.add("card_number")
            spans.append(match.span())
    for match in _IBAN_IN_TEXT.finditer(text):
        if iban_is_valid(match.group()):
            found.add("iban")
            spans.append(match.span())
    for match in _SSN_IN_TEXT.finditer(text):
        if us_ssn_is_valid(match.group()):
            found.add("national_id")
            spans.append(match.span())
    if any(gb_nino_is_valid(match.group()) for match in _NINO_IN_TEXT.finditer(text)):
        found.add("national_id")
    rest = _remove(text, spans)
    if any(phone_strength(match.group()) for match in _PHONE_IN_TEXT.finditer(rest)):
        found.add("phone")
    return rest


def _has_street_address(text: str) -> bool:
    words = [fold(word).strip(".'") for word in _WORDS.findall(text)]
    for index, word in enumerate(words):
        if word[:1].isalpha() and is_street_word(word):
            window = words[max(0, index - 4) : index + 3]
            if any(_HOUSE_NUMBER_WORD.fullmatch(other) for other in window):
                return True
    return False


def _has_full_name(text: str) -> bool:
    firsts, lasts = first_name_words(), last_name_words()
    return any(
        fold(first) in firsts and fold(last) in lasts
        for first, last in _CAPITALISED_PAIR.findall(text)
    )


def pii_kinds_in_text(text: str) -> set[str]:
    """The kinds of personal data found in one text."""
    text = text[:MAX_TEXT_LENGTH]
    found: set[str] = set()
    if "@" in text and _EMAIL_IN_TEXT.search(text):
        found.add("email")
    if _DIGIT.search(text):
        _find_numbers(text, found)
        if _has_street_address(text):
            found.add("street_address")
    if _has_full_name(text):
        found.add("person_name")
    return found


@dataclass(frozen=True)
class TextEvidence:
    texts: int  # sampled values that read as prose
    with_pii: int  # of those, how many contain personal data
    kinds: Counter[str]  # kind -> number of texts it was found in
    total: int

    @property
    def prose_share(self) -> float:
        return self.texts / self.total if self.total else 0.0

    @property
    def pii_share(self) -> float:
        return self.with_pii / self.texts if self.texts else 0.0

    @property
    def evidence(self) -> str:
        found = ", ".join(f"{kind} ({count})" for kind, count in self.kinds.most_common())
        return f"{self.with_pii} of {self.texts} sampled texts contain personal data: {found}"


def scan_texts(sample: ValueSample) -> TextEvidence:
    texts = with_pii = 0
    kinds: Counter[str] = Counter()
    for text, count in sample.items():
        if not is_prose(text):
            continue
        texts += count
        found = pii_kinds_in_text(text)
        if found:
            with_pii += count
            kinds.update({kind: count for kind in found})
    return TextEvidence(texts, with_pii, kinds, sample.total)
