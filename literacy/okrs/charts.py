"""A key result's history as an SVG sparkline drawn on the server (no script, no inline style:
the page's CSP stays strict). The history table beside it carries the numbers for screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 240
HEIGHT = 48
PAD = 4


@dataclass(frozen=True)
class Sparkline:
    points: str  # "x,y x,y ..." for <polyline points>
    last_x: float
    last_y: float
    target_y: float
    start_y: float
    width: int = WIDTH
    height: int = HEIGHT


def sparkline(values: Sequence[Decimal], *, start: Decimal, target: Decimal) -> Sparkline | None:
    """The line through `values` (oldest first), scaled so that start and target fit too."""
    if not values:
        return None
    low = min(*values, start, target)
    high = max(*values, start, target)
    span = (high - low) or Decimal(1)

    def y(value: Decimal) -> float:
        return round(float(PAD + (high - value) / span * (HEIGHT - 2 * PAD)), 1)

    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)
    xs = [round(PAD + index * step, 1) for index in range(len(values))]
    if len(values) == 1:
        xs = [float(WIDTH - PAD)]
    ys = [y(value) for value in values]
    points = " ".join(f"{x},{yy}" for x, yy in zip(xs, ys, strict=True))
    if len(values) == 1:
        points = f"{PAD},{ys[0]} {points}"
    return Sparkline(points, xs[-1], ys[-1], y(target), y(start))
