"""Every change made in the Django admin also lands in the audit trail.

The admin (including third-party admin pages: periodic tasks, tokens, lockouts) records each change
as a LogEntry; this adapter copies that into the trail, so platform admins cannot bypass it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry

from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def admin_change_recorded(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    content_type = instance.content_type
    audit_record(
        actor=instance.user,
        action=_ACTIONS.get(instance.action_flag, "admin.change"),
        outcome=AuditOutcome.DONE,
        target_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        target_id=instance.object_id or "",
        target_label=instance.object_repr,
        detail={"change": instance.get_change_message()},
    )
