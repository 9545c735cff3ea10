"""The literacy REST API: learning, badges and credentials, platform events, community, dashboard.

Credential verification, the status list and the issuer profile are public (no sign-in), like the
pages a credential points to; everything else is deny-by-default on Django permissions.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from literacy import dashboard as dashboard_selectors
from literacy import learning_selectors
from literacy.api import serializers as s
from literacy.community_selectors import PERIODS, department_leaderboard, person_leaderboard
from literacy.credentials import (
    VerificationResult,
    credential_verify,
    issuer_profile,
    status_list_credential,
)
from literacy.keys import badge_signing_key
from literacy.models import Badge, BadgeAward, BuddyPairing, Lesson, Quiz
from literacy.selectors import literacy_tier
from literacy.services import learning as learning_services
from literacy.services.badges import (
    BadgeError,
    badge_award_by_hand,
    badge_award_revoke,
    platform_event_record,
)
from literacy.services.community import CommunityError, buddy_pair
from workbench.accounts.models import User
from workbench.accounts.roles import access_hint, roles_granting
from workbench.core.api.errors import Conflict
from workbench.core.api.permissions import has_django_permission

TAGS = ["literacy"]
CanLearn = has_django_permission("literacy.take_course")
CanAward = has_django_permission("literacy.award_badge")
CanSeeDashboard = has_django_permission("literacy.view_literacy_dashboard")
CanRecordEvents = has_django_permission("literacy.record_platformevent")
CanPairBuddies = has_django_permission("literacy.assign_buddy")


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


# --- Learning ------------------------------------------------------------------------------------


class CourseListView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        responses=s.CourseSummarySerializer(many=True),
        summary="Courses with your progress",
    )
    def get(self, request: Request) -> Response:
        courses = list(learning_selectors.course_list())
        statuses = learning_selectors.course_statuses(_user(request), courses)
        rows = [
            {
                "slug": c.slug,
                "title": c.title,
                "summary": c.summary,
                "tier": c.path.tier,
                "estimated_minutes": c.estimated_minutes,
                "lessons_total": st.lessons_total,
                "lessons_done": st.lessons_done,
                "quizzes_total": st.quizzes_total,
                "quizzes_passed": st.quizzes_passed,
                "percent": st.percent,
                "is_completed": st.is_completed,
                "resume_lesson_id": st.resume_lesson_id,
            }
            for c in courses
            for st in [statuses[c.pk]]
        ]
        return Response(s.CourseSummarySerializer(rows, many=True).data)


class CourseDetailView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS, responses=s.CourseDetailSerializer, summary="A course: lessons and quizzes"
    )
    def get(self, request: Request, slug: str) -> Response:
        course = learning_selectors.access_course(_user(request), slug)
        if course is None:
            raise NotFound("No such course.")
        course = (
            type(course)
            .objects.prefetch_related("lessons", "quizzes__questions__choices")
            .select_related("path")
            .get(pk=course.pk)
        )
        return Response(s.CourseDetailSerializer(course).data)


def _visible_lesson(request: Request, lesson_id: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("course"), pk=lesson_id)
    if learning_selectors.access_course(_user(request), lesson.course.slug) is None:
        raise NotFound("No such lesson.")
    return lesson


class LessonCompleteView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        request=None,
        responses=s.LessonCompleteResultSerializer,
        summary="Mark a lesson read",
    )
    def post(self, request: Request, lesson_id: int) -> Response:
        lesson = _visible_lesson(request, lesson_id)
        completed = learning_services.lesson_complete(user=_user(request), lesson=lesson)
        return Response({"lesson": lesson.pk, "course_completed": completed})


class QuizAttemptView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        request=s.AttemptInputSerializer,
        responses={201: s.AttemptResultSerializer},
        summary="Submit an attempt at a quiz",
        description="Every question must be answered. Returns the score, whether it passed, and "
        "per answer whether it was right with its feedback. 409 when no attempts are left.",
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=quiz_id)
        if learning_selectors.access_course(_user(request), quiz.course.slug) is None:
            raise NotFound("No such quiz.")
        data = s.AttemptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = {a["question"]: a["choices"] for a in data.validated_data["answers"]}
        try:
            attempt = learning_services.quiz_attempt_submit(
                user=_user(request), quiz=quiz, answers=answers
            )
        except learning_services.LearningError as exc:
            if "attempts" in str(exc):
                raise Conflict(str(exc)) from None
            raise ValidationError({"answers": [str(exc)]}) from None
        results = [
            {
                "question": r.question.pk,
                "text": r.question.text,
                "is_correct": r.is_correct,
                "choices": [
                    {
                        "id": c.pk,
                        "text": c.text,
                        "picked": picked,
                        "is_correct": c.is_correct,
                        "feedback": c.feedback,
                    }
                    for c, picked in r.feedback
                ],
            }
            for r in learning_services.attempt_results(attempt)
        ]
        body = {
            "id": attempt.pk,
            "quiz": quiz.pk,
            "number": attempt.number,
            "score_percent": attempt.score_percent,
            "passed": attempt.passed,
            "correct_count": attempt.correct_count,
            "question_count": attempt.question_count,
            "results": results,
            "tier": literacy_tier(_user(request)),
        }
        return Response(s.AttemptResultSerializer(body).data, status=status.HTTP_201_CREATED)


# --- Badges and credentials ----------------------------------------------------------------------


class MeView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS, responses=s.LiteracyMeSerializer, summary="Your literacy tier and badges"
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        awards = BadgeAward.objects.filter(user=user).select_related("badge", "user", "awarded_by")
        body = {"username": user.username, "tier": literacy_tier(user), "awards": awards}
        return Response(s.LiteracyMeSerializer(body).data)


class BadgeListView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS, responses=s.BadgeSerializer(many=True), summary="Badges and what earns them"
    )
    def get(self, request: Request) -> Response:
        badges = Badge.objects.filter(is_active=True).prefetch_related(
            "criteria__course", "criteria__required_badge"
        )
        return Response(s.BadgeSerializer(badges, many=True).data)


class AwardListView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "user", str, description="Username (HR only; default: you)", pattern=r"^[^\x00]*$"
            )
        ],
        responses=s.AwardSerializer(many=True),
        summary="Badge awards",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        username = (request.query_params.get("user") or user.username)[:150]
        if "\x00" in username:
            raise ValidationError({"user": ["A username has no NUL characters."]})
        if username != user.username and not user.has_perm("literacy.award_badge"):
            raise PermissionDenied("Only HR sees other people's awards.")
        awards = BadgeAward.objects.filter(user__username=username).select_related(
            "badge", "user", "awarded_by"
        )
        return Response(s.AwardSerializer(awards, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.AwardInputSerializer,
        responses={201: s.AwardSerializer},
        summary="Award a badge by hand (HR; managers to their reports for manager-given badges)",
    )
    def post(self, request: Request) -> Response:
        data = s.AwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        badge = Badge.objects.filter(slug=data.validated_data["badge"]).first()
        recipient = User.objects.filter(
            username=data.validated_data["recipient"], is_active=True
        ).first()
        # A well-formed body naming something that does not exist: 404, saying which.
        if badge is None:
            raise NotFound(f"No badge “{data.validated_data['badge']}” exists.")
        if recipient is None:
            raise NotFound(
                f"No active person has the username “{data.validated_data['recipient']}”."
            )
        try:
            award = badge_award_by_hand(
                actor=_user(request),
                badge=badge,
                recipient=recipient,
                citation=data.validated_data["citation"],
            )
        except BadgeError as exc:
            if "may not" in str(exc):
                raise PermissionDenied(str(exc)) from None
            if "already holds" in str(exc):
                raise Conflict(str(exc)) from None
            raise ValidationError({"citation": [str(exc)]}) from None
        return Response(s.AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardRevokeView(APIView):
    permission_classes = [CanAward]

    @extend_schema(
        tags=TAGS,
        request=s.RevokeInputSerializer,
        responses=s.AwardSerializer,
        summary="Revoke an award",
    )
    def post(self, request: Request, award_id: int) -> Response:
        award = get_object_or_404(BadgeAward.objects.select_related("badge", "user"), pk=award_id)
        data = s.RevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            award = badge_award_revoke(
                actor=_user(request), award=award, reason=data.validated_data["reason"]
            )
        except BadgeError as exc:
            raise Conflict(str(exc)) from None
        return Response(s.AwardSerializer(award).data)


def _verification_body(result: VerificationResult) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "valid": result.is_valid,
        "message": result.message,
        "credential": result.credential,
    }


class CredentialVerifyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        responses=s.VerificationSerializer,
        auth=[],
        summary="Verify an issued credential by its id (public)",
    )
    def get(self, request: Request, credential_id: UUID) -> Response:
        award = get_object_or_404(BadgeAward, credential_id=credential_id)
        return Response(
            s.VerificationSerializer(
                _verification_body(credential_verify(award.credential_jwt))
            ).data
        )


class PresentedCredentialVerifyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        request=s.VerifyInputSerializer,
        responses=s.VerificationSerializer,
        auth=[],
        summary="Verify a presented credential (public)",
        description="Checks the EdDSA signature against this issuer's key, that the credential "
        "was issued here, and the revocation list. status: valid, revoked, tampered or unknown.",
    )
    def post(self, request: Request) -> Response:
        data = s.VerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = credential_verify(data.validated_data["credential"])
        return Response(s.VerificationSerializer(_verification_body(result)).data)


class StatusListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        responses=OpenApiTypes.OBJECT,
        auth=[],
        summary="The revocation status list (BitstringStatusListCredential, public)",
    )
    def get(self, request: Request) -> Response:
        revoked = list(
            BadgeAward.objects.filter(
                revoked_at__isnull=False, status_index__isnull=False
            ).values_list("status_index", flat=True)
        )
        response = Response(status_list_credential([i for i in revoked if i is not None]))
        response["Cache-Control"] = "public, max-age=300"
        return response


class IssuerView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        responses=OpenApiTypes.OBJECT,
        auth=[],
        summary="The issuer profile and its public key (public)",
    )
    def get(self, request: Request) -> Response:
        profile = issuer_profile()
        profile["publicKey"] = badge_signing_key().public_jwk()
        return Response(profile)


# --- Platform events -----------------------------------------------------------------------------


class PlatformEventView(APIView):
    permission_classes = [CanRecordEvents]

    @extend_schema(
        tags=TAGS,
        request=s.PlatformEventInputSerializer,
        responses={201: s.PlatformEventSerializer, 200: s.PlatformEventSerializer},
        summary="Report a platform event for a person (machines; platform admins' tokens)",
        description="Idempotent per (user, kind, ref): 201 when recorded, 200 when it already "
        "was. Badges whose criteria the event completes are awarded at once (listed in "
        "new_awards).",
    )
    def post(self, request: Request) -> Response:
        data = s.PlatformEventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = User.objects.filter(username=values["user"], is_active=True).first()
        if person is None:
            raise NotFound(f"No active person has the username “{values['user']}”.")
        before = set(BadgeAward.objects.filter(user=person).values_list("badge__slug", flat=True))
        event, created = platform_event_record(
            user=person,
            kind=values["kind"],
            ref=values["ref"],
            occurred_at=values["occurred_at"],
            recorded_by=_user(request),
        )
        after = set(BadgeAward.objects.filter(user=person).values_list("badge__slug", flat=True))
        body = {
            "id": event.pk,
            "user": person.username,
            "kind": event.kind,
            "ref": event.ref,
            "occurred_at": event.occurred_at,
            "created": created,
            "new_awards": sorted(after - before),
        }
        return Response(
            s.PlatformEventSerializer(body).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- Community and dashboard ---------------------------------------------------------------------


class LeaderboardView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("period", str, enum=list(PERIODS), description="Default: month")
        ],
        responses=s.LeaderboardSerializer,
        summary="Leaderboard by person (names only of those who opted in) and by department",
    )
    def get(self, request: Request) -> Response:
        period = request.query_params.get("period", "month")
        if period not in PERIODS:
            raise ValidationError({"period": [f"Choose one of: {', '.join(PERIODS)}."]})
        user = _user(request)
        people = person_leaderboard(viewer=user, period=period)
        body = {
            "period": period,
            "viewer_rank": people.viewer_rank,
            "participants": people.participants,
            "top": [r.__dict__ for r in people.top],
            "around_viewer": [r.__dict__ for r in people.around_viewer],
            "departments": [r.__dict__ for r in department_leaderboard(viewer=user, period=period)],
        }
        return Response(s.LeaderboardSerializer(body).data)


def _share(
    department_id: int | None, name: str, counts: dashboard_selectors.TierCounts
) -> dict[str, Any]:
    return {
        "department_id": department_id,
        "department": name,
        "headcount": counts.headcount,
        "bronze": counts.bronze,
        "silver": counts.silver,
        "gold": counts.gold,
        "bronze_percent": counts.bronze_percent,
        "silver_percent": counts.silver_percent,
        "gold_percent": counts.gold_percent,
        "meets_targets": counts.meets_all,
    }


class DashboardView(APIView):
    permission_classes = [CanSeeDashboard]

    @extend_schema(
        tags=TAGS,
        responses=s.DashboardSerializer,
        summary="Literacy by department against targets (HR)",
    )
    def get(self, request: Request) -> Response:
        totals, rows = dashboard_selectors.literacy_progress()
        body = {
            "targets": dashboard_selectors.TARGETS,
            "organisation": _share(None, "Organisation", totals),
            "departments": [_share(r.department.pk, r.department.name, r.counts) for r in rows],
            "trend": dashboard_selectors.trend(),
        }
        return Response(s.DashboardSerializer(body).data)


class BuddyListView(APIView):
    permission_classes = [CanLearn]

    @extend_schema(
        tags=TAGS,
        responses=s.BuddyPairingSerializer(many=True),
        summary="Data-buddy pairings (yours; HR: all)",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        pairings = BuddyPairing.objects.select_related("mentor", "newcomer")
        if not user.has_perm("literacy.assign_buddy"):
            pairings = pairings.filter(Q(mentor=user) | Q(newcomer=user))
        return Response(s.BuddyPairingSerializer(pairings[:500], many=True).data)

    @extend_schema(
        tags=TAGS,
        request=s.BuddyInputSerializer,
        responses={201: s.BuddyPairingSerializer},
        summary="Pair a mentor (Silver or above) with a newcomer for this quarter (HR)",
    )
    def post(self, request: Request) -> Response:
        if not _user(request).has_perm("literacy.assign_buddy"):
            raise PermissionDenied(
                access_hint(
                    page="Pairing data buddies", roles=roles_granting("literacy.assign_buddy")
                )
            )
        data = s.BuddyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        people = {
            u.username: u
            for u in User.objects.filter(
                username__in=[data.validated_data["mentor"], data.validated_data["newcomer"]],
                is_active=True,
            )
        }
        for field in ("mentor", "newcomer"):
            if data.validated_data[field] not in people:
                raise NotFound(
                    f"No active person has the username “{data.validated_data[field]}” ({field})."
                )
        try:
            pairing = buddy_pair(
                actor=_user(request),
                mentor=people[data.validated_data["mentor"]],
                newcomer=people[data.validated_data["newcomer"]],
            )
        except CommunityError as exc:
            raise Conflict(str(exc)) from None
        return Response(s.BuddyPairingSerializer(pairing).data, status=status.HTTP_201_CREATED)
