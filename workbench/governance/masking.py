"""Masking operators: pure functions from a value to what a reader without an unmasked grant sees.

The deterministic operators (keyed hash, synthetic surrogate, vault token) give the same output for
the same input under one key, so masked columns still join, group and count. Nothing here logs,
keeps or raises with a value in its message. Usable without Django: the key is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

REDACTED = "••••••"  # keeps no character, length or type of the value
MASK_CHAR = "•"
HASH_LENGTH = 24  # hex characters of the HMAC kept: 96 bits, no collisions at warehouse sizes

OPERATORS = ("redact", "partial", "hash", "tokenize", "generalize", "surrogate", "null")
GENERALIZE_KINDS = ("date", "age", "postcode")
# Which generalisation suits a PII kind when a rule does not say.
GENERALIZE_KIND_BY_PII = {"date_of_birth": "date", "age": "age", "postcode": "postcode"}

_EIGHT_WORDS = struct.Struct(">8I")

# {canonical text: original text}, PII kind → {canonical text: token}
Tokenizer = Callable[[Mapping[str, str], str], Mapping[str, str]]


class MaskingParamsError(ValueError):
    """A masking rule's parameters do not suit its operator (message names the parameter)."""


# --- Operators on one value ---


def redact(value: Any) -> str | None:
    """Replace the value by a fixed mark; null stays null (a missing value is not personal data)."""
    return None if value is None else REDACTED


def nullify(value: Any) -> None:
    return None


def partial_mask(value: Any, *, keep_last: int = 4) -> str | None:
    """Hide all but the last `keep_last` characters; values too short to hide anything are hidden
    entirely, so a short value is never shown whole."""
    if value is None:
        return None
    text = str(value)
    if keep_last <= 0 or len(text) <= keep_last * 2:
        return MASK_CHAR * max(len(text), 4) if keep_last > 0 else REDACTED
    return MASK_CHAR * (len(text) - keep_last) + text[-keep_last:]


def canonical_text(value: Any) -> str:
    """The form hashed and tokenised: trimmed and case-folded text, ISO dates, plain numbers, so
    "Ada@Example.org " in one table joins "ada@example.org" in another."""
    if type(value) is str:
        return value.strip().casefold()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value).strip().casefold()


def keyed_hash(value: Any, *, key: bytes, length: int = HASH_LENGTH) -> str | None:
    """HMAC-SHA256 of the canonical value: deterministic under one key, not reversible, and not
    guessable without the key (unlike a plain hash of an email)."""
    if value is None:
        return None
    return hmac.digest(key, canonical_text(value).encode(), "sha256").hex()[:length]


def generalize(
    value: Any,
    *,
    kind: str,
    granularity: str = "year",
    band: int = 10,
    prefix: int = 2,
) -> str | None:
    """Coarsen the value: a date to its year or month, an age to a band ("30–39"), a postcode to
    its first characters. A value that does not read as its kind is redacted (fail closed)."""
    if value is None:
        return None
    if kind == "date":
        return _generalize_date(value, granularity)
    if kind == "age":
        return _generalize_age(value, band)
    if kind == "postcode":
        compact = re.sub(r"\s+", "", str(value)).upper()
        return f"{compact[:prefix]}…" if len(compact) > prefix else REDACTED
    raise MaskingParamsError(f"Generalisation kind must be one of {', '.join(GENERALIZE_KINDS)}.")


def _generalize_date(value: Any, granularity: str) -> str:
    parsed = _as_date(value)
    if parsed is None:
        return REDACTED
    return str(parsed.year) if granularity == "year" else f"{parsed.year:04d}-{parsed.month:02d}"


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _generalize_age(value: Any, band: int) -> str:
    try:
        age = int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return REDACTED
    if age < 0:
        return REDACTED
    low = age // band * band
    return f"{low}–{low + band - 1}"


# --- Synthetic surrogates ---


def surrogate(value: Any, *, kind: str, key: bytes, part: str = "") -> str | None:
    """A realistic made-up value of the same kind, the same for the same input under one key
    (seeded by the keyed hash), so that surrogates join and group like the values they replace.
    `part` picks "first" or "last" for name columns that hold only one part of a name."""
    if value is None:
        return None
    seed = hmac.digest(key, f"surrogate\0{kind}\0{canonical_text(value)}".encode(), "sha256")
    draw = _Draw(seed)
    maker = _SURROGATES.get(kind, _surrogate_code)
    return maker(draw, part)


class _Draw:
    """Choices drawn from a 32-byte seed (extended by re-hashing): fast, deterministic."""

    __slots__ = ("_numbers", "_seed")

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._numbers = list(_EIGHT_WORDS.unpack(seed))

    def number(self, below: int) -> int:
        if not self._numbers:
            self._seed = hashlib.sha256(self._seed).digest()
            self._numbers = list(_EIGHT_WORDS.unpack(self._seed))
        return self._numbers.pop() % below

    def pick(self, choices: Sequence[str]) -> str:
        return choices[self.number(len(choices))]

    def digits(self, pattern: str) -> str:
        """Fill # with 0-9 and % or $ with 2-9 (Faker's phone and postcode pattern letters)."""
        out = []
        for char in pattern:
            if char == "#":
                out.append(str(self.number(10)))
            elif char in "%$":
                out.append(str(2 + self.number(8)))
            else:
                out.append(char)
        return "".join(out)


@dataclass(frozen=True)
class _Vocabulary:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    phone_formats: tuple[str, ...]
    cities: tuple[str, ...]
    domains: tuple[str, ...] = ("example.org", "example.com", "example.net")


_VOCABULARY: list[_Vocabulary] = []


def _vocabulary() -> _Vocabulary:
    """Faker's en_US word lists, read once (Faker itself is too slow to seed per value)."""
    if not _VOCABULARY:
        from faker.providers.address.en_US import Provider as Address
        from faker.providers.person.en_US import Provider as Person
        from faker.providers.phone_number.en_US import Provider as Phone

        _VOCABULARY.append(
            _Vocabulary(
                first_names=tuple(Person.first_names),
                last_names=tuple(Person.last_names),
                street_suffixes=tuple(Address.street_suffixes),
                phone_formats=tuple(f for f in Phone.formats if "x" not in f),
                cities=tuple(f"{name}ville" for name in list(Person.last_names)[:200]),
            )
        )
    return _VOCABULARY[0]


def _surrogate_name(draw: _Draw, part: str) -> str:
    words = _vocabulary()
    first, last = draw.pick(words.first_names), draw.pick(words.last_names)
    return {"first": first, "last": last}.get(part, f"{first} {last}")


def _surrogate_email(draw: _Draw, _part: str) -> str:
    words = _vocabulary()
    first, last = draw.pick(words.first_names), draw.pick(words.last_names)
    return f"{first}.{last}{draw.number(100)}@{draw.pick(words.domains)}".lower()


def _surrogate_phone(draw: _Draw, _part: str) -> str:
    return draw.digits(draw.pick(_vocabulary().phone_formats))


def _surrogate_street(draw: _Draw, _part: str) -> str:
    words = _vocabulary()
    return (
        f"{1 + draw.number(9999)} {draw.pick(words.last_names)} {draw.pick(words.street_suffixes)}"
    )


def _surrogate_date_of_birth(draw: _Draw, _part: str) -> str:
    return (date(1940, 1, 1) + timedelta(days=draw.number(65 * 365))).isoformat()


def _surrogate_iban(draw: _Draw, _part: str) -> str:
    return "XX" + draw.digits("00 " + "#### " * 4 + "##").replace(" ", "")


def _surrogate_code(draw: _Draw, _part: str) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(draw.pick(letters) for _ in range(3)) + draw.digits("######")


_SURROGATES: dict[str, Callable[[_Draw, str], str]] = {
    "person_name": _surrogate_name,
    "email": _surrogate_email,
    "phone": _surrogate_phone,
    "street_address": _surrogate_street,
    "postcode": lambda draw, _part: draw.digits("#####"),
    "date_of_birth": _surrogate_date_of_birth,
    "age": lambda draw, _part: str(18 + draw.number(70)),
    "iban": _surrogate_iban,
    "bank_account_number": lambda draw, _part: draw.digits("##########"),
    "card_number": lambda draw, _part: draw.digits("4### #### #### ####"),
    "username": lambda draw, part: _surrogate_name(draw, "first").lower() + str(draw.number(1000)),
    "ip_address": lambda draw, _part: (
        f"10.{draw.number(256)}.{draw.number(256)}.{draw.number(256)}"
    ),
    "city": lambda draw, _part: draw.pick(_vocabulary().cities),
}
SURROGATE_KINDS = tuple(sorted(_SURROGATES))


# --- Rules: which operator masks which column ---


@dataclass(frozen=True)
class RuleSpec:
    """A masking rule as plain data (`MaskingRule` rows are turned into these)."""

    name: str
    operator: str
    params: Mapping[str, Any] = field(default_factory=dict)
    pii_kind: str = ""
    classification: int | None = None
    priority: int = 0


@dataclass(frozen=True)
class ColumnMask:
    """How one column is masked, and why (shown to the reader; never contains a value)."""

    column: str
    operator: str
    params: Mapping[str, Any]
    reason: str
    rule: str
    pii_kind: str = ""


FALLBACK_RULE = "Personal data without a rule is redacted"


def column_mask_choose(
    *,
    column: str,
    pii_kinds: Sequence[str],
    classification: int,
    classification_label: str,
    rules: Sequence[RuleSpec],
) -> ColumnMask | None:
    """The mask of one column: the highest-priority rule naming one of its PII kinds, else the rule
    of the highest classification at or below the column's; PII with no rule is redacted."""
    kinds = sorted(set(pii_kinds))
    by_kind = [rule for rule in rules if rule.pii_kind and rule.pii_kind in kinds]
    if by_kind:
        rule = max(by_kind, key=lambda r: (r.priority, -kinds.index(r.pii_kind)))
        reason = _pii_reason(kinds)
        return ColumnMask(column, rule.operator, rule.params, reason, rule.name, rule.pii_kind)
    by_level = [
        rule
        for rule in rules
        if rule.classification is not None and rule.classification <= classification
    ]
    kind = kinds[0] if kinds else ""
    if by_level:
        rule = max(by_level, key=lambda r: (r.classification or 0, r.priority))
        reason = (
            f"Personal data: {', '.join(kinds)}" if kinds else f"Classified {classification_label}"
        )
        return ColumnMask(column, rule.operator, rule.params, reason, rule.name, kind)
    if kinds:
        return ColumnMask(
            column, "redact", {}, f"Personal data: {', '.join(kinds)}", FALLBACK_RULE, kind
        )
    return None


def _pii_reason(kinds: Sequence[str]) -> str:
    return f"Personal data: {', '.join(kinds)}"


def params_validate(operator: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a rule may carry for its operator, checked; MaskingParamsError otherwise."""
    allowed: dict[str, tuple[str, ...]] = {
        "partial": ("keep_last",),
        "generalize": ("kind", "granularity", "band", "prefix"),
        "surrogate": ("part",),
    }
    if operator not in OPERATORS:
        raise MaskingParamsError(f"Unknown operator {operator!r}.")
    unknown = sorted(set(params) - set(allowed.get(operator, ())))
    if unknown:
        raise MaskingParamsError(
            f"The {operator} operator takes no parameter {', '.join(unknown)}."
        )
    _check_int(params, "keep_last", 1, 12)
    _check_int(params, "band", 2, 50)
    _check_int(params, "prefix", 1, 6)
    _check_choice(params, "kind", GENERALIZE_KINDS)
    _check_choice(params, "granularity", ("year", "month"))
    _check_choice(params, "part", ("first", "last", "full"))
    return dict(params)


def _check_int(params: Mapping[str, Any], name: str, low: int, high: int) -> None:
    if name in params:
        value = params[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise MaskingParamsError(f"{name} must be a whole number from {low} to {high}.")


def _check_choice(params: Mapping[str, Any], name: str, choices: Sequence[str]) -> None:
    if name in params and params[name] not in choices:
        raise MaskingParamsError(f"{name} must be one of {', '.join(choices)}.")


# --- Applying a mask to a column of values ---


def mask_values(
    mask: ColumnMask, values: Sequence[Any], *, key: bytes, tokenize: Tokenizer
) -> list[Any]:
    """The column's values masked. The operators are deterministic, so each distinct value is
    masked once and the result is remembered across reads (bounded, per process): repeated
    previews of the same rows cost dictionary look-ups, not one HMAC per value."""
    memo = _memo_for(mask, key)
    if mask.operator == "tokenize":
        _tokens_fill(memo, mask, values, tokenize)
        return [None if v is None else memo[canonical_text(v)] for v in values]
    operator = value_operator(mask, key=key)
    masked = []
    for value in values:
        slot = (value.__class__, value)  # 1, 1.0 and True are equal keys, not equal values
        try:
            masked.append(memo[slot])
        except KeyError:
            memo[slot] = result = operator(value)
            masked.append(result)
        except TypeError:  # unhashable (a JSON document): no memo
            masked.append(operator(value))
    _memo_bound(memo)
    return masked


def _tokens_fill(
    memo: dict[Any, Any], mask: ColumnMask, values: Sequence[Any], tokenize: Tokenizer
) -> None:
    originals: dict[str, str] = {}
    for value in values:
        if value is not None:
            originals.setdefault(canonical_text(value), _original_text(value))
    missing = {text: original for text, original in originals.items() if text not in memo}
    if missing:
        memo.update(tokenize(missing, mask.pii_kind))
        _memo_bound(memo)


def _original_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


# (operator, params, PII kind, column part, key fingerprint) → {value: masked value}
_MEMOS: dict[tuple[Any, ...], dict[Any, Any]] = {}
MEMO_MAX_VALUES = 50_000  # per mask; the memo holds values only as long as a bounded cache does


def _memo_for(mask: ColumnMask, key: bytes) -> dict[Any, Any]:
    params = tuple(sorted((str(k), str(v)) for k, v in mask.params.items()))
    part = _name_part(mask.column) if mask.operator == "surrogate" else ""
    signature = (mask.operator, params, mask.pii_kind, part, hashlib.sha256(key).digest()[:8])
    return _MEMOS.setdefault(signature, {})


def _memo_bound(memo: dict[Any, Any]) -> None:
    if len(memo) > MEMO_MAX_VALUES:
        memo.clear()


def masking_memo_clear() -> None:
    """Forget every remembered masked value (the vault's cache clear calls it too)."""
    _MEMOS.clear()


def value_operator(mask: ColumnMask, *, key: bytes) -> Callable[[Any], Any]:
    """The one-value function for a mask (every operator but tokenize, which needs the vault)."""
    params = mask.params
    if mask.operator == "redact":
        return redact
    if mask.operator == "null":
        return nullify
    if mask.operator == "partial":
        keep = int(params.get("keep_last", 4))
        return lambda value: partial_mask(value, keep_last=keep)
    if mask.operator == "hash":
        return lambda value: keyed_hash(value, key=key)
    if mask.operator == "generalize":
        kind = str(params.get("kind") or GENERALIZE_KIND_BY_PII.get(mask.pii_kind, "date"))
        granularity = str(params.get("granularity", "year"))
        band, prefix = int(params.get("band", 10)), int(params.get("prefix", 2))
        return lambda value: generalize(
            value, kind=kind, granularity=granularity, band=band, prefix=prefix
        )
    if mask.operator == "surrogate":
        part = str(params.get("part") or _name_part(mask.column))
        kind = mask.pii_kind or "code"
        return lambda value: surrogate(value, kind=kind, key=key, part=part)
    return redact  # unknown operators fail closed


def _name_part(column: str) -> str:
    lowered = column.lower()
    if "first" in lowered or "given" in lowered:
        return "first"
    if "last" in lowered or "surname" in lowered or "family" in lowered:
        return "last"
    return ""
