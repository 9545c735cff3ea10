"""Badge criteria fire exactly once, from courses, quizzes, badges and platform events; manual
awards follow who may give them; other features' audit events arrive as platform events."""

from __future__ import annotations

import pytest
from django.db import transaction

from literacy.models import Badge, BadgeAward, PlatformEvent
from literacy.selectors import literacy_tier
from literacy.services import platform_event_record
from literacy.services.badges import BadgeError, badge_award_by_hand, badges_evaluate
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _awards(user, slug: str) -> int:
    return BadgeAward.objects.filter(user=user, badge__slug=slug).count()


def test_completing_data_101_awards_bronze_once(bronze_user, complete_course) -> None:
    assert literacy_tier(bronze_user) == "bronze"
    assert _awards(bronze_user, "bronze-data-awareness") == 1
    complete_course(bronze_user, "data-101")  # passing again changes nothing
    badges_evaluate(user=bronze_user)
    assert _awards(bronze_user, "bronze-data-awareness") == 1
    award_events = AuditEvent.objects.filter(
        action="literacy.badge.award",
        target_id__in=[
            str(pk)
            for pk in BadgeAward.objects.filter(user=bronze_user).values_list("pk", flat=True)
        ],
    )
    assert award_events.count() == BadgeAward.objects.filter(user=bronze_user).count()


@pytest.mark.parametrize("repeats", [1, 5], ids=["once", "five-times"])
def test_repeated_platform_events_award_exactly_once(starter, analyst, repeats) -> None:
    for _ in range(repeats):
        event, _created = platform_event_record(
            user=analyst, kind="catalog.dataset_certified", ref="asset:7"
        )
    assert PlatformEvent.objects.filter(user=analyst).count() == 1
    assert _awards(analyst, "data-curator") == 1
    assert event.ref == "asset:7"


def test_a_count_criterion_fires_on_the_nth_distinct_event(starter, analyst) -> None:
    for run in range(24):
        platform_event_record(user=analyst, kind="sandbox.prompt_run", ref=f"run-{run}")
        platform_event_record(user=analyst, kind="sandbox.prompt_run", ref=f"run-{run}")
    assert _awards(analyst, "prompt-practitioner") == 0
    platform_event_record(user=analyst, kind="sandbox.prompt_run", ref="run-24")
    assert _awards(analyst, "prompt-practitioner") == 1
    platform_event_record(user=analyst, kind="sandbox.prompt_run", ref="run-25")
    assert _awards(analyst, "prompt-practitioner") == 1


def test_silver_needs_bronze_and_its_courses(bronze_user, complete_course) -> None:
    complete_course(bronze_user, "ai-assistants-and-agents")
    complete_course(bronze_user, "privacy-in-practice")
    assert literacy_tier(bronze_user) == "bronze"
    complete_course(bronze_user, "prompt-patterns-and-red-lines")
    assert literacy_tier(bronze_user) == "silver"


def test_manual_badge_is_never_awarded_by_the_rules(starter, analyst) -> None:
    badges_evaluate(user=analyst)
    assert _awards(analyst, "insight-of-the-month") == 0


def test_manager_awards_manual_badge_to_a_report_with_citation(starter, analyst, steward) -> None:
    analyst.manager = steward
    analyst.save(update_fields=["manager"])
    badge = Badge.objects.get(slug="insight-of-the-month")
    award = badge_award_by_hand(
        actor=steward, badge=badge, recipient=analyst, citation="Found the churn driver in Q3."
    )
    assert award.awarded_by == steward
    assert award.citation == "Found the churn driver in Q3."
    with pytest.raises(BadgeError, match="already holds"):
        badge_award_by_hand(actor=steward, badge=badge, recipient=analyst, citation="Again")


@pytest.mark.parametrize("who", ["outsider", "reviewer", "self"])
def test_manual_award_refused_and_audited(starter, analyst, outsider, reviewer, who) -> None:
    actor = {"outsider": outsider, "reviewer": reviewer, "self": analyst}[who]
    badge = Badge.objects.get(slug="insight-of-the-month")
    with pytest.raises(BadgeError, match="may not"):
        badge_award_by_hand(actor=actor, badge=badge, recipient=analyst, citation="x")
    assert _awards(analyst, "insight-of-the-month") == 0
    assert AuditEvent.objects.filter(
        action="literacy.badge.award", outcome=AuditOutcome.DENIED, actor=actor
    ).exists()


def test_hr_awards_any_badge_but_needs_a_citation(starter, hr, analyst) -> None:
    badge = Badge.objects.get(slug="data-buddy")
    with pytest.raises(BadgeError, match="citation"):
        badge_award_by_hand(actor=hr, badge=badge, recipient=analyst, citation="  ")
    badge_award_by_hand(actor=hr, badge=badge, recipient=analyst, citation="Ran the onboarding.")
    assert _awards(analyst, "data-buddy") == 1


def test_certifying_a_dataset_counts_through_the_audit_trail(
    starter, steward, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(
            actor=steward,
            action="catalog.asset.certify",
            outcome=AuditOutcome.DONE,
            target_type="catalog.asset",
            target_id="42",
        )
    assert PlatformEvent.objects.filter(
        user=steward, kind="catalog.dataset_certified", ref="asset:42"
    ).exists()
    assert _awards(steward, "data-curator") == 1


def test_denied_certification_does_not_count(starter, steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(
            actor=steward,
            action="catalog.asset.certify",
            outcome=AuditOutcome.DENIED,
            target_type="catalog.asset",
            target_id="42",
        )
    assert not PlatformEvent.objects.filter(user=steward).exists()


def _certify_then_fail(steward) -> None:
    with transaction.atomic():
        audit_record(
            actor=steward,
            action="catalog.asset.certify",
            outcome=AuditOutcome.DONE,
            target_type="catalog.asset",
            target_id="43",
        )
        raise RuntimeError("the certification failed")


def test_rolled_back_action_does_not_count(starter, steward) -> None:
    with pytest.raises(RuntimeError):
        _certify_then_fail(steward)
    assert not PlatformEvent.objects.filter(user=steward).exists()


# --- POST /api/literacy/events/ -------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 403), ("hr", 403), ("admin", 201)],
)
def test_events_api_four_way(request, api_client_for, starter, analyst, persona, status) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    body = {"user": "analyst", "kind": "sandbox.model_promoted", "ref": "model-3"}
    response = api_client_for(user).post("/api/literacy/events/", body, format="json")
    assert response.status_code == status, response.content
    assert PlatformEvent.objects.filter(user=analyst).exists() == (status == 201)
    if status == 201:
        assert response.json()["new_awards"] == ["model-maker"]
    else:
        assert "error" in response.json()


def test_events_api_is_idempotent_and_validates(api_client_for, starter, admin, analyst) -> None:
    client = api_client_for(admin)
    body = {"user": "analyst", "kind": "governance.access_approved", "ref": "access-request:9"}
    assert client.post("/api/literacy/events/", body, format="json").status_code == 201
    again = client.post("/api/literacy/events/", body, format="json")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["new_awards"] == []
    bad = client.post(
        "/api/literacy/events/", {"user": "analyst", "kind": "Not A Kind"}, format="json"
    )
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]["fields"]
    unknown = client.post("/api/literacy/events/", {"user": "nobody", "kind": "a.b"}, format="json")
    assert unknown.status_code == 404
    assert PlatformEvent.objects.count() == 1
