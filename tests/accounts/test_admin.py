"""The Django admin: usable by platform admins only, and every change lands in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import UserFactory
from workbench.accounts.models import Department, User
from workbench.accounts.roles import Role
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


# --- What platform admins cannot hand out ---------------------------------------------------


def _user_change_data(user: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "region": user.region,
        "clearance": user.clearance,
        "department": user.department_id or "",
        "job_title": user.job_title,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_user_form_offers_no_superuser_status(client_for, admin: User, analyst: User) -> None:
    url = reverse("admin:accounts_user_change", args=[analyst.pk])
    client = client_for(admin)
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    response = client.post(url, _user_change_data(analyst, is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.is_staff  # the rest of the form was saved
    assert not analyst.is_superuser


def test_audit_write_permissions_are_not_offered_to_users(
    client_for, admin: User, analyst: User
) -> None:
    url = reverse("admin:accounts_user_change", args=[analyst.pk])
    client = client_for(admin)
    offered = client.get(url).context["adminform"].form.fields["user_permissions"].queryset
    codenames = set(offered.values_list("codename", flat=True))
    assert "view_auditevent" in codenames
    assert not {"add_auditevent", "change_auditevent", "delete_auditevent"} & codenames
    delete = Permission.objects.get(codename="delete_auditevent")
    response = client.post(url, _user_change_data(analyst, user_permissions=[delete.pk]))
    assert response.status_code == 200  # the form comes back with an error
    assert not analyst.user_permissions.exists()


def test_role_form_cannot_grant_audit_write_permissions(client_for, admin: User) -> None:
    role = Group.objects.get(name=Role.AUDITOR.value)
    url = reverse("admin:accounts_rolegroup_change", args=[role.pk])
    client = client_for(admin)
    offered = client.get(url).context["adminform"].form.fields["permissions"].queryset
    assert not offered.filter(codename="delete_auditevent").exists()
    delete = Permission.objects.get(codename="delete_auditevent")
    before = set(role.permissions.values_list("pk", flat=True))
    response = client.post(url, {"name": role.name, "permissions": [*before, delete.pk]})
    assert response.status_code == 200
    assert "delete_auditevent" not in set(role.permissions.values_list("codename", flat=True))


def test_role_form_check_refuses_audit_write_even_if_offered(admin: User) -> None:
    from workbench.accounts.admin import RoleGroupForm

    role = Group.objects.get(name=Role.AUDITOR.value)
    delete = Permission.objects.get(codename="delete_auditevent")
    form = RoleGroupForm(data={"name": role.name, "permissions": [delete.pk]}, instance=role)
    form.fields["permissions"].queryset = Permission.objects.all()
    assert not form.is_valid()
    assert "Audit-trail write permissions" in str(form.errors["permissions"])


def test_platform_admin_cannot_change_a_superuser(client_for, admin: User) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    url = reverse("admin:accounts_user_change", args=[root.pk])
    client = client_for(admin)
    client.post(url, _user_change_data(root, is_active=None, email="taken@evil.example"))
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(
        password_url, {"password1": "x" * 20, "password2": "x" * 20}
    ).status_code in (
        403,
        404,
    )
    root.refresh_from_db()
    assert root.is_active
    assert root.email == "root@acme.example"


def test_superuser_still_sees_superuser_status_read_only(client_for, analyst: User) -> None:
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    html = client_for(root).get(reverse("admin:accounts_user_change", args=[analyst.pk]))
    assert "is_superuser" not in html.context["adminform"].form.fields


# --- Wording and layout ---------------------------------------------------------------------


def test_admin_index_speaks_the_products_words(client_for, admin: User) -> None:
    html = client_for(admin).get("/admin/").content.decode()
    for words in ("Roles", "Sign-in lockouts", "API tokens", "Workbench administration"):
        assert words in html
    for jargon in ("Groups", "Axes", "Auth Token", "Authentication and Authorization"):
        assert jargon not in html


def test_user_list_has_few_columns_and_filters_the_rest(client_for, admin: User) -> None:
    response = client_for(admin).get(reverse("admin:accounts_user_changelist"))
    changelist = response.context["cl"]
    assert len(changelist.list_display) <= 5  # includes the checkbox column
    filters = {spec.title for spec in changelist.filter_specs}
    assert {"region", "clearance", "department"} <= {f.lower() for f in filters}
