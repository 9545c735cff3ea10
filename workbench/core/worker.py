"""Worker-side wiring: a heartbeat bootstep and request-id propagation from web to tasks."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import bootsteps
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.db import close_old_connections
from django.utils import timezone

from workbench.celery import app
from workbench.core.request_context import (
    RequestContext,
    new_request_id,
    request_context_bind,
    request_context_get,
    request_context_reset,
)

logger = logging.getLogger(__name__)
REQUEST_ID_HEADER = "workbench_request_id"


def worker_heartbeat_record(*, hostname: str, started_at: Any) -> None:
    from workbench.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname,
        defaults={"pid": os.getpid(), "started_at": started_at, "last_seen": timezone.now()},
    )


class HeartbeatStep(bootsteps.StartStopStep):
    """Writes this worker's heartbeat on start and every WORKER_HEARTBEAT_SECONDS."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.timer_entry: Any = None
        self.started_at = timezone.now()

    def start(self, worker: Any) -> None:
        from django.conf import settings

        self._beat(worker)
        self.timer_entry = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, self._beat, (worker,), priority=10
        )

    def stop(self, worker: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()

    def _beat(self, worker: Any) -> None:
        try:
            close_old_connections()
            worker_heartbeat_record(hostname=worker.hostname, started_at=self.started_at)
        except Exception:  # a database blip must not kill the worker; health shows it stale
            logger.warning("worker heartbeat could not be written", exc_info=True)


app.steps["worker"].add(HeartbeatStep)


@before_task_publish.connect
def _attach_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    context = request_context_get()
    if headers is not None and context is not None:
        headers[REQUEST_ID_HEADER] = context.request_id


_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def _bind_request_id(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task else None
    context = RequestContext(request_id=request_id or new_request_id())
    _task_tokens[task_id] = request_context_bind(context)


@task_postrun.connect
def _unbind_request_id(task_id: str = "", **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_context_reset(token)
