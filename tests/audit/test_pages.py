"""The audit page, its exports and its API: four personas each, filters, bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome, AuditVerification
from workbench.audit.services import audit_record

pytestmark = pytest.mark.django_db
PAGE = reverse("audit:event_list")


@pytest.fixture
def events(analyst: User, steward: User) -> list[AuditEvent]:
    return [
        audit_record(actor=analyst, action="auth.login", outcome=AuditOutcome.DONE),
        audit_record(
            actor=None,
            actor_username="mallory",
            action="auth.login_failed",
            outcome=AuditOutcome.DENIED,
            reason="Invalid username or password",
        ),
        audit_record(
            actor=steward,
            action="catalog.curate",
            outcome=AuditOutcome.ALLOWED,
            target=steward,
            reason='=HYPERLINK("http://evil")',
        ),
    ]


def test_audit_page_anonymous_goes_to_login(client_for, events) -> None:
    response = client_for(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward", "hr"])
def test_audit_page_refuses_people_without_the_permission(
    request: pytest.FixtureRequest, client_for, events, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    before = AuditEvent.objects.count()
    response = client.get(PAGE)
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert "mallory" not in html
    denial = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == before + 1
    assert denial is not None
    assert (denial.action, denial.outcome, denial.actor_id) == ("audit.view", "denied", user.pk)


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_audit_page_lists_events_for_auditors_and_admins(
    request: pytest.FixtureRequest, client_for, events, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    response = client_for(user).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "auth.login_failed" in html
    assert "mallory" in html
    assert "catalog.curate" in html


@pytest.mark.parametrize(
    ("query", "visible", "hidden"),
    [
        pytest.param({"actor": "mall"}, ["auth.login_failed"], ["catalog.curate"], id="actor"),
        pytest.param({"action": "auth."}, ["auth.login_failed"], ["catalog.curate"], id="action"),
        pytest.param(
            {"outcome": "allowed"}, ["catalog.curate"], ["auth.login_failed"], id="outcome"
        ),
        pytest.param(
            {"target_type": "accounts.user"}, ["catalog.curate"], ["auth.login_failed"], id="target"
        ),
        pytest.param(
            {"until": "2000-01-01T00:00"}, [], ["auth.login", "catalog.curate"], id="time"
        ),
    ],
)
def test_audit_page_filters(client_for, auditor: User, events, query, visible, hidden) -> None:
    html = client_for(auditor).get(PAGE, query).content.decode()
    table = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    for action in visible:
        assert f"<code>{action}</code>" in table
    for action in hidden:
        assert f"<code>{action}</code>" not in table


def test_audit_page_bad_filter_keeps_input_and_explains(client_for, auditor: User, events) -> None:
    response = client_for(auditor).get(
        PAGE, {"actor": "mallory", "since": "2026-01-02T00:00", "until": "2026-01-01T00:00"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "must be later" in html
    assert 'value="mallory"' in html


def test_audit_page_query_count_is_pinned(
    client_for, auditor: User, events, django_assert_max_num_queries
) -> None:
    client = client_for(auditor)
    for n in range(60):
        audit_record(actor=None, actor_username=f"u{n}", action="x", outcome=AuditOutcome.DONE)
    # 8, +1 since the navigation shows the unread notifications count.
    with django_assert_max_num_queries(9):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert "Older" in response.content.decode()


def test_csv_export_honours_filters_and_defuses_formulas(client_for, auditor: User, events) -> None:
    response = client_for(auditor).get(reverse("audit:export", args=["csv"]), {"action": "catalog"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["catalog.curate"]
    assert rows[0]["reason"].startswith("'=")
    export = AuditEvent.objects.filter(action="audit.export").get()
    assert export.detail == {"format": "csv", "filters": {"action": "catalog"}}


def test_json_export_is_valid_json_with_every_field(client_for, admin: User, events) -> None:
    response = client_for(admin).get(reverse("audit:export", args=["json"]))
    rows = json.loads(b"".join(response.streaming_content))
    assert {row["action"] for row in rows} >= {"auth.login", "auth.login_failed", "catalog.curate"}
    assert {"hash", "prev_hash", "key_id", "request_id", "ip", "detail"} <= set(rows[0])


@pytest.mark.parametrize("persona", ["outsider", "analyst"])
def test_export_refused_without_permission(
    request: pytest.FixtureRequest, client_for, events, persona: str
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("audit:export", args=["csv"])
    )
    assert response.status_code == 403
    assert b"mallory" not in response.content


def test_export_unknown_format_is_404(client_for, auditor: User) -> None:
    assert client_for(auditor).get("/audit/export.xlsx").status_code == 404


def test_verification_start_queues_one_check_after_commit(
    client_for, auditor: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(auditor).post(reverse("audit:verification_start"))
    assert response.status_code == 302
    verification = AuditVerification.objects.get()
    assert verification.status == "queued"
    assert len(callbacks) == 1


@pytest.mark.parametrize("persona", [None, "outsider", "analyst"])
def test_verification_start_refused_queues_nothing(
    request: pytest.FixtureRequest, client_for, persona, django_capture_on_commit_callbacks
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(user).post(reverse("audit:verification_start"))
    assert response.status_code == (302 if user is None else 403)
    assert not AuditVerification.objects.exists()
    assert callbacks == []


# --- API ----------------------------------------------------------------------------------------


def test_api_events_anonymous_401(api_client_for, events) -> None:
    response = api_client_for(None).get("/api/audit/events/")
    assert response.status_code == 401
    assert "mallory" not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "analyst"])
def test_api_events_refused_without_permission(
    request: pytest.FixtureRequest, api_client_for, events, persona: str
) -> None:
    response = api_client_for(request.getfixturevalue(persona)).get("/api/audit/events/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "mallory" not in response.content.decode()


def test_api_events_list_filters_and_paginates(api_client_for, auditor: User, events) -> None:
    body = api_client_for(auditor).get("/api/audit/events/", {"outcome": "denied"}).json()
    assert body["count"] == 1
    assert body["results"][0]["actor_username"] == "mallory"


def test_api_events_bad_filter_is_a_json_error(api_client_for, auditor: User) -> None:
    response = api_client_for(auditor).get("/api/audit/events/", {"since": "yesterday-ish"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "since" in error["fields"]


def test_api_events_query_count_is_pinned(
    api_client_for, auditor: User, events, django_assert_max_num_queries
) -> None:
    client = api_client_for(auditor)
    with django_assert_max_num_queries(4):
        assert client.get("/api/audit/events/").status_code == 200


def test_api_verification_create_and_read(
    api_client_for, auditor: User, django_capture_on_commit_callbacks
) -> None:
    client = api_client_for(auditor)
    with django_capture_on_commit_callbacks() as callbacks:
        created = client.post("/api/audit/verifications/")
    assert created.status_code == 202
    assert len(callbacks) == 1
    detail = client.get(f"/api/audit/verifications/{created.json()['id']}/").json()
    assert detail["status"] == "queued"
    assert detail["progress_percent"] == 0


def test_api_verification_refused_for_analyst(
    api_client_for, analyst: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_client_for(analyst).post("/api/audit/verifications/")
    assert response.status_code == 403
    assert callbacks == []
    assert not AuditVerification.objects.exists()


@pytest.mark.parametrize(
    ("persona", "page_status", "api_status"),
    [
        pytest.param(None, 302, 401, id="anonymous"),
        pytest.param("outsider", 403, 403, id="outsider"),
        pytest.param("analyst", 403, 403, id="without-permission"),
        pytest.param("auditor", 200, 200, id="with-permission"),
    ],
)
def test_verification_and_event_detail_endpoints_four_ways(
    request: pytest.FixtureRequest,
    client_for,
    api_client_for,
    events,
    persona: str | None,
    page_status: int,
    api_status: int,
) -> None:
    user = request.getfixturevalue(persona) if persona else None
    verification = AuditVerification.objects.create(status="failed", problem="secret-problem-text")
    page = client_for(user).get(reverse("audit:verification_status", args=[verification.pk]))
    assert page.status_code == page_status
    assert ("secret-problem" in page.content.decode()) == (page_status == 200)
    api = api_client_for(user)
    urls = [
        f"/api/audit/events/{events[1].pk}/",
        "/api/audit/verifications/",
        f"/api/audit/verifications/{verification.pk}/",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == api_status, url
        if api_status != 200:
            assert "mallory" not in response.content.decode()
            assert "secret-problem" not in response.content.decode()
            assert "error" in response.json()
    assert AuditVerification.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        pytest.param({"since": "garbage"}, "since", "Enter a valid date/time", id="since-garbage"),
        pytest.param(
            {"outcome": "failure"}, "outcome", "Select a valid choice", id="outcome-unknown"
        ),
        pytest.param(
            {"actor": "mallory", "since": "2026-01-02T00:00", "until": "2026-01-01T00:00"},
            "until",
            "must be later",
            id="range-reversed",
        ),
    ],
)
def test_audit_page_invalid_filter_shows_the_error_and_no_rows(
    client_for, auditor: User, events, query, field: str, message: str
) -> None:
    response = client_for(auditor).get(PAGE, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert 'data-testid="audit-invalid-filters"' in html
    assert 'data-testid="audit-table"' not in html
    for action in ("auth.login", "auth.login_failed", "catalog.curate"):
        assert f"<code>{action}</code>" not in html


@pytest.mark.parametrize(
    ("text", "visible", "hidden"),
    [
        pytest.param("login", ["auth.login", "auth.login_failed"], ["catalog.curate"], id="part"),
        pytest.param("auth.login_f", ["auth.login_failed"], ["auth.login"], id="code-prefix"),
        pytest.param("curate", ["catalog.curate"], ["auth.login"], id="second-part"),
        pytest.param("ogin", [], ["auth.login", "auth.login_failed"], id="not-mid-word"),
    ],
)
def test_action_filter_matches_codes_and_their_parts_by_prefix(
    client_for, api_client_for, auditor: User, events, text: str, visible, hidden
) -> None:
    html = client_for(auditor).get(PAGE, {"action": text}).content.decode()
    table = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    for action in visible:
        assert f"<code>{action}</code>" in table
    for action in hidden:
        assert f"<code>{action}</code>" not in table
    body = api_client_for(auditor).get("/api/audit/events/", {"action": text}).json()
    assert sorted({row["action"] for row in body["results"]}) == sorted(visible)


def test_action_filter_suggests_the_known_action_codes(client_for, auditor: User, events) -> None:
    html = client_for(auditor).get(PAGE).content.decode()
    assert 'list="audit-action-codes"' in html
    datalist = html.split('<datalist id="audit-action-codes"')[1].split("</datalist>")[0]
    for code in ("auth.login", "auth.login_failed", "catalog.curate"):
        assert f'<option value="{code}">' in datalist


def test_export_anchors_the_chain_with_a_checkpoint(
    client_for, auditor: User, events, audit_checkpoint_dir
) -> None:
    response = client_for(auditor).get(reverse("audit:export", args=["json"]))
    b"".join(response.streaming_content)
    lines = (audit_checkpoint_dir / "checkpoints.jsonl").read_text().splitlines()
    export = AuditEvent.objects.get(action="audit.export")
    assert [json.loads(line)["sequence"] for line in lines] == [export.sequence]
    checkpoint = AuditEvent.objects.get(action="audit.checkpoint")
    assert checkpoint.detail["trigger"] == "export"
    assert checkpoint.actor_id == auditor.pk


def test_export_with_invalid_filter_exports_nothing(client_for, auditor: User, events) -> None:
    response = client_for(auditor).get(reverse("audit:export", args=["csv"]), {"since": "garbage"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.export").exists()
    assert 'data-testid="audit-invalid-filters"' in response.content.decode()
