"""The Django admin: usable by platform admins only, and every change lands in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workbench.accounts.models import Department, User
from workbench.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 302), ("outsider", 302), ("analyst", 302), ("admin", 200)]
)
def test_admin_index_only_for_platform_admins(
    request: pytest.FixtureRequest, client_for, persona: str | None, status: int
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get("/admin/").status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/department/",
        "/admin/audit/auditevent/",
        "/admin/audit/auditverification/",
        "/admin/accounts/rolegroup/",
        "/admin/accounts/apitoken/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/core/workerheartbeat/",
        "/admin/axes/accessattempt/",
    ],
)
def test_admin_lists_open_for_platform_admin(client_for, admin: User, url: str) -> None:
    assert client_for(admin).get(url).status_code == 200


def test_admin_change_is_audited(client_for, admin: User, department: Department) -> None:
    url = reverse("admin:accounts_department_change", args=[department.pk])
    response = client_for(admin).post(url, {"name": "Growth & Lifecycle", "code": "growth"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change")
    assert (event.actor_id, event.target_type, event.target_id) == (
        admin.pk,
        "accounts.department",
        str(department.pk),
    )


def test_audit_events_cannot_be_edited_or_deleted_in_admin(client_for, admin: User) -> None:
    client = client_for(admin)  # signing in writes the first event
    event = AuditEvent.objects.get()
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    client.post(change, {"reason": "rewritten"})
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == ""


def test_users_are_deactivated_not_deleted(client_for, admin: User, analyst: User) -> None:
    url = reverse("admin:accounts_user_delete", args=[analyst.pk])
    assert client_for(admin).post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=analyst.pk).exists()
