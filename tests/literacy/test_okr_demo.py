"""The OKR demo: current-quarter objectives with history, automatic key results, a flagged team;
loading it twice changes nothing."""

from __future__ import annotations

import pytest

from literacy.models import CheckIn, KeyResult, Objective
from literacy.okrs import periods, selectors
from literacy.okrs.demo import okr_demo_load
from workbench.accounts.models import User
from workbench.demo.organisation import organisation_load

pytestmark = pytest.mark.django_db


def test_okr_demo_is_alive_and_idempotent() -> None:
    organisation_load(password="demo-pass-for-tests")
    okr_demo_load()
    counts = (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count())
    okr_demo_load()
    assert (Objective.objects.count(), KeyResult.objects.count(), CheckIn.objects.count()) == counts
    quarter = periods.current_quarter()
    growth = Objective.objects.get(department__code="growth", period=quarter)
    assert growth.parent is not None
    assert growth.parent.parent is not None
    assert growth.parent.parent.period == quarter[:4]
    manual = growth.key_results.get(title__startswith="Campaigns")
    assert manual.check_ins.count() >= 4
    automatic = growth.key_results.get(metric_key="literacy.share_at_least_awareness")
    assert automatic.metric_status == "ok"
    assert automatic.check_ins.filter(source="metric").exists()
    hr = User.objects.get(username="hr")
    flagged = {flag.department.code for flag in selectors.data_ai_check(hr, period=quarter)}
    assert "sales-emea" in flagged
    assert "growth" not in flagged
    steward = User.objects.get(username="steward")  # manages the analyst: leads Growth
    assert selectors.objective_may_edit(steward, growth)
