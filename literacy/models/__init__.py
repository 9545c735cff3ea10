"""Literacy models: learning, badges and credentials, community, dashboard snapshots."""

from literacy.models.badges import (
    Badge,
    BadgeAward,
    BadgeCriterion,
    CriterionKind,
    PlatformEvent,
)
from literacy.models.community import BuddyPairing, LearnerProfile, Tip
from literacy.models.learning import (
    TIER_ORDER,
    Choice,
    Course,
    CourseProgress,
    LearningPath,
    Lesson,
    LessonCompletion,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    Tier,
)
from literacy.models.okrs import (
    CheckIn,
    CheckInSource,
    KeyResult,
    KeyResultCategory,
    MetricStatus,
    Objective,
)
from literacy.models.snapshots import LiteracySnapshot

__all__ = [
    "TIER_ORDER",
    "Badge",
    "BadgeAward",
    "BadgeCriterion",
    "BuddyPairing",
    "CheckIn",
    "CheckInSource",
    "Choice",
    "Course",
    "CourseProgress",
    "CriterionKind",
    "KeyResult",
    "KeyResultCategory",
    "LearnerProfile",
    "LearningPath",
    "Lesson",
    "LessonCompletion",
    "LiteracySnapshot",
    "MetricStatus",
    "Objective",
    "PlatformEvent",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizAttempt",
    "Tier",
    "Tip",
]
