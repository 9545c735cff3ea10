"""How far a key result and an objective have come: progress 0.0–1.0 and its traffic light.

Rules (documented in the README, pinned by tests):
- A key result moves linearly from its start to its target; progress is clamped to 0.0–1.0, the raw
  (unclamped) ratio stays available so that over-achievement shows (e.g. 1.25 of the way).
- A target below the start (reduce approval time from 12 h to 4 h) counts downwards.
- A zero range (start equals target: "hold at 99.9 %") is a threshold to meet: 1.0 when the current
  value is at or above the target, else 0.0 (raw ratio likewise 1 or 0).
- An objective's progress is the weight-averaged progress of its key results; when every weight
  is 0 the key results count equally; an objective without key results has no progress (None).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal(0)
ONE = Decimal(1)
GREEN_FROM = Decimal("0.7")
AMBER_FROM = Decimal("0.4")


class Light(StrEnum):
    """The traffic light, with a word for it so that it reads without colour."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"

    @property
    def label(self) -> str:
        return _LIGHT_LABELS[self]


_LIGHT_LABELS = {
    Light.GREEN: "On track",
    Light.AMBER: "At risk",
    Light.RED: "Off track",
    Light.NONE: "No key results",
}


def raw_ratio(*, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """How far from start to target the current value is, unclamped (1.25 = 25 % beyond)."""
    span = target - start
    if span == ZERO:
        return ONE if current >= target else ZERO
    return (current - start) / span


def kr_progress(*, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """Progress 0.0–1.0 of one key result (see the module's rules)."""
    ratio = raw_ratio(start=start, target=target, current=current)
    return min(ONE, max(ZERO, ratio))


@dataclass(frozen=True)
class Weighted:
    progress: Decimal
    weight: Decimal


def objective_progress(results: Iterable[Weighted]) -> Decimal | None:
    """Weighted mean of the key results' progress; equal weights when all are 0; None if empty."""
    items = list(results)
    if not items:
        return None
    total_weight = sum((item.weight for item in items), ZERO)
    if total_weight <= ZERO:
        return sum((item.progress for item in items), ZERO) / len(items)
    return sum((item.progress * item.weight for item in items), ZERO) / total_weight


def light_for(progress: Decimal | None) -> Light:
    """Green from 0.7, amber from 0.4, red below; none without a progress."""
    if progress is None:
        return Light.NONE
    if progress >= GREEN_FROM:
        return Light.GREEN
    if progress >= AMBER_FROM:
        return Light.AMBER
    return Light.RED
