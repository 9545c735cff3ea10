"""Community: the leaderboard never names people who did not opt in, shows the viewer's place
with neighbours; data buddies are paired by HR within the limits and see each other's progress."""

from __future__ import annotations

import pytest

from literacy.community_selectors import person_leaderboard
from literacy.models import BuddyPairing, PlatformEvent
from literacy.services.community import (
    CommunityError,
    buddy_pair,
    learner_profile_set,
    quarter_bounds,
)
from tests.factories import UserFactory
from workbench.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(bronze_user, steward, complete_course):
    """analyst (Bronze, anonymous) and steward (some points, opted in)."""
    complete_course(steward, "ai-assistants-and-agents")
    learner_profile_set(user=steward, show_on_leaderboard=True)
    return bronze_user, steward


def test_opted_out_names_never_appear(client_for, api_client_for, learners, hr) -> None:
    analyst, steward = learners
    analyst.first_name, analyst.last_name = "Zelda", "Quokka"
    analyst.save(update_fields=["first_name", "last_name"])
    for period in ("week", "month", "all"):
        page = client_for(hr).get(f"/literacy/leaderboard/?period={period}").content.decode()
        api = api_client_for(hr).get(f"/api/literacy/leaderboard/?period={period}").content.decode()
        for text in (page, api):
            assert "Zelda" not in text
            assert "Quokka" not in text
            assert steward.display_name in text
            assert "Anonymous learner" in text


def test_viewer_sees_own_rank_and_neighbours(client_for, learners) -> None:
    analyst, _ = learners
    board = person_leaderboard(viewer=analyst, period="all")
    assert board.viewer_rank is not None
    mine = [row for row in board.around_viewer if row.is_viewer]
    assert len(mine) == 1
    assert mine[0].name == "You (anonymous to others)"
    page = client_for(analyst).get("/literacy/leaderboard/").content.decode()
    assert f"Your rank: <strong>{board.viewer_rank}</strong>" in page


def test_opting_in_and_out(client_for, learners) -> None:
    analyst, _ = learners
    client = client_for(analyst)
    client.post("/literacy/leaderboard/preference/", {"show_on_leaderboard": "1"})
    assert any(
        r.is_named for r in person_leaderboard(viewer=analyst, period="all").top if r.is_viewer
    )
    client.post("/literacy/leaderboard/preference/", {"show_on_leaderboard": "0"})
    rows = person_leaderboard(viewer=analyst, period="all").top
    assert not any(r.is_named for r in rows if r.is_viewer)


def test_leaderboard_rejects_an_unknown_period(api_client_for, analyst) -> None:
    response = api_client_for(analyst).get("/api/literacy/leaderboard/?period=decade")
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


@pytest.fixture
def silver_mentor(starter, owner, complete_course):
    for slug in (
        "data-101",
        "ai-assistants-and-agents",
        "privacy-in-practice",
        "prompt-patterns-and-red-lines",
    ):
        complete_course(owner, slug)
    return owner


def test_pairing_counts_toward_badges_for_both(silver_mentor, hr, analyst) -> None:
    pairing = buddy_pair(actor=hr, mentor=silver_mentor, newcomer=analyst)
    start, end = quarter_bounds(pairing.quarter_start)
    assert (pairing.quarter_start, pairing.quarter_end) == (start, end)
    assert PlatformEvent.objects.filter(user=silver_mentor, kind="community.buddy_mentor").exists()
    assert PlatformEvent.objects.filter(user=analyst, kind="community.buddy_newcomer").exists()
    assert silver_mentor.badge_awards.filter(badge__slug="data-buddy").exists()


def test_mentor_needs_silver(starter, hr, analyst, steward) -> None:
    with pytest.raises(CommunityError, match="Silver"):
        buddy_pair(actor=hr, mentor=steward, newcomer=analyst)
    assert not BuddyPairing.objects.exists()


def test_mentor_takes_at_most_three_newcomers(silver_mentor, hr, department) -> None:
    newcomers = [UserFactory(department=department, roles=[Role.BUSINESS_USER]) for _ in range(4)]
    for newcomer in newcomers[:3]:
        buddy_pair(actor=hr, mentor=silver_mentor, newcomer=newcomer)
    with pytest.raises(CommunityError, match="already mentors 3"):
        buddy_pair(actor=hr, mentor=silver_mentor, newcomer=newcomers[3])
    assert BuddyPairing.objects.count() == 3


def test_only_hr_pairs(silver_mentor, analyst, steward) -> None:
    with pytest.raises(CommunityError):
        buddy_pair(actor=steward, mentor=silver_mentor, newcomer=analyst)


def test_buddies_see_each_other_and_nobody_else_does(
    client_for, silver_mentor, hr, analyst, steward
):
    buddy_pair(actor=hr, mentor=silver_mentor, newcomer=analyst)
    assert (
        client_for(analyst).get(f"/literacy/buddies/{silver_mentor.username}/").status_code == 200
    )
    assert (
        client_for(silver_mentor).get(f"/literacy/buddies/{analyst.username}/").status_code == 200
    )
    assert client_for(steward).get(f"/literacy/buddies/{analyst.username}/").status_code == 404
    assert client_for(hr).get(f"/literacy/buddies/{analyst.username}/").status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("analyst", 403), ("hr", 200)]
)
def test_buddy_management_page_four_way(request, client_for, starter, persona, status) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    assert client_for(user).get("/literacy/buddies/").status_code == status


def test_pairing_form_error_keeps_choices(client_for, starter, hr, analyst, steward) -> None:
    response = client_for(hr).post(
        "/literacy/buddies/", {"mentor": "steward", "newcomer": "analyst"}
    )
    assert response.status_code == 400  # steward is not Silver: not offered as a mentor
    assert not BuddyPairing.objects.exists()
