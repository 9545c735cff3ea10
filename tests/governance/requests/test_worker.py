"""The beat sweeps run on a real Celery worker: a due grant is expired (its permission removed,
audited, the grantee told) and an overdue request reminded, each once."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance import requests
from workbench.governance.models import AccessRequest, Grant
from workbench.governance.tasks import access_requests_remind_task, grants_expire_task
from workbench.notifications.models import Notification

pytestmark = pytest.mark.worker


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not get there in time")


def test_worker_expires_a_due_grant(
    celery_worker: object, pending: AccessRequest, steward: User, analyst: User
) -> None:
    requests.access_request_approve(access_request=pending, approver=steward)
    grant = Grant.objects.get(request=pending)
    Grant.objects.filter(pk=grant.pk).update(
        starts_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(1)
    )
    assert User.objects.get(pk=analyst.pk).has_perm("catalog.grant_preview", grant.asset)
    grants_expire_task.delay()
    _wait_for(lambda: Grant.objects.get(pk=grant.pk).expired_at is not None)
    assert not User.objects.get(pk=analyst.pk).has_perm("catalog.grant_preview", grant.asset)
    assert AuditEvent.objects.filter(action="governance.grant.expired").count() == 1
    assert Notification.objects.filter(recipient=analyst, title__contains="expired").exists()


def test_worker_reminds_overdue_requests_once(
    celery_worker: object, pending: AccessRequest, steward: User
) -> None:
    AccessRequest.objects.filter(pk=pending.pk).update(
        due_at=timezone.now() - timedelta(minutes=30)
    )
    access_requests_remind_task.delay()
    _wait_for(lambda: AccessRequest.objects.get(pk=pending.pk).reminded_at is not None)
    access_requests_remind_task.delay()
    time.sleep(1.5)
    reminders = Notification.objects.filter(recipient=steward, kind="access_request_reminder")
    assert reminders.count() == 1
