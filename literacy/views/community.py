"""Community pages: leaderboards, the learner's leaderboard choice, data buddies."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from literacy import learning_selectors
from literacy.community_selectors import (
    PERIODS,
    buddy_pairings_for,
    department_leaderboard,
    person_leaderboard,
)
from literacy.forms import BuddyForm
from literacy.models import BuddyPairing, LearnerProfile
from literacy.selectors import literacy_tier
from literacy.services.community import (
    CommunityError,
    buddy_pair,
    buddy_pairing_end,
    learner_profile_set,
)
from literacy.views.learning import LEARN, _user
from workbench.accounts.models import User
from workbench.core.permissions import require_permission


@require_GET
@require_permission(LEARN)
def leaderboard_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    shown = LearnerProfile.objects.filter(user=user, show_on_leaderboard=True).exists()
    context = {
        "period": period,
        "periods": PERIODS,
        "people": person_leaderboard(viewer=user, period=period),
        "departments": department_leaderboard(viewer=user, period=period),
        "shown": shown,
    }
    return render(request, "literacy/leaderboard.html", context)


@require_POST
@require_permission(LEARN)
def leaderboard_preference_view(request: HttpRequest) -> HttpResponse:
    show = request.POST.get("show_on_leaderboard") == "1"
    learner_profile_set(user=_user(request), show_on_leaderboard=show)
    messages.success(
        request,
        "Your name now shows on the leaderboard."
        if show
        else "You are anonymous on the leaderboard: others see “Anonymous learner”.",
    )
    return redirect("literacy:leaderboard")


@require_GET
@require_permission(LEARN)
def buddy_view(request: HttpRequest, username: str) -> HttpResponse:
    """A buddy's progress: only the two people of a current pairing (or HR) see it."""
    user = _user(request)
    other = get_object_or_404(User, username=username, is_active=True)
    mentoring, mentored_by = buddy_pairings_for(user)
    paired = {p.newcomer_id for p in mentoring} | {p.mentor_id for p in mentored_by}
    if other.pk not in paired and not user.has_perm("literacy.view_literacy_dashboard"):
        raise Http404("No such data buddy.")
    context = {
        "buddy": other,
        "tier": literacy_tier(other),
        "paths": learning_selectors.learning_overview(other),
    }
    return render(request, "literacy/buddy.html", context)


@require_http_methods(["GET", "POST"])
@require_permission("literacy.assign_buddy", audit_action="literacy.buddy.pair")
def buddy_manage_view(request: HttpRequest) -> HttpResponse:
    form = BuddyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = buddy_pair(
                actor=_user(request),
                mentor=form.cleaned_data["mentor"],
                newcomer=form.cleaned_data["newcomer"],
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{pairing.mentor.display_name} mentors {pairing.newcomer.display_name} until "
                f"{pairing.quarter_end:%d %B %Y}.",
            )
            return redirect("literacy:buddy_manage")
    pairings = BuddyPairing.objects.select_related(
        "mentor", "newcomer", "mentor__department", "newcomer__department", "assigned_by"
    )[:200]
    return render(
        request,
        "literacy/buddy_manage.html",
        {"form": form, "pairings": pairings},
        status=400 if form.errors else 200,
    )


@require_POST
@require_permission("literacy.assign_buddy", audit_action="literacy.buddy.end")
def buddy_end_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = get_object_or_404(BuddyPairing, pk=pairing_id)
    try:
        buddy_pairing_end(actor=_user(request), pairing=pairing)
    except CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The pairing has ended.")
    return redirect("literacy:buddy_manage")
