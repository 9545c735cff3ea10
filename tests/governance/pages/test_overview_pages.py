"""The governance overview and the decisions page four ways, stewards' decisions limited to
their domains, filters, the navigation entry and the audit page's governance filter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.governance.pages.conftest import OversightWorld
from workbench.accounts.models import User
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return html.split('aria-label="Main"')[1].split("</nav>")[0]


@pytest.fixture
def decisions(oversight: OversightWorld, analyst: User, steward: User) -> None:
    audit_record(
        actor=analyst,
        action="governance.preview",
        outcome=AuditOutcome.DENIED,
        target=oversight.confidential,
        reason="Confidential data needs a request.",
        detail={"rules": ["access.request.confidential_content"]},
    )
    audit_record(
        actor=analyst,
        action="governance.preview",
        outcome=AuditOutcome.ALLOWED,
        target=oversight.ledger,
        reason="Internal data is open, masked.",
        purpose="budget check",
    )
    audit_record(
        actor=steward,
        action="governance.export",
        outcome=AuditOutcome.ALLOWED,
        target=oversight.internal,
        reason="You steward this asset.",
    )
    audit_record(
        actor=analyst,
        action="catalog.asset.curate",
        outcome=AuditOutcome.DENIED,
        target=oversight.internal,
        reason="not governance",
    )


# --- overview ---------------------------------------------------------------------------------


def test_overview_sends_anonymous_to_login(client_for, oversight) -> None:
    response = client_for(None).get(reverse("governance:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_overview_refuses_someone_without_a_role(client_for, outsider, oversight) -> None:
    response = client_for(outsider).get(reverse("governance:overview"))
    assert response.status_code == 403
    assert "ask a platform admin" in response.content.decode()


def test_overview_for_analyst_offers_the_simulator_only(client_for, analyst, oversight) -> None:
    response = client_for(analyst).get(reverse("governance:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="governance-intro"' in html
    assert 'data-link="governance:simulator"' in html
    for hidden in ("policy_list", "heatmap", "decision_list"):
        assert f'data-link="governance:{hidden}"' not in html
    assert 'data-testid="bundle-version"' in html
    assert ">Governance</a>" in _nav(html)


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        ("steward", ["simulator", "heatmap", "decision_list"]),
        ("auditor", ["policy_list", "simulator", "heatmap", "decision_list"]),
        ("admin", ["policy_list", "simulator", "heatmap", "decision_list"]),
    ],
)
def test_overview_links_what_each_overseer_may_open(
    request, client_for, oversight, persona, links
) -> None:
    html = client_for(request.getfixturevalue(persona)).get(reverse("governance:overview"))
    text = html.content.decode()
    for link in links:
        assert f'data-link="governance:{link}"' in text
    assert 'data-testid="governance-metrics"' in text
    assert ('data-link="audit:event_list"' in text) is (persona != "steward")


def test_navigation_offers_governance_to_role_holders_only(client_for, outsider, hr, db) -> None:
    assert ">Governance</a>" not in _nav(client_for(outsider).get("/").content.decode())
    assert ">Governance</a>" in _nav(client_for(hr).get("/").content.decode())


# --- decisions --------------------------------------------------------------------------------


def test_decisions_send_anonymous_to_login(client_for, oversight) -> None:
    assert client_for(None).get(reverse("governance:decision_list")).status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "analyst", "hr"])
def test_decisions_refuse_people_who_oversee_nothing(
    request, client_for, api_client_for, decisions, persona
) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("governance:decision_list"))
    assert response.status_code == 403
    assert "Confidential data needs" not in response.content.decode()
    assert api_client_for(user).get(reverse("api-governance-decisions")).status_code == 403


def test_auditor_sees_every_governance_decision(client_for, api_client_for, auditor, decisions):
    html = client_for(auditor).get(reverse("governance:decision_list")).content.decode()
    assert "not governance" not in html
    assert "budget check" in html
    assert "access.request.confidential_content" in html
    body = api_client_for(auditor).get(reverse("api-governance-decisions")).json()
    actions = [event["action"] for event in body["results"]]
    assert all(action.startswith("governance.") for action in actions)
    reads = [action for action in actions if action.split(".")[1] in {"preview", "export"}]
    assert reads == ["governance.export", "governance.preview", "governance.preview"]


def test_steward_sees_decisions_about_their_domains_only(client_for, steward, decisions) -> None:
    html = client_for(steward).get(reverse("governance:decision_list")).content.decode()
    assert html.count("<tr data-event=") == 2  # the confidential preview and the export
    assert "ledger" not in html
    assert "budget check" not in html


def test_decision_filters(api_client_for, auditor, oversight, decisions) -> None:
    client = api_client_for(auditor)
    url = reverse("api-governance-decisions")

    def actions(**params) -> list[str]:
        return [event["target_label"] for event in client.get(url, params).json()["results"]]

    assert len(actions(outcome="denied")) == 1
    assert len(actions(actor="stew")) == 1
    assert len(actions(action="preview")) == 2
    assert len(actions(action="governance.export")) == 1
    assert len(actions(asset=str(oversight.ledger.pk))) == 1
    assert len(actions(asset="custom")) == 1
    assert actions(until="2000-01-01T00:00:00Z") == []
    reversed_period = {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    assert client.get(url, reversed_period).json()["results"] == []  # an empty period
    assert client.get(url, {"since": "soon"}).status_code == 400


def test_invalid_decision_filters_list_nothing_and_keep_the_input(client_for, auditor, decisions):
    response = client_for(auditor).get(
        reverse("governance:decision_list"), {"actor": "ana", "since": "yesterday"}
    )
    reversed_period = client_for(auditor).get(
        reverse("governance:decision_list"),
        {"since": "2026-02-01T00:00", "until": "2026-01-01T00:00"},
    )
    assert reversed_period.status_code == 400
    assert "must be later" in reversed_period.content.decode()
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="decisions-invalid"' in html
    assert 'value="ana"' in html


def test_decisions_page_query_count_is_flat(client_for, auditor, oversight, analyst) -> None:
    client = client_for(auditor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:decision_list")).status_code == 200
        return len(captured)

    queries()
    few = queries()
    for _ in range(30):
        audit_record(
            actor=analyst,
            action="governance.preview",
            outcome=AuditOutcome.ALLOWED,
            target=oversight.internal,
        )
    assert queries() <= few + 1


def test_audit_page_links_governance_events(client_for, auditor, decisions) -> None:
    response = client_for(auditor).get(reverse("audit:event_list"), {"action": "governance."})
    text = response.content.decode()
    table = text.split('data-testid="audit-table"')[1]
    assert "governance.export" in table
    assert "catalog.asset.curate" not in table
    assert 'data-filter="governance"' in text
