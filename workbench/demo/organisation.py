"""The demo organisation: a department tree and about thirty people spread over the personas."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from unidecode import unidecode

from workbench.accounts.models import Clearance, Department, Region, User
from workbench.accounts.roles import Role
from workbench.accounts.services import roles_sync, user_set_roles
from workbench.env import env_secret

SEED = 20261122

# (code, name, parent code)
DEPARTMENTS: tuple[tuple[str, str, str | None], ...] = (
    ("group", "Acme Group", None),
    ("finance", "Finance", "group"),
    ("marketing", "Marketing", "group"),
    ("growth", "Growth Marketing", "marketing"),
    ("brand", "Brand & Communications", "marketing"),
    ("sales", "Sales", "group"),
    ("sales-emea", "Sales EMEA", "sales"),
    ("sales-us", "Sales Americas", "sales"),
    ("operations", "Operations", "group"),
    ("customer-service", "Customer Service", "operations"),
    ("hr", "People & Culture", "group"),
    ("data", "Data & Analytics", "group"),
    ("data-governance", "Data Governance", "data"),
    ("data-platform", "Data Platform", "data"),
    ("risk", "Risk & Compliance", "group"),
)


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    job_title: str
    department: str
    roles: tuple[Role, ...]
    region: Region = Region.EU
    clearance: Clearance = Clearance.INTERNAL
    manager: str | None = None


# The named personas that the README, the tests and the login hint refer to.
PERSONAS: tuple[Persona, ...] = (
    Persona(
        "admin",
        "Ada",
        "Admin",
        "Platform engineer",
        "data-platform",
        (Role.PLATFORM_ADMIN,),
        clearance=Clearance.RESTRICTED,
    ),
    Persona(
        "owner",
        "Olivia",
        "Owens",
        "Head of Customer Data",
        "data",
        (Role.DATA_OWNER, Role.BUSINESS_USER),
        clearance=Clearance.RESTRICTED,
    ),
    Persona(
        "steward",
        "Samir",
        "Stewart",
        "Data steward, customer domain",
        "data-governance",
        (Role.DATA_STEWARD, Role.BUSINESS_USER),
        clearance=Clearance.CONFIDENTIAL,
        manager="owner",
    ),
    Persona(
        "analyst",
        "Ana",
        "Lyst",
        "Marketing analyst",
        "growth",
        (Role.BUSINESS_USER,),
        manager="steward",
    ),
    Persona(
        "reviewer",
        "Rui",
        "Viewer",
        "AI council member",
        "risk",
        (Role.AI_REVIEWER, Role.BUSINESS_USER),
        clearance=Clearance.CONFIDENTIAL,
    ),
    Persona(
        "hr", "Hana", "Reyes", "Learning & development lead", "hr", (Role.HR, Role.BUSINESS_USER)
    ),
    Persona(
        "auditor",
        "Aurelio",
        "Ditmar",
        "Internal auditor",
        "risk",
        (Role.AUDITOR,),
        clearance=Clearance.CONFIDENTIAL,
    ),
    Persona(
        "contractor",
        "Cole",
        "Tractor",
        "External contractor (no role yet)",
        "operations",
        (),
        region=Region.US,
        clearance=Clearance.PUBLIC,
    ),
)

_EXTRA_PEOPLE = 24
_EXTRA_DEPARTMENTS = (
    "finance",
    "growth",
    "brand",
    "sales-emea",
    "sales-us",
    "customer-service",
    "operations",
    "data-platform",
    "hr",
    "risk",
)
_REGION_BY_DEPARTMENT = {"sales-us": Region.US, "customer-service": Region.APAC}


def demo_password() -> str:
    """The shared demo password: WORKBENCH_DEMO_PASSWORD, or one generated once per install."""
    return env_secret(
        "WORKBENCH_DEMO_PASSWORD", fallback_file=settings.DEMO_PASSWORD_FILE, generated_bytes=12
    )


@dataclass(frozen=True)
class DemoSummary:
    departments: int
    users: int


def organisation_load(*, password: str) -> DemoSummary:
    """Create or refresh the demo organisation; running it again changes nothing else."""
    roles_sync()
    password_hash = make_password(password)  # hashed once: thirty hashes would take seconds
    with transaction.atomic():
        departments = _departments_ensure()
        people = [*PERSONAS, *_extra_personas()]
        users = {p.username: _person_ensure(p, departments, password_hash) for p in people}
        for persona in people:
            _manager_set(users[persona.username], users.get(persona.manager or ""))
    return DemoSummary(departments=len(departments), users=len(users))


def _departments_ensure() -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for code, name, parent_code in DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            code=code,
            defaults={"name": name, "parent": departments.get(parent_code or "")},
        )
        departments[code] = department
    return departments


def _extra_personas() -> list[Persona]:
    fake = Faker(["en_GB", "de_DE", "fr_FR", "nl_NL", "en_US"])
    fake.seed_instance(SEED)
    chooser = random.Random(SEED)
    people: list[Persona] = []
    for index in range(_EXTRA_PEOPLE):
        first, last = fake.first_name(), fake.last_name()
        department = _EXTRA_DEPARTMENTS[index % len(_EXTRA_DEPARTMENTS)]
        roles = (Role.BUSINESS_USER, Role.DATA_STEWARD) if index % 8 == 0 else (Role.BUSINESS_USER,)
        people.append(
            Persona(
                username=f"{_ascii(first)}.{_ascii(last)}.{index + 1:02d}",
                first_name=first,
                last_name=last,
                job_title=fake.job()[:120],
                department=department,
                roles=roles,
                region=_REGION_BY_DEPARTMENT.get(department, Region.EU),
                clearance=chooser.choice(
                    [Clearance.INTERNAL, Clearance.INTERNAL, Clearance.CONFIDENTIAL]
                ),
                manager="steward" if department == "growth" else None,
            )
        )
    return people


def _ascii(name: str) -> str:
    """Letters of a name for a user name: Amélie gives amelie, Geißler geissler, Mälzer malzer."""
    return "".join(ch for ch in unidecode(name).lower() if ch.isascii() and ch.isalpha()) or "user"


def _person_ensure(
    persona: Persona, departments: dict[str, Department], password_hash: str
) -> User:
    user, _ = User.objects.update_or_create(
        username=persona.username,
        defaults={
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "email": f"{persona.username}@acme.example",
            "job_title": persona.job_title,
            "department": departments[persona.department],
            "region": persona.region,
            "clearance": persona.clearance,
            "is_active": True,
            "password": password_hash,
        },
    )
    user_set_roles(user=user, roles=list(persona.roles))
    return user


def _manager_set(user: User, manager: User | None) -> None:
    if user.manager_id != (manager.pk if manager else None):
        user.manager = manager
        user.save(update_fields=["manager"])
