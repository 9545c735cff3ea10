"""A column's sampled values as the detectors see them (distinct texts with counts), and what a
detector reports about them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

# Structured values longer than this are not checked as one (free text is scanned separately).
MAX_STRUCTURED_LENGTH = 120
MAX_TEXT_LENGTH = 4_000

PROBE_SIZE = 64

STRONG = 1.0
WEAK = 0.5


@dataclass(frozen=True)
class ValueSample:
    """The non-empty sampled values of one column, as distinct strings with their counts."""

    texts: tuple[str, ...]
    counts: tuple[int, ...]
    originals: tuple[object, ...]  # one original object per distinct text (dates stay dates)
    total: int  # non-empty values, counted with repetition
    null_count: int

    @classmethod
    def of(cls, values: Sequence[object]) -> ValueSample:
        counter = Counter(map(value_text, values))
        nulls = counter.pop("", 0)
        # Keep the objects behind non-text values: dates must stay dates for age checks.
        originals = {
            value_text(value): value
            for value in values
            if value is not None and not isinstance(value, str)
        }
        texts = tuple(counter)
        return cls(
            texts=texts,
            counts=tuple(counter.values()),
            originals=tuple(originals.get(text, text) for text in texts),
            total=sum(counter.values()),
            null_count=nulls,
        )

    def items(self) -> Iterable[tuple[str, int]]:
        return zip(self.texts, self.counts, strict=True)

    def probe(self, size: int = PROBE_SIZE) -> ValueSample:
        """Every n-th distinct value, at most size of them: enough to tell a detector that finds
        nothing to stop early, whatever order the sample came in."""
        if len(self.texts) <= size:
            return self
        step = len(self.texts) / size
        picks = [int(index * step) for index in range(size)]
        counts = tuple(self.counts[pick] for pick in picks)
        return ValueSample(
            texts=tuple(self.texts[pick] for pick in picks),
            counts=counts,
            originals=tuple(self.originals[pick] for pick in picks),
            total=sum(counts),
            null_count=0,
        )


def value_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace").strip()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class ValueEvidence:
    """What one detector found in a sample: how many values matched and how convincingly."""

    kind: str
    matched: int  # sampled values (with repetition) the detector accepted
    weight: float  # sum of per-value strengths (1 validated, 0.5 shape only)
    total: int
    detail: str  # "are valid IBANs (mod-97)", completed to a sentence by `evidence`

    @property
    def matched_share(self) -> float:
        return self.matched / self.total if self.total else 0.0

    @property
    def weighted_share(self) -> float:
        return self.weight / self.total if self.total else 0.0

    @property
    def evidence(self) -> str:
        return f"{self.matched} of {self.total} sampled values {self.detail}"


ValueMatcher = Callable[[str], float]


def count_matches(sample: ValueSample, matcher: ValueMatcher) -> tuple[int, float]:
    matched, weight = 0, 0.0
    for text, count in sample.items():
        if len(text) > MAX_STRUCTURED_LENGTH:
            continue
        strength = matcher(text)
        if strength:
            matched += count
            weight += strength * count
    return matched, weight


def per_value_detector(kind: str, matcher: ValueMatcher, detail: str) -> Detector:
    def detect(sample: ValueSample) -> ValueEvidence:
        matched, weight = count_matches(sample, matcher)
        return ValueEvidence(kind, matched, weight, sample.total, detail)

    return detect


Detector = Callable[[ValueSample], ValueEvidence]
