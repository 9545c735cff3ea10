"""Literacy API routes under /api/literacy/."""

from django.urls import URLPattern, URLResolver, include, path

from literacy.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("courses/", views.CourseListView.as_view(), name="literacy-course-list"),
    path("courses/<slug:slug>/", views.CourseDetailView.as_view(), name="literacy-course-detail"),
    path(
        "lessons/<int:lesson_id>/complete/",
        views.LessonCompleteView.as_view(),
        name="literacy-lesson-complete",
    ),
    path(
        "quizzes/<int:quiz_id>/attempts/",
        views.QuizAttemptView.as_view(),
        name="literacy-quiz-attempts",
    ),
    path("me/", views.MeView.as_view(), name="literacy-me"),
    path("badges/", views.BadgeListView.as_view(), name="literacy-badge-list"),
    path("awards/", views.AwardListView.as_view(), name="literacy-award-list"),
    path(
        "awards/<int:award_id>/revoke/",
        views.AwardRevokeView.as_view(),
        name="literacy-award-revoke",
    ),
    path(
        "credentials/verify/",
        views.PresentedCredentialVerifyView.as_view(),
        name="literacy-credential-verify",
    ),
    path(
        "credentials/<uuid:credential_id>/",
        views.CredentialVerifyView.as_view(),
        name="literacy-credential",
    ),
    path("status-list/", views.StatusListView.as_view(), name="literacy-status-list"),
    path("issuer/", views.IssuerView.as_view(), name="literacy-issuer"),
    path("events/", views.PlatformEventView.as_view(), name="literacy-events"),
    path("leaderboard/", views.LeaderboardView.as_view(), name="literacy-leaderboard"),
    path("dashboard/", views.DashboardView.as_view(), name="literacy-dashboard"),
    path("buddies/", views.BuddyListView.as_view(), name="literacy-buddies"),
    # helper 7 (OKRs) adds its routes below.
    path("okrs/", include("literacy.okrs.api_urls")),
]
