"""Serializers of the literacy API; the right answers are told only once an attempt is marked."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from literacy.models import (
    Badge,
    BadgeAward,
    BadgeCriterion,
    BuddyPairing,
    Choice,
    Course,
    Lesson,
    Question,
    Quiz,
)

PLATFORM_EVENT_KIND_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
# Text without NUL characters (which the database cannot store); stated in the schema too.
NO_NUL = r"^[^\x00]*$"


def text_field(**kwargs: Any) -> serializers.RegexField:
    """A CharField whose schema says what it accepts: any text except NUL characters."""
    return serializers.RegexField(NO_NUL, **kwargs)


class CourseSummarySerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    tier = serializers.CharField(help_text="Learning path: bronze, silver or gold.")
    estimated_minutes = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    quizzes_total = serializers.IntegerField()
    quizzes_passed = serializers.IntegerField()
    percent = serializers.IntegerField()
    is_completed = serializers.BooleanField()
    resume_lesson_id = serializers.IntegerField(allow_null=True)


class ChoicePublicSerializer(serializers.ModelSerializer[Choice]):
    class Meta:
        model = Choice
        fields = ["id", "text"]


class QuestionPublicSerializer(serializers.ModelSerializer[Question]):
    choices = ChoicePublicSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "text", "kind", "choices"]


class QuizPublicSerializer(serializers.ModelSerializer[Quiz]):
    questions = QuestionPublicSerializer(many=True, read_only=True)

    class Meta:
        model = Quiz
        fields = ["id", "title", "pass_mark_percent", "max_attempts", "questions"]


class LessonSerializer(serializers.ModelSerializer[Lesson]):
    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "body_markdown"]


class CourseDetailSerializer(serializers.ModelSerializer[Course]):
    tier = serializers.CharField(source="path.tier", read_only=True)
    lessons = LessonSerializer(many=True, read_only=True)
    quizzes = QuizPublicSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["slug", "title", "summary", "tier", "estimated_minutes", "lessons", "quizzes"]


class LessonCompleteResultSerializer(serializers.Serializer[Any]):
    lesson = serializers.IntegerField()
    course_completed = serializers.BooleanField()


class AnswerSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=20,
    )


class AttemptInputSerializer(serializers.Serializer[Any]):
    answers = AnswerSerializer(many=True, max_length=200)  # type: ignore[call-arg]


class ChoiceFeedbackSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    picked = serializers.BooleanField()
    is_correct = serializers.BooleanField()
    feedback = serializers.CharField()


class QuestionResultSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField()
    text = serializers.CharField()
    is_correct = serializers.BooleanField()
    choices = ChoiceFeedbackSerializer(many=True)


class AttemptResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    number = serializers.IntegerField()
    score_percent = serializers.IntegerField()
    passed = serializers.BooleanField()
    correct_count = serializers.IntegerField()
    question_count = serializers.IntegerField()
    results = QuestionResultSerializer(many=True)
    tier = serializers.CharField()


class CriterionSerializer(serializers.ModelSerializer[BadgeCriterion]):
    course: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    required_badge: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = BadgeCriterion
        fields = [
            "kind",
            "course",
            "quiz",
            "required_badge",
            "event_kind",
            "min_count",
            "awarder_role",
        ]


class BadgeSerializer(serializers.ModelSerializer[Badge]):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Badge
        fields = ["slug", "name", "description", "criteria_narrative", "tier", "points", "criteria"]


class AwardSerializer(serializers.ModelSerializer[BadgeAward]):
    badge: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    awarded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    is_revoked = serializers.BooleanField(read_only=True)
    verification_url = serializers.SerializerMethodField()
    credential_jwt = serializers.CharField(read_only=True)

    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "badge",
            "user",
            "awarded_at",
            "awarded_by",
            "citation",
            "credential_id",
            "is_revoked",
            "revoked_at",
            "revocation_reason",
            "verification_url",
            "credential_jwt",
        ]

    def get_verification_url(self, award: BadgeAward) -> str:
        from django.urls import reverse

        from literacy.credentials import public_url

        return public_url(reverse("literacy:credential", args=[award.credential_id]))


class AwardInputSerializer(serializers.Serializer[Any]):
    badge = serializers.SlugField(max_length=80)
    recipient = text_field(max_length=150, help_text="Username of the person.")
    citation = text_field(max_length=2000)


class RevokeInputSerializer(serializers.Serializer[Any]):
    reason = text_field(max_length=1000)


class LiteracyMeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    tier = serializers.CharField(help_text="Literacy tier: none, bronze, silver or gold.")
    awards = AwardSerializer(many=True)


class VerifyInputSerializer(serializers.Serializer[Any]):
    credential = text_field(max_length=20000, help_text="The VC-JWT (compact JWS).")


class VerificationSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(help_text="valid, revoked, tampered or unknown.")
    valid = serializers.BooleanField()
    message = serializers.CharField()
    credential = serializers.JSONField(allow_null=True, help_text="The verified credential.")


class PlatformEventInputSerializer(serializers.Serializer[Any]):
    user = text_field(max_length=150, help_text="Username of the person who did it.")
    kind = serializers.RegexField(
        PLATFORM_EVENT_KIND_PATTERN,
        max_length=64,
        help_text="Dotted lower-case name, e.g. sandbox.prompt_run.",
    )
    ref = text_field(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="What the event is about (e.g. the run's id); one event per (user, kind, ref).",
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PlatformEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    user = serializers.CharField()
    kind = serializers.CharField()
    ref = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    created = serializers.BooleanField(help_text="False when the same event was already recorded.")
    new_awards = serializers.ListField(child=serializers.CharField())


class LeaderboardRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    points = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    is_viewer = serializers.BooleanField()


class DepartmentRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    department = serializers.CharField()
    members = serializers.IntegerField()
    points = serializers.IntegerField()
    points_per_member = serializers.FloatField()


class LeaderboardSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    viewer_rank = serializers.IntegerField(allow_null=True)
    participants = serializers.IntegerField()
    top = LeaderboardRowSerializer(many=True)
    around_viewer = LeaderboardRowSerializer(many=True)
    departments = DepartmentRowSerializer(many=True)


class TierShareSerializer(serializers.Serializer[Any]):
    department_id = serializers.IntegerField(allow_null=True)
    department = serializers.CharField()
    headcount = serializers.IntegerField()
    bronze = serializers.IntegerField()
    silver = serializers.IntegerField()
    gold = serializers.IntegerField()
    bronze_percent = serializers.FloatField()
    silver_percent = serializers.FloatField()
    gold_percent = serializers.FloatField()
    meets_targets = serializers.BooleanField()


class TrendPointSerializer(serializers.Serializer[Any]):
    taken_on = serializers.DateField()
    headcount = serializers.IntegerField()
    at_least_bronze = serializers.IntegerField()
    at_least_silver = serializers.IntegerField()
    at_least_gold = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer[Any]):
    targets = serializers.DictField(child=serializers.IntegerField())
    organisation = TierShareSerializer()
    departments = TierShareSerializer(many=True)
    trend = TrendPointSerializer(many=True)


class BuddyPairingSerializer(serializers.ModelSerializer[BuddyPairing]):
    mentor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    newcomer: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = BuddyPairing
        fields = ["id", "mentor", "newcomer", "quarter_start", "quarter_end", "ended_at"]


class BuddyInputSerializer(serializers.Serializer[Any]):
    mentor = text_field(max_length=150)
    newcomer = text_field(max_length=150)
