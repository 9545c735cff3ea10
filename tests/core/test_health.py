"""/healthz: database, broker and worker status for load balancers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from workbench.celery import app
from workbench.core.models import WorkerHeartbeat


@pytest.mark.django_db
def test_healthz_without_worker_is_degraded(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "ok",
        "worker": "no_worker",
    }


@pytest.mark.django_db
def test_healthz_ignores_stale_heartbeats(client: Client, settings) -> None:
    long_ago = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)
    WorkerHeartbeat.objects.create(hostname="old", pid=1, started_at=long_ago, last_seen=long_ago)
    assert client.get("/healthz").json()["worker"] == "no_worker"


@pytest.mark.django_db
def test_healthz_reports_unreachable_broker(client: Client) -> None:
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "outsider", "analyst", "admin"])
def test_healthz_is_public_and_reveals_no_detail(
    request: pytest.FixtureRequest, client_for, persona: str | None
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    body = client_for(user).get("/healthz").json()
    assert set(body) == {"status", "database", "broker", "worker"}


@pytest.mark.worker
def test_healthz_ok_with_a_real_worker(celery_worker, client: Client) -> None:
    deadline = time.monotonic() + 15
    response = client.get("/healthz")
    while response.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.3)
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}
