"""Micro-learning tips for other pages, the starter loader and the demo loader (both idempotent),
and pinned query counts of the list pages and endpoints."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from literacy.demo import literacy_demo_load
from literacy.models import (
    Badge,
    BadgeAward,
    BuddyPairing,
    Course,
    LiteracySnapshot,
    PlatformEvent,
    QuizAttempt,
    Tip,
)
from literacy.selectors import literacy_tier
from literacy.starter import literacy_starter_load
from tests.factories import UserFactory
from workbench.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _render(key: str, user) -> str:
    return Template("{% load literacy_tips %}{% literacy_tip key %}").render(
        Context({"key": key, "user": user})
    )


def test_tip_renders_safely_with_a_link_to_its_course(starter, analyst) -> None:
    Tip.objects.filter(key="median").update(body_markdown="Use the **median**. <b>raw</b>")
    html = _render("median", analyst)
    assert 'data-tip="median"' in html
    assert "<strong>median</strong>" in html
    assert "<b>raw</b>" not in html
    assert "/literacy/courses/data-101/" in html


def test_unknown_tip_renders_nothing(starter, analyst) -> None:
    assert _render("no-such-concept", analyst).strip() == ""


def test_tip_offers_the_course_only_to_learners(starter, outsider) -> None:
    html = _render("median", outsider)
    assert 'data-tip="median"' in html
    assert "/literacy/courses/" not in html


def test_starter_loader_is_idempotent_and_keeps_edits(db) -> None:
    literacy_starter_load()
    Course.objects.filter(slug="data-101").update(title="Data 101 (edited by L&D)")
    counts = (Course.objects.count(), Badge.objects.count(), Tip.objects.count())
    summary = literacy_starter_load()
    assert (summary.courses_created, summary.badges_created, summary.tips_created) == (0, 0, 0)
    assert (Course.objects.count(), Badge.objects.count(), Tip.objects.count()) == counts
    assert Course.objects.get(slug="data-101").title == "Data 101 (edited by L&D)"
    assert Badge.objects.filter(tier__in=["bronze", "silver", "gold"]).count() == 3


def test_demo_puts_personas_at_every_tier_and_runs_twice(analyst, steward, owner, hr) -> None:
    literacy_demo_load()
    assert literacy_tier(analyst) == "bronze"
    assert literacy_tier(steward) == "silver"
    assert literacy_tier(owner) == "gold"
    assert BuddyPairing.objects.filter(mentor=owner, newcomer=analyst).count() == 1
    assert LiteracySnapshot.objects.filter(department__isnull=True).count() >= 9
    counts = [m.objects.count() for m in (BadgeAward, QuizAttempt, PlatformEvent, BuddyPairing)]
    literacy_demo_load()
    assert [m.objects.count() for m in (BadgeAward, QuizAttempt, PlatformEvent, BuddyPairing)] == (
        counts
    )


@pytest.fixture
def crowd(starter, department, complete_course):
    people = [UserFactory(department=department, roles=[Role.BUSINESS_USER]) for _ in range(6)]
    for person in people[:3]:
        complete_course(person, "data-101")
    return people


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/api/literacy/courses/", 12),
        ("/api/literacy/badges/", 10),
        ("/api/literacy/leaderboard/?period=all", 16),
        ("/api/literacy/dashboard/", 14),
    ],
)
def test_list_endpoint_query_counts_do_not_grow_with_people(
    api_client_for, hr, crowd, path, limit, django_assert_max_num_queries
) -> None:
    client = api_client_for(hr)
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200
