"""Chain checks are bounded work: one at a time, and the API that queues them is rate-limited."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone

from workbench.accounts.models import User
from workbench.audit.api.views import AuditVerifyThrottle
from workbench.audit.models import AuditEvent, AuditOutcome, AuditVerification
from workbench.audit.services import (
    audit_record,
    audit_verification_request,
    audit_verification_run,
)

API = "/api/audit/verifications/"


@pytest.mark.django_db
def test_second_request_joins_the_queued_check(
    auditor: User, admin: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        first, first_created = audit_verification_request(requested_by=auditor)
        second, second_created = audit_verification_request(requested_by=admin)
    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert AuditVerification.objects.count() == 1
    assert len(callbacks) == 1  # one task queued, not two
    requests = AuditEvent.objects.filter(action="audit.verify_requested").order_by("sequence")
    assert [(e.actor_id, e.reason != "") for e in requests] == [
        (auditor.pk, False),
        (admin.pk, True),
    ]


@pytest.mark.django_db
def test_a_running_check_is_joined_and_a_finished_one_is_not(auditor: User) -> None:
    first, _ = audit_verification_request(requested_by=auditor)
    AuditVerification.objects.filter(pk=first.pk).update(status="running")
    joined, created = audit_verification_request(requested_by=auditor)
    assert (joined.pk, created) == (first.pk, False)

    audit_verification_run(verification_id=first.pk)  # not queued any more: nothing happens
    AuditVerification.objects.filter(pk=first.pk).update(status="passed")
    fresh, created = audit_verification_request(requested_by=auditor)
    assert created
    assert fresh.pk != first.pk


@pytest.mark.django_db
def test_a_stuck_check_does_not_block_new_ones_forever(auditor: User) -> None:
    stuck, _ = audit_verification_request(requested_by=auditor)
    AuditVerification.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(hours=3)
    )
    fresh, created = audit_verification_request(requested_by=auditor)
    assert created
    stuck.refresh_from_db()
    assert stuck.status == "error"
    assert "worker" in stuck.problem


@pytest.mark.django_db
def test_database_refuses_a_second_active_check() -> None:
    AuditVerification.objects.create(status="running")
    AuditVerification.objects.create(status="passed")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditVerification.objects.create(status="queued")
    assert AuditVerification.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a server database (the in-memory SQLite test database locks tables); "
    "the unique index behind it is tested on both",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_queue_exactly_one_check(auditor: User) -> None:
    start = threading.Barrier(4)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            start.wait()
            verification, created = audit_verification_request(requested_by=auditor)
            results.append((verification.pk, created))
        except BaseException as exc:  # handed to the assertion below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert AuditVerification.objects.count() == 1


# --- API ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_post_returns_the_check_under_way_with_200(
    api_client_for, auditor: User, django_capture_on_commit_callbacks
) -> None:
    client = api_client_for(auditor)
    with django_capture_on_commit_callbacks() as callbacks:
        created = client.post(API)
        joined = client.post(API)
    assert (created.status_code, joined.status_code) == (202, 200)
    assert joined.json()["id"] == created.json()["id"]
    assert joined.json()["status"] == "queued"
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_api_post_is_throttled_per_person(
    api_client_for,
    auditor: User,
    admin: User,
    settings,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    # The configured cache (Redis in CI), as in production; this test's keys are removed after.
    monkeypatch.setattr(AuditVerifyThrottle, "cache", cache)
    keys = [f"throttle_audit_verify_{user.pk}" for user in (auditor, admin)]
    cache.delete_many(keys)
    settings.AUDIT_VERIFY_RATE = "3/minute"
    client = api_client_for(auditor)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            statuses = [client.post(API).status_code for _ in range(3)]
            refused = client.post(API)
        admin_status = api_client_for(admin).post(API).status_code
    finally:
        cache.delete_many(keys)
    assert statuses == [202, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="audit.verify_requested", actor=auditor).count() == 3
    assert client.get(API).status_code == 200  # reading is not throttled
    assert admin_status == 200  # others keep their own budget


@pytest.mark.django_db
def test_api_throttle_does_not_count_refused_people(
    api_client_for, analyst: User, settings
) -> None:
    settings.AUDIT_VERIFY_RATE = "1/minute"
    client = api_client_for(analyst)
    assert [client.post(API).status_code for _ in range(3)] == [403, 403, 403]
    assert not AuditVerification.objects.exists()


# --- The chain-check panel ----------------------------------------------------------------------


def _panel(client, verification: AuditVerification) -> str:  # type: ignore[no-untyped-def]
    url = reverse("audit:verification_status", args=[verification.pk])
    return client.get(url).content.decode()


@pytest.mark.django_db
def test_panel_says_queued_instead_of_zero_of_unknown(client_for, auditor: User) -> None:
    verification, _ = audit_verification_request(requested_by=auditor)
    html = _panel(client_for(auditor), verification)
    assert "waiting for a worker" in html
    assert "of ?" not in html
    assert 'data-status="queued"' in html


@pytest.mark.django_db
def test_panel_counts_the_events_the_table_numbers(client_for, auditor: User) -> None:
    for n in range(21):
        audit_record(actor=None, actor_username=f"u{n}", action="t", outcome=AuditOutcome.DONE)
    verification, _ = audit_verification_request(requested_by=auditor)  # event 22
    finished = audit_verification_run(verification_id=verification.pk)  # its verdict is event 23
    assert finished is not None
    assert (finished.status, finished.rows_checked, finished.rows_total) == ("passed", 22, 22)
    client = client_for(auditor)
    html = _panel(client, finished)
    assert "Intact: events 1 to 22 checked" in html
    table = client.get(reverse("audit:event_list")).content.decode()
    assert '<td class="font-monospace small">22</td>' in table


@pytest.mark.django_db
def test_panel_shows_progress_against_the_snapshot(client_for, auditor: User) -> None:
    verification = AuditVerification.objects.create(
        status="running", rows_total=40, rows_checked=10
    )
    html = _panel(client_for(auditor), verification)
    assert "Checking events 1 to 40: 10 done" in html
    assert 'value="25"' in html
