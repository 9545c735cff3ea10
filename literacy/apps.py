"""Literacy courses, badges, leaderboard and OKRs."""

from django.apps import AppConfig
from django.db.models.signals import post_save


class LiteracyConfig(AppConfig):
    """Literacy: learning, badges as Open Badges 3.0 credentials, community, HR dashboard, OKRs."""

    name = "literacy"
    verbose_name = "Literacy"

    def ready(self) -> None:
        from literacy.receivers import audit_event_to_platform_event
        from workbench.audit.models import AuditEvent

        post_save.connect(
            audit_event_to_platform_event,
            sender=AuditEvent,
            dispatch_uid="literacy.audit_event_to_platform_event",
        )
