from django.contrib import admin

from workbench.core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ("hostname", "pid", "started_at", "last_seen")
    readonly_fields = ("hostname", "pid", "started_at", "last_seen")
