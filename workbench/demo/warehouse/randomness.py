"""Small seeded random helpers: money, moments, birth dates, skewed picks, IP addresses."""

import ipaddress
import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from workbench.demo.warehouse.reference import REFERENCE_DATE, REFERENCE_NOW

T = TypeVar("T")


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def timestamp_text(moment: datetime) -> str:
    """Timestamps are stored as UTC wall-clock text, identical on SQLite and PostgreSQL."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randint(0, max(seconds, 0)))


def moment_in_last_days(rng: random.Random, days: int) -> datetime:
    return REFERENCE_NOW - timedelta(seconds=rng.randrange(days * 86_400))


def birth_date(rng: random.Random, youngest: int, oldest: int) -> date:
    return REFERENCE_DATE - timedelta(days=rng.randint(youngest * 365 + 5, oldest * 365))


def skewed_pick(rng: random.Random, items: Sequence[T]) -> T:
    """Favour the start of the list, e.g. a few best-selling products."""
    return items[int(len(items) * rng.random() ** 1.6)]


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", plain) or "user"


def grouped_in_fours(digits: str) -> str:
    return " ".join(digits[start : start + 4] for start in range(0, len(digits), 4))


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return ipaddress.IPv6Address((0x2A02 << 112) | rng.getrandbits(112)).compressed
    first_octet = rng.choice((31, 46, 62, 77, 81, 86, 92, 104, 151, 176, 185, 203, 212))
    return f"{first_octet}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
