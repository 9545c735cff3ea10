"""An organisation with OKRs for the tests: a team (growth) with a lead and a member, another
team (finance) with its own member, HR, an admin and an outsider (the shared personas)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from literacy.models import KeyResult, KeyResultCategory, Objective
from literacy.okrs import periods
from tests.factories import DepartmentFactory, UserFactory
from workbench.accounts.models import Department, User
from workbench.accounts.roles import Role


@dataclass
class OkrWorld:
    growth: Department
    finance: Department
    lead: User
    member: User
    other: User
    objective: Objective
    key_result: KeyResult
    finance_objective: Objective
    company_objective: Objective
    period: str


@pytest.fixture
def okr_world(roles: None, analyst: User, admin: User) -> OkrWorld:
    growth = analyst.department
    assert growth is not None
    finance = DepartmentFactory(name="Finance", code="finance")
    lead = UserFactory(username="lead", department=growth, roles=[Role.BUSINESS_USER])
    analyst.manager = lead
    analyst.save(update_fields=["manager"])
    other = UserFactory(username="other", department=finance, roles=[Role.BUSINESS_USER])
    period = periods.current_quarter()
    objective = Objective.objects.create(
        title="Grow with data", department=growth, period=period, owner=lead
    )
    key_result = KeyResult.objects.create(
        objective=objective,
        title="Campaigns measured with certified data",
        category=KeyResultCategory.BUSINESS,
        unit="campaigns",
        start_value=Decimal(0),
        target_value=Decimal(10),
        current_value=Decimal(2),
    )
    finance_objective = Objective.objects.create(
        title="Close the books faster", department=finance, period=period, owner=other
    )
    company_objective = Objective.objects.create(
        title="Become a data-literate company", department=None, period=period, owner=admin
    )
    return OkrWorld(
        growth, finance, lead, analyst, other, objective, key_result, finance_objective,
        company_objective, period,
    )  # fmt: skip
