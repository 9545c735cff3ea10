"""Notifications that other apps' services send at a moment of their own (thin adapters).

Each builds a message that holds only what its recipients may open, then calls `notify()`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.urls import reverse

from workbench.accounts.models import User
from workbench.notifications.models import NotificationKind
from workbench.notifications.services import notify

if TYPE_CHECKING:
    from catalog.models import ScanRun

logger = logging.getLogger(__name__)

SCAN_VIEW_PERMISSION = "catalog.view_datasource"


def scan_failed_notify(*, run: ScanRun) -> None:
    """Tell the source's owner and its domain's owner and stewards that a scan failed.

    Those who may open the source's pages get the error and a link to the run; the others learn
    only that it failed and whom to ask. A notification that cannot be written never changes the
    scan's recorded outcome: it is logged.
    """
    try:
        _scan_failed_notify(run)
    except Exception:
        logger.exception("could not notify about failed scan run %s", run.pk)


def _scan_failed_notify(run: ScanRun) -> None:
    source = run.source
    people: list[User | None] = [source.owner]
    if source.domain is not None:
        people += [source.domain.owner, *source.domain.stewards.all()]
    recipients = [person for person in people if person is not None and person.is_active]
    may_see = [person for person in recipients if person.has_perm(SCAN_VIEW_PERMISSION)]
    others = [person for person in recipients if person not in may_see]
    title = f"Scan of {source.name} failed"
    if may_see:
        notify(
            recipients=may_see,
            kind=NotificationKind.SCAN_FAILED,
            title=title,
            body=(run.error or "")[:500],
            url=reverse("catalog:scan_detail", args=[run.pk]),
            target=source,
        )
    if others:
        notify(
            recipients=others,
            kind=NotificationKind.SCAN_FAILED,
            title=title,
            body="Its assets keep their last scanned metadata. A platform admin can see why "
            "it failed and run it again.",
            target=source,
        )
