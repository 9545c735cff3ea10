"""Learning content (paths, courses, lessons, quizzes) and each learner's progress through it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Tier(models.TextChoices):
    """The rungs of the literacy ladder, lowest first."""

    BRONZE = "bronze", "Bronze (Awareness)"
    SILVER = "silver", "Silver (Proficiency)"
    GOLD = "gold", "Gold (Fluency)"


TIER_ORDER: dict[str, int] = {"none": 0, Tier.BRONZE: 1, Tier.SILVER: 2, Tier.GOLD: 3}


class LearningPath(models.Model):
    """The courses that lead to one tier of the ladder (Awareness, Proficiency, Fluency)."""

    tier = models.CharField(max_length=8, choices=Tier.choices, unique=True)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=[t.value for t in Tier]), name="learningpath_tier_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """A course on a learning path: lessons to read, then quizzes to pass."""

    path = models.ForeignKey(LearningPath, on_delete=models.PROTECT, related_name="courses")
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=160)
    summary = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    estimated_minutes = models.PositiveSmallIntegerField(default=15)
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path_id", "position", "pk"]
        permissions = [
            ("take_course", "Can take literacy courses and quizzes"),
            ("author_course", "Can author literacy courses, lessons and quizzes"),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    """One page of a course, written in Markdown by HR / L&D."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    body_markdown = models.TextField()

    class Meta:
        ordering = ["course_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    """A quiz that closes a course: passed when the score reaches the pass mark."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=160)
    position = models.PositiveSmallIntegerField(default=0)
    pass_mark_percent = models.PositiveSmallIntegerField(default=70)
    max_attempts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty means unlimited attempts."
    )

    class Meta:
        ordering = ["course_id", "position", "pk"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100),
                name="quiz_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1),
                name="quiz_max_attempts_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"


class Question(models.Model):
    """A question of a quiz; multiple-choice questions are right only when every pick is."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)

    class Meta:
        ordering = ["quiz_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in QuestionKind]), name="question_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    """An answer to pick, with the feedback shown once the attempt is marked."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    feedback = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["question_id", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class CourseProgress(models.Model):
    """Where one learner is in one course: started, the last lesson opened, completed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_progress"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(default=timezone.now)
    last_lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        verbose_name_plural = "course progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="courseprogress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"


class LessonCompletion(models.Model):
    """A learner marked a lesson as read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lessoncompletion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.lesson}"


class QuizAttempt(models.Model):
    """One submitted attempt at a quiz, marked on submission; `answers`: question id -> picks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)
    correct_count = models.PositiveSmallIntegerField(default=0)
    question_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(default=0)
    passed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="quizattempt_unique"),
            models.CheckConstraint(
                condition=Q(score_percent__lte=100), name="quizattempt_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.quiz} #{self.number}"
