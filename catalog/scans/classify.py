"""PII classification of columns: from a column's name, type and sampled values, suggest which kinds
of personal data it holds, each with a confidence, human-readable evidence and a fingerprint.

Suggestions are for a steward to accept or reject. The fingerprint hashes what a suggestion was
based on (kind, column name, data type and a coarse digest of the values' shapes), so the catalog
can keep a rejected suggestion quiet until the data changes. Plain Python: no Django, no database.

    classify_column("contact", "varchar(254)", ["ann@example.com", None, ...], table="suppliers")
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from catalog.scans.pii.kinds import PII_KINDS, SENSITIVITY_LEVELS, PiiKind, Sensitivity
from catalog.scans.pii.names import NameMatch, kinds_ruled_out_by_name, match_column_name
from catalog.scans.pii.sample import ValueEvidence, ValueSample
from catalog.scans.pii.text import TextEvidence, scan_texts
from catalog.scans.pii.values import CONFIRMING_DETECTORS, VALUE_DETECTORS, detect_compatible
from catalog.scans.snapshot import TableSnapshot

__all__ = [
    "MIN_CONFIDENCE",
    "PII_KINDS",
    "SENSITIVITY_LEVELS",
    "PiiKind",
    "PiiSuggestion",
    "Sensitivity",
    "classify_column",
    "classify_sample",
    "classify_table",
    "without_rejected",
]

Method = Literal["name", "values", "name+values"]

MIN_CONFIDENCE = 0.5
FINGERPRINT_VERSION = 1

# How much a fully matching sample proves on its own, per kind: validated formats prove more
# than shapes that other data can share (five-digit postcodes, dates).
VALUE_STRENGTH: dict[str, float] = {
    "email": 0.97,
    "iban": 0.98,
    "card_number": 0.97,
    "masked_card_number": 0.9,
    "ip_address": 0.95,
    "mac_address": 0.9,
    "user_agent": 0.95,
    "national_id": 0.92,
    "phone": 0.9,
    "person_name": 0.8,
    "street_address": 0.85,
    "postcode": 0.6,
    "date_of_birth": 0.6,
    "gender": 0.6,
    "geo_location": 0.8,
}
# Share of values that must match for the values to support (rather than contradict) a name.
SUPPORTING_SHARE = 0.5
# Fewer values than this cannot contradict a column name.
MIN_VALUES_TO_CONTRADICT = 5
# A free-text column whose texts contain PII this often gets full confidence.
FREE_TEXT_FULL_SHARE = 0.3
MIN_PROSE_SHARE = 0.5

_SKIPPED_TYPES = ("bool",)
_BINARY_TYPES = ("blob", "bytea", "binary", "varbinary", "image")
_TEMPORAL_TYPES = ("date", "time")
_TEMPORAL_KINDS = frozenset({"date_of_birth"})


@dataclass(frozen=True)
class PiiSuggestion:
    """One kind of personal data a column probably holds, for a steward to accept or reject."""

    kind: str  # a key of PII_KINDS
    confidence: float  # 0..1
    evidence: str  # "94 of 100 sampled values are valid IBANs (mod-97)"
    matched_share: float  # share of sampled non-empty values that matched (0 when name only)
    method: Method
    fingerprint: str  # stable hash of what the suggestion was based on

    @property
    def label(self) -> str:
        return PII_KINDS[self.kind].label

    @property
    def sensitivity(self) -> Sensitivity:
        return PII_KINDS[self.kind].sensitivity


def classify_column(
    name: str,
    data_type: str,
    values: Sequence[object],
    *,
    table: str = "",
    min_confidence: float = MIN_CONFIDENCE,
) -> list[PiiSuggestion]:
    """Suggestions above min_confidence for one column, most confident first.

    values are the column's sampled values as the database driver returns them (None for NULL).
    """
    type_name = data_type.lower()
    if any(word in type_name for word in _SKIPPED_TYPES):
        return []
    sample = ValueSample.of([] if _is_binary(type_name) else values)
    context = _Context(name, type_name, sample)
    names = {match.kind: match for match in match_column_name(name, table)}
    suggestions = [
        suggestion
        for kind in _candidate_kinds(names, type_name)
        if (suggestion := context.suggest(kind, names.get(kind))) is not None
    ]
    suggestions = _with_free_text(context, suggestions)
    kept = [s for s in suggestions if s.confidence >= min_confidence]
    return sorted(kept, key=lambda s: (-s.confidence, s.kind))


def classify_sample(
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[object]],
    *,
    table: str = "",
    min_confidence: float = MIN_CONFIDENCE,
) -> dict[str, list[PiiSuggestion]]:
    """Classify every column of a table sample: columns are (name, data type), rows are tuples."""
    result: dict[str, list[PiiSuggestion]] = {}
    for index, (name, data_type) in enumerate(columns):
        values = [row[index] for row in rows]
        result[name] = classify_column(
            name, data_type, values, table=table, min_confidence=min_confidence
        )
    return result


def without_rejected(
    suggestions: Sequence[PiiSuggestion], rejected_fingerprints: Collection[str]
) -> list[PiiSuggestion]:
    """Drop suggestions a steward already rejected on the same evidence: a rejected kind comes
    back only once its fingerprint changes, that is once the data (or the column) changed."""
    return [s for s in suggestions if s.fingerprint not in rejected_fingerprints]


def classify_table(
    table: TableSnapshot,
    rows: Sequence[Sequence[object]],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> dict[str, list[PiiSuggestion]]:
    """Classify a scanned table from sampled rows holding all its columns in table order, as
    `catalog.scans.introspect.sample_rows(engine, table, limit=...)` returns them."""
    columns = [(column.name, column.data_type) for column in table.columns]
    return classify_sample(columns, rows, table=table.name, min_confidence=min_confidence)


def _is_binary(type_name: str) -> bool:
    return any(word in type_name for word in _BINARY_TYPES)


def _candidate_kinds(names: dict[str, NameMatch], type_name: str) -> list[str]:
    if any(word in type_name for word in _TEMPORAL_TYPES):
        detected = [kind for kind in VALUE_DETECTORS if kind in _TEMPORAL_KINDS]
    else:
        detected = list(VALUE_DETECTORS)
    return detected + [kind for kind in names if kind not in detected]


class _Context:
    """One column being classified: its sample, and the fingerprint parts shared by all kinds."""

    def __init__(self, name: str, type_name: str, sample: ValueSample) -> None:
        self.name = name
        self.type_name = type_name
        self.sample = sample
        self.ruled_out = kinds_ruled_out_by_name(name)
        self.probe = sample.probe()

    @cached_property
    def shapes(self) -> list[str]:
        # Only columns that get a suggestion need them: most columns get none.
        return dominant_shapes(self.sample)

    def suggest(self, kind: str, name_match: NameMatch | None) -> PiiSuggestion | None:
        if name_match is None:
            return self._values_only(kind)
        return self._from_name(kind, name_match, self._value_evidence(kind))

    def _values_only(self, kind: str) -> PiiSuggestion | None:
        detector = VALUE_DETECTORS.get(kind)
        if detector is None or kind in self.ruled_out or not self.sample.total:
            return None
        if not detector(self.probe).matched:
            return None
        evidence = detector(self.sample)
        if not evidence.matched:
            return None
        confidence = VALUE_STRENGTH[kind] * evidence.weight / (evidence.total + 1)
        return self._suggestion(kind, confidence, evidence.evidence, evidence, "values")

    def _value_evidence(self, kind: str) -> ValueEvidence | None:
        """Evidence for a kind the column name suggests: what the values say about it."""
        if not self.sample.total:
            return None
        detector = CONFIRMING_DETECTORS.get(kind) or VALUE_DETECTORS.get(kind)
        return detector(self.sample) if detector else detect_compatible(kind, self.sample)

    def _from_name(
        self, kind: str, name_match: NameMatch, evidence: ValueEvidence | None
    ) -> PiiSuggestion:
        if evidence is None:
            reason = name_match.evidence + ("" if self.sample.total else "; no values sampled")
            return self._suggestion(kind, name_match.confidence, reason, evidence, "name")
        share = evidence.matched_share
        reason = f"{name_match.evidence}; {evidence.evidence}"
        if share >= SUPPORTING_SHARE:
            support = VALUE_STRENGTH.get(kind, 0.5) * evidence.weighted_share
            confidence = 1 - (1 - name_match.confidence) * (1 - support)
            return self._suggestion(kind, confidence, reason, evidence, "name+values")
        if evidence.total < MIN_VALUES_TO_CONTRADICT:
            return self._suggestion(kind, name_match.confidence * 0.8, reason, evidence, "name")
        # The values contradict the name: keep the suggestion only if they half agree.
        confidence = name_match.confidence * (0.3 + share)
        return self._suggestion(kind, confidence, reason, evidence, "name")

    def _suggestion(
        self,
        kind: str,
        confidence: float,
        evidence_text: str,
        evidence: ValueEvidence | None,
        method: Method,
    ) -> PiiSuggestion:
        share = evidence.matched_share if evidence else 0.0
        return PiiSuggestion(
            kind=kind,
            confidence=round(min(confidence, 0.99), 3),
            evidence=evidence_text,
            matched_share=round(share, 4),
            method=method,
            fingerprint=self.fingerprint(kind, share),
        )

    def fingerprint(self, kind: str, share: float) -> str:
        return evidence_fingerprint(kind, self.name, self.type_name, self.shapes, share)

    def free_text(self) -> PiiSuggestion | None:
        if not scan_texts(self.probe).with_pii:
            return None
        scan: TextEvidence = scan_texts(self.sample)
        if scan.prose_share < MIN_PROSE_SHARE or not scan.with_pii:
            return None
        share = scan.with_pii / (scan.texts + 1)
        confidence = 0.4 + 0.55 * min(1.0, share / FREE_TEXT_FULL_SHARE)
        return PiiSuggestion(
            kind="free_text",
            confidence=round(min(confidence, 0.95), 3),
            evidence=scan.evidence,
            matched_share=round(scan.pii_share, 4),
            method="values",
            fingerprint=self.fingerprint("free_text", scan.pii_share),
        )


def _with_free_text(context: _Context, suggestions: list[PiiSuggestion]) -> list[PiiSuggestion]:
    """Add a free-text suggestion unless the values already are one kind (addresses, agents)."""
    if any(s.matched_share >= SUPPORTING_SHARE for s in suggestions):
        return suggestions
    free_text = context.free_text()
    return suggestions + [free_text] if free_text else suggestions


# --- Fingerprints ---

DOMINANT_SHAPE_SHARE = 0.25
MAX_SHAPE_LENGTH = 24


_DIGIT_RUNS = re.compile(r"\d+")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_SPACE_RUNS = re.compile(r"\s+")


def value_shape(text: str) -> str:
    """Coarse shape: digits -> 9, letters -> a, runs collapsed ('SW1A 1AA' -> 'a9a 9a')."""
    shape = _LETTER_RUNS.sub("a", _DIGIT_RUNS.sub("9", text[:100]))
    return _SPACE_RUNS.sub(" ", shape)[:MAX_SHAPE_LENGTH]


def dominant_shapes(sample: ValueSample) -> list[str]:
    """Shapes that at least a quarter of the sampled values share; ['<empty>'] for no values."""
    if not sample.total:
        return ["<empty>"]
    shapes: Counter[str] = Counter()
    for text, count in sample.items():
        shapes[value_shape(text)] += count
    threshold = DOMINANT_SHAPE_SHARE * sample.total
    return sorted(shape for shape, count in shapes.items() if count >= threshold)


def share_bucket(share: float) -> int:
    """0 for no match, then five bands of 20%."""
    return 0 if share <= 0 else 1 + min(4, int(share * 5))


def evidence_fingerprint(
    kind: str, name: str, data_type: str, shapes: Sequence[str], share: float
) -> str:
    payload = [
        FINGERPRINT_VERSION,
        kind,
        name.casefold(),
        data_type.casefold(),
        list(shapes),
        share_bucket(share),
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:32]
