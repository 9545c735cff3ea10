"""Platform bookkeeping shared by every app."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """The last sign of life from one Celery worker; /healthz reads it.

    Kept in the database rather than asked of the broker, because the embedded broker cannot
    broadcast a ping to workers.
    """

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.hostname
