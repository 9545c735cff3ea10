"""OKR periods: a quarter ("2026-Q4") or a year ("2026"); a year encloses its quarters."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

PERIOD_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?$")


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def current_quarter() -> str:
    return quarter_of(timezone.localdate())


def current_periods() -> list[str]:
    """The periods running today: this quarter and this year."""
    today = timezone.localdate()
    return [quarter_of(today), str(today.year)]


def is_valid_period(period: str) -> bool:
    match = PERIOD_PATTERN.match(period)
    return bool(match) and 2000 <= int(match.group("year")) <= 2100  # type: ignore[union-attr]


def enclosing_periods(period: str) -> list[str]:
    """The period itself and the periods that contain it (a quarter's year)."""
    match = PERIOD_PATTERN.match(period)
    if not match:
        return []
    return [period, match.group("year")] if match.group("quarter") else [period]


def period_choices(*, around: str | None = None) -> list[str]:
    """The periods a form offers: last year to next year, years and quarters, newest first."""
    year = int((around or current_quarter())[:4])
    periods: list[str] = []
    for y in (year + 1, year, year - 1):
        periods.extend([f"{y}-Q{q}" for q in (4, 3, 2, 1)])
        periods.append(str(y))
    return periods
