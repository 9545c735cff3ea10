"""Throttles for the sign-in and password-reset forms, counted in the cache (fixed windows).

django-axes locks one username from one address; these add the limits it cannot express with a
single failure limit: many usernames from one address, and reset mails per address and per account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds`, per key."""

    name: str
    count: int
    seconds: int


def login_address_limit() -> Limit:
    return Limit(
        "login-address",
        settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        int(settings.AXES_COOLOFF_TIME.total_seconds()),
    )


def reset_address_limit() -> Limit:
    return Limit("reset-address", settings.PASSWORD_RESET_PER_ADDRESS, 3600)


def reset_account_limit() -> Limit:
    return Limit("reset-account", settings.PASSWORD_RESET_PER_ACCOUNT, 3600)


def _key(limit: Limit, subject: str) -> str:
    # Hashed: the cache is no place for email addresses in clear.
    digest = hashlib.sha256(subject.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"throttle:{limit.name}:{digest}"


def throttle_hit(limit: Limit, subject: str) -> int:
    """Count one event for `subject`; returns the count in the current window."""
    key = _key(limit, subject)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)
        return 1


def throttle_is_exceeded(limit: Limit, subject: str) -> bool:
    return int(cache.get(_key(limit, subject), 0)) >= limit.count
