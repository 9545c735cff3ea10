from django.apps import AppConfig
from django.db.models.signals import post_save


class AuditConfig(AppConfig):
    name = "workbench.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        from workbench.audit import checks  # noqa: F401 - registers the settings checks
        from workbench.audit.receivers import admin_change_recorded

        post_save.connect(admin_change_recorded, sender=LogEntry, dispatch_uid="audit.admin_log")
