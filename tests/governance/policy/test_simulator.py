"""The what-if simulator's questions: who may do A on X, what may U do, with reasons."""

from __future__ import annotations

import pytest

from catalog.models import Classification
from tests.governance.policy.helpers import asset_of, domain_stewarded_by, grant_for
from workbench.governance.actions import Action
from workbench.governance.policy import decide, what_may, who_may

pytestmark = pytest.mark.django_db


def test_who_may_query_confidential_data(analyst, steward, admin, outsider, hr) -> None:
    asset = asset_of(Classification.CONFIDENTIAL, domain=domain_stewarded_by(steward))
    assert [user.username for user, _ in who_may(action="query", asset=asset)] == [
        "admin",
        "steward",
    ]
    grant_for(analyst, asset, "query")
    answer = dict(who_may(action="query", asset=asset))
    assert {user.username for user in answer} == {"admin", "analyst", "steward"}
    assert answer[analyst].rules == ("access.allow.grant",)
    assert answer[steward].rules == ("access.allow.steward",)


def test_who_may_agrees_with_decide(analyst, steward, admin, reviewer, outsider) -> None:
    asset = asset_of(Classification.INTERNAL)
    for action in Action:
        listed = {user.pk for user, _ in who_may(action=action.value, asset=asset)}
        each = {
            user.pk
            for user in (analyst, steward, admin, reviewer, outsider)
            if decide(user=user, action=action.value, asset=asset).allowed
        }
        assert listed == each, action


def test_what_may_answers_every_action_with_reasons(analyst) -> None:
    internal = asset_of(Classification.INTERNAL)
    confidential = asset_of(Classification.CONFIDENTIAL, name="customers")
    restricted = asset_of(Classification.RESTRICTED, name="salaries")
    answer = what_may(user=analyst)
    assert set(answer) == {internal.pk, confidential.pk}  # restricted is not even listed
    assert set(answer[internal.pk]) == {action.value for action in Action}
    assert answer[internal.pk]["preview"].allowed
    assert answer[confidential.pk]["preview"].needs_request
    for asset in (internal, confidential):
        for action, decision in answer[asset.pk].items():
            assert decision == decide(user=analyst, action=action, asset=asset)
    explicit = what_may(user=analyst, assets=[restricted])
    assert not explicit[restricted.pk]["discover"].allowed


def test_what_may_costs_a_few_queries(analyst, django_assert_max_num_queries) -> None:
    for n in range(12):
        asset_of(Classification.INTERNAL, name=f"t{n}")
    what_may(user=analyst)
    with django_assert_max_num_queries(8):
        what_may(user=analyst)
