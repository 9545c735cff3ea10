"""Health of the three things the workbench needs: database, broker and at least one worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from workbench.celery import app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: str
    broker: str
    worker: str

    @property
    def is_healthy(self) -> bool:
        return self.database == self.broker == self.worker == "ok"

    def as_dict(self) -> dict[str, str]:
        status = "ok" if self.is_healthy else "degraded"
        return {
            "status": status,
            "database": self.database,
            "broker": self.broker,
            "worker": self.worker,
        }


def health_check() -> Health:
    database = _database_status()
    worker = _worker_status() if database == "ok" else "unknown"
    return Health(database=database, broker=_broker_status(), worker=worker)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("health: database unreachable", exc_info=True)
        return "unavailable"
    return "ok"


def _broker_status() -> str:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return "unavailable"
    return "ok"


def _worker_status() -> str:
    from workbench.core.models import WorkerHeartbeat

    fresh_after = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    if WorkerHeartbeat.objects.filter(last_seen__gte=fresh_after).exists():
        return "ok"
    return "no_worker"
