"""The literacy API four ways, with object-level checks (IDOR) on awards, attempts and lessons."""

from __future__ import annotations

import pytest

from literacy.models import BadgeAward, BuddyPairing, Course, LessonCompletion

pytestmark = pytest.mark.django_db

LEARNER_ENDPOINTS = [
    "/api/literacy/courses/",
    "/api/literacy/courses/data-101/",
    "/api/literacy/me/",
    "/api/literacy/badges/",
    "/api/literacy/awards/",
    "/api/literacy/leaderboard/",
    "/api/literacy/buddies/",
]


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("outsider", 403), ("analyst", 200)]
)
@pytest.mark.parametrize("path", LEARNER_ENDPOINTS)
def test_learner_endpoints_four_way(
    request, api_client_for, starter, persona, status, path
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_client_for(user).get(path)
    assert response.status_code == status
    if status != 200:
        assert set(response.json()) == {"error"}


def test_other_peoples_awards_are_for_hr_only(api_client_for, bronze_user, steward, hr) -> None:
    assert api_client_for(steward).get("/api/literacy/awards/?user=analyst").status_code == 403
    mine = api_client_for(steward).get("/api/literacy/awards/").json()
    assert mine == []
    seen = api_client_for(hr).get("/api/literacy/awards/?user=analyst").json()
    assert [a["badge"] for a in seen] == ["bronze-data-awareness"]


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("outsider", 403), ("steward", 403), ("hr", 201)]
)
def test_award_by_hand_api_four_way(request, api_client_for, starter, analyst, persona, status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    body = {"badge": "insight-of-the-month", "recipient": "analyst", "citation": "Churn insight."}
    response = api_client_for(user).post("/api/literacy/awards/", body, format="json")
    assert response.status_code == status, response.content
    assert BadgeAward.objects.filter(user=analyst).exists() == (status == 201)


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("outsider", 403), ("analyst", 403), ("hr", 200)]
)
def test_revoke_api_four_way(request, api_client_for, bronze_user, persona, status) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    award = BadgeAward.objects.get(user=bronze_user)
    response = api_client_for(user).post(
        f"/api/literacy/awards/{award.pk}/revoke/", {"reason": "mistake"}, format="json"
    )
    assert response.status_code == status
    award.refresh_from_db()
    assert award.is_revoked == (status == 200)


def test_revoking_an_unknown_award_is_404(api_client_for, hr) -> None:
    response = api_client_for(hr).post("/api/literacy/awards/999999/revoke/", {"reason": "x"})
    assert response.status_code == 404


def test_draft_course_lessons_cannot_be_completed_by_learners(api_client_for, starter, analyst):
    course = Course.objects.get(slug="data-101")
    Course.objects.filter(pk=course.pk).update(is_published=False)
    lesson = course.lessons.first()
    response = api_client_for(analyst).post(f"/api/literacy/lessons/{lesson.pk}/complete/")
    assert response.status_code == 404
    assert not LessonCompletion.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("outsider", 403), ("analyst", 403), ("hr", 409)]
)
def test_buddy_pairing_api_four_way(request, api_client_for, starter, steward, persona, status):
    # The steward is not Silver, so even HR's request is refused, with the reason (409).
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    body = {"mentor": "steward", "newcomer": "analyst"}
    request.getfixturevalue("analyst")
    response = api_client_for(user).post("/api/literacy/buddies/", body, format="json")
    assert response.status_code == status
    if status == 409:
        assert "Silver" in response.json()["error"]["message"]
    assert not BuddyPairing.objects.exists()
