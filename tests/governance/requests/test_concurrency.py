"""Two stewards approving the same request at the same moment yield one grant: the row lock on the
request serialises them and the second is told someone else decided (OneToOne is the backstop)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import close_old_connections, connection

from workbench.accounts.models import User
from workbench.governance import requests
from workbench.governance.models import AccessRequest, Grant, RequestStatus


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a server database (CI runs on PG)"
)
@pytest.mark.django_db(transaction=True)
def test_two_stewards_approving_at_once_make_one_grant(
    pending: AccessRequest, steward: User, owner: User
) -> None:
    start = threading.Barrier(2)

    def approve(approver_id: int) -> str:
        try:
            approver = User.objects.get(pk=approver_id)
            start.wait(timeout=10)
            requests.access_request_approve(
                access_request=AccessRequest.objects.get(pk=pending.pk), approver=approver
            )
            return "approved"
        except requests.AccessRequestConflict:
            return "conflict"
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes: list[Any] = list(pool.map(approve, [steward.pk, owner.pk]))
    assert sorted(outcomes) == ["approved", "conflict"]
    assert Grant.objects.filter(request=pending).count() == 1
    assert Grant.objects.count() == 1
    assert AccessRequest.objects.get(pk=pending.pk).status == RequestStatus.APPROVED
