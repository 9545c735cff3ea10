"""The Celery application shared by web (to enqueue), worker and beat."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

# DjangoTask gives every task delay_on_commit(): enqueue only once the transaction has committed.
app = Celery("workbench", task_cls="celery.contrib.django.task:DjangoTask")


@app.on_configure.connect
def _settings_load_or_exit(sender: Celery, **kwargs: Any) -> None:
    # Celery reads Django's settings lazily; read them first so that a bad value ends the worker
    # or beat with one line naming the variable (the web process has loaded them already).
    from workbench.env import settings_load_or_exit

    settings_load_or_exit()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
