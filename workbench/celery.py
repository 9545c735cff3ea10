"""The Celery application shared by web (to enqueue), worker and beat."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

# DjangoTask gives every task delay_on_commit(): enqueue only once the transaction has committed.
app = Celery("workbench", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
