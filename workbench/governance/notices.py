"""Notifications sent by access requests and grants, through the notification centre.

Recipients are deduplicated and inactive accounts skipped; messages name assets and people the
recipient may see, never data values.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from workbench.accounts.models import User


def notify_users(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
) -> None:
    """In-app notification now (in the caller's transaction), email after commit."""
    from workbench.notifications.services import notify

    unique: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in unique:
            unique[user.pk] = user
    if unique:
        notify(
            recipients=list(unique.values()),
            kind=kind,
            title=title[:200],
            body=body,
            url=url,
            target=target,
        )
