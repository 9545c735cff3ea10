"""The what-if simulator, page and API: four ways, who may ask about whom and which assets (IDOR:
assets and people outside the asker's scope are 404 or refused, and leak nothing), answers that
match the engine and explain themselves, and asking changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.governance.pages.conftest import OversightWorld
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.policy import decide

pytestmark = pytest.mark.django_db


def page(client: Any, **params: Any) -> Any:
    return client.get(reverse("governance:simulator"), params)


def api(client: Any, question: str, **params: Any) -> Any:
    return client.get(reverse(f"api-governance-simulator-{question}"), params)


# --- four ways --------------------------------------------------------------------------------


def test_simulator_sends_anonymous_to_login(client_for, oversight: OversightWorld) -> None:
    response = page(client_for(None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_simulator_refuses_someone_without_a_role(client_for, outsider, oversight) -> None:
    response = page(
        client_for(outsider), question="decision", asset=oversight.internal.pk, action="preview"
    )
    assert response.status_code == 403
    assert "orders" not in response.content.decode()
    assert (
        api(
            client_for(outsider), "decision", asset=oversight.internal.pk, action="preview"
        ).status_code
        == 403
    )


def test_simulator_api_needs_a_signed_in_caller(api_client_for, oversight) -> None:
    response = api(api_client_for(None), "decision", asset=oversight.internal.pk, action="preview")
    assert response.status_code in (401, 403)


def test_analyst_asks_about_themselves_and_gets_the_engines_answer(
    client_for, analyst: User, oversight: OversightWorld
) -> None:
    response = page(
        client_for(analyst),
        question="decision",
        user=analyst.pk,
        asset=oversight.confidential.pk,
        action="preview",
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = decide(user=analyst, action="preview", asset=oversight.confidential)
    assert not expected.allowed
    assert expected.needs_request
    assert 'data-allowed="false"' in html
    assert 'data-testid="needs-request"' in html
    for rule in expected.rules:
        assert f'data-rule="{rule}"' in html
    for reason in expected.reasons:
        assert reason in html


def test_analyst_may_not_ask_about_someone_else(client_for, analyst, steward, oversight) -> None:
    response = page(
        client_for(analyst),
        question="decision",
        user=steward.pk,
        asset=oversight.internal.pk,
        action="preview",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "about yourself only" in html
    assert 'data-testid="decision"' not in html
    api_response = api(
        client_for(analyst),
        "decision",
        user=steward.pk,
        asset=oversight.internal.pk,
        action="preview",
    )
    assert api_response.status_code == 403
    assert "yourself" in api_response.json()["error"]["message"]


def test_analyst_cannot_probe_assets_they_cannot_discover(client_for, analyst, oversight) -> None:
    # Restricted, above the analyst's clearance: the simulator does not even confirm it exists.
    assert not decide(user=analyst, action="discover", asset=oversight.restricted).allowed
    response = page(
        client_for(analyst), question="decision", asset=oversight.restricted.pk, action="discover"
    )
    assert response.status_code == 404
    assert "payments" not in response.content.decode()
    missing = api(client_for(analyst), "decision", asset=999999, action="discover")
    assert missing.status_code == 404
    hidden = api(client_for(analyst), "decision", asset=oversight.restricted.pk, action="preview")
    assert hidden.status_code == 404
    assert "payments" not in hidden.content.decode()


def test_steward_asks_about_anyone_for_their_domain_only(
    client_for, steward: User, analyst: User, oversight: OversightWorld
) -> None:
    client = client_for(steward)
    mine = api(
        client, "decision", user=analyst.pk, asset=oversight.confidential.pk, action="preview"
    ).json()
    assert mine["user"]["username"] == "analyst"
    assert mine["decision"]["allowed"] is False
    assert "access.request.confidential_content" in mine["decision"]["rules"]
    # Finance is not the steward's domain: about someone else it is 404...
    other = api(client, "decision", user=analyst.pk, asset=oversight.ledger.pk, action="preview")
    assert other.status_code == 404
    # ...but the steward may still ask about themselves on an asset they can find.
    themselves = api(client, "decision", asset=oversight.ledger.pk, action="discover")
    assert themselves.status_code == 200
    assert themselves.json()["decision"]["allowed"] is True


def test_steward_decision_names_the_steward_rule(client_for, steward, oversight) -> None:
    body = api(
        client_for(steward), "decision", asset=oversight.confidential.pk, action="preview"
    ).json()
    decision = body["decision"]
    assert decision["allowed"] is True
    assert decision["masked"] is True
    assert decision["rules"] == ["access.allow.steward"]
    engine = decide(user=steward, action="preview", asset=oversight.confidential)
    assert decision["policy_version"] == engine.policy_version
    assert decision["reasons"] == list(engine.reasons)


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_auditors_and_admins_ask_about_anyone_and_any_asset(
    request, client_for, analyst, oversight, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    response = page(
        client,
        question="decision",
        user=analyst.pk,
        asset=oversight.restricted.pk,
        action="discover",
    )
    assert response.status_code == 200
    assert "payments" in response.content.decode()
    assert 'data-allowed="false"' in response.content.decode()


def test_unknown_person_is_404(client_for, admin, oversight) -> None:
    response = api(
        client_for(admin), "decision", user=987654, asset=oversight.public.pk, action="discover"
    )
    assert response.status_code == 404


def test_invalid_questions_are_400_and_keep_the_input(client_for, analyst, oversight) -> None:
    response = page(
        client_for(analyst),
        question="decision",
        asset=oversight.internal.pk,
        action="sing",
        purpose="quarterly report",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="quarterly report"' in html
    assert "is-invalid" in html
    missing = api(client_for(analyst), "decision", action="preview")
    assert missing.status_code == 400
    assert "asset" in missing.json()["error"]["fields"]
    wrong = api(client_for(analyst), "decision", asset="x", action="preview")
    assert wrong.status_code == 400


def test_asking_records_nothing_and_changes_nothing(client_for, admin, analyst, oversight) -> None:
    client = client_for(admin)  # signing in is recorded; asking must not be
    before = AuditEvent.objects.count()
    page(
        client,
        question="decision",
        user=analyst.pk,
        asset=oversight.confidential.pk,
        action="export",
    )
    page(client, question="who", asset=oversight.confidential.pk, action="preview")
    page(client, question="what", user=analyst.pk)
    assert AuditEvent.objects.count() == before


# --- who may, what may ------------------------------------------------------------------------


def test_who_may_lists_the_allowed_people(client_for, steward, owner, admin, analyst, oversight):
    body = api(client_for(steward), "who", asset=oversight.confidential.pk, action="preview").json()
    names = {row["user"]["username"] for row in body["allowed"]}
    assert {"steward", "owner", "admin"} <= names
    assert "analyst" not in names
    assert body["denied_count"] == User.objects.filter(is_active=True).count() - len(names)
    html = page(
        client_for(steward), question="who", asset=oversight.confidential.pk, action="preview"
    ).content.decode()
    assert 'data-user="owner"' in html
    assert 'data-user="analyst"' not in html


def test_who_may_is_for_overseers_and_their_domains(client_for, analyst, steward, oversight):
    refused = api(client_for(analyst), "who", asset=oversight.internal.pk, action="preview")
    assert refused.status_code == 403
    outside = api(client_for(steward), "who", asset=oversight.ledger.pk, action="preview")
    assert outside.status_code == 404
    assert "ledger" not in outside.content.decode()


def test_what_may_matches_decide_for_every_action(client_for, analyst, oversight) -> None:
    body = api(client_for(analyst), "what").json()
    assert body["user"]["username"] == "analyst"
    by_asset = {row["asset"]["name"]: row["decisions"] for row in body["assets"]}
    assert "payments" not in by_asset  # restricted: the analyst cannot discover it
    assert {"stores", "orders", "customers", "ledger"} <= set(by_asset)
    for asset in (oversight.internal, oversight.confidential):
        for action, answer in by_asset[asset.name].items():
            expected = decide(user=analyst, action=action, asset=asset)
            assert answer["allowed"] is expected.allowed, (asset.name, action)
            assert answer["rules"] == list(expected.rules)
    html = page(client_for(analyst), question="what").content.decode()
    assert f'data-asset="{oversight.internal.pk}"' in html
    assert 'data-action="preview" data-allowed="true"' in html


def test_user_picker_offers_only_oneself_without_oversight(client_for, analyst, steward, oversight):
    own = client_for(analyst).get(reverse("governance:simulator_users"), {"user_search": "st"})
    assert "steward" not in own.content.decode()
    theirs = client_for(steward).get(reverse("governance:simulator_users"), {"user_search": "ana"})
    assert "analyst" in theirs.content.decode()
    assets = client_for(analyst).get(
        reverse("governance:simulator_assets"), {"asset_search": "pay"}
    )
    assert "payments" not in assets.content.decode()
    assert client_for(None).get(reverse("governance:simulator_users")).status_code == 302
