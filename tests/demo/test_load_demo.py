"""`manage.py load_demo`: the demo organisation, idempotent, only in demo mode."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from workbench.accounts.models import Department, User
from workbench.accounts.selectors import user_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings, monkeypatch: pytest.MonkeyPatch) -> str:
    settings.DEMO_MODE = True
    monkeypatch.setenv("WORKBENCH_DEMO_PASSWORD", "demo-pass-for-tests")
    return "demo-pass-for-tests"


def test_load_demo_refuses_without_demo_mode(settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="Demo mode is off"):
        call_command("load_demo", "--skip-warehouse")
    assert not User.objects.exists()


def test_load_demo_builds_the_organisation_idempotently(demo_mode: str) -> None:
    call_command("load_demo", "--skip-warehouse", stdout=StringIO())
    first = sorted(User.objects.values_list("username", "department__code", "region"))
    call_command("load_demo", "--skip-warehouse", stdout=StringIO())
    assert sorted(User.objects.values_list("username", "department__code", "region")) == first
    assert 28 <= len(first) <= 35
    assert Department.objects.filter(parent__isnull=True).count() == 1
    assert Department.objects.filter(parent__parent__isnull=False).exists()


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("analyst", "Business user"),
        ("steward", "Data steward"),
        ("owner", "Data owner"),
        ("reviewer", "AI council reviewer"),
        ("hr", "HR"),
        ("admin", "Platform admin"),
        ("auditor", "Auditor"),
    ],
)
def test_demo_personas_hold_their_roles_and_sign_in(
    demo_mode: str, username: str, role: str
) -> None:
    call_command("load_demo", "--skip-warehouse", stdout=StringIO())
    user = User.objects.get(username=username)
    assert role in [spec.role.value for spec in user_roles(user)]
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username=username, password=demo_mode) == user


def test_demo_admin_is_staff_and_contractor_has_no_role(demo_mode: str) -> None:
    call_command("load_demo", "--skip-warehouse", stdout=StringIO())
    assert User.objects.get(username="admin").is_staff
    contractor = User.objects.get(username="contractor")
    assert user_roles(contractor) == []
    assert not contractor.is_staff


def test_show_logins_prints_password_only_on_request(demo_mode: str) -> None:
    quiet, loud = StringIO(), StringIO()
    call_command("load_demo", "--skip-warehouse", stdout=quiet)
    call_command("load_demo", "--skip-warehouse", "--show-logins", stdout=loud)
    assert demo_mode not in quiet.getvalue()
    assert demo_mode in loud.getvalue()


def test_demo_user_names_transliterate_accented_letters(demo_mode: str) -> None:
    call_command("load_demo", "--skip-warehouse", stdout=StringIO())
    names = dict(User.objects.values_list("first_name", "username"))
    assert names["Amélie"].startswith("amelie.bachmann.")
    assert names["Noël"].startswith("noel.johnson.")
    assert names["Allison"].startswith("allison.geissler.")
    assert names["Shelby"].startswith("shelby.malzer.")
    for username in names.values():
        assert re.fullmatch(r"[a-z]+(\.[a-z]+\.\d{2})?", username), username
