"""Literacy pages under /literacy/ (learning, badges, community, HR dashboard, authoring)."""

from django.urls import URLPattern, URLResolver, include, path

from literacy.views import authoring, badges, community, dashboard, learning

app_name = "literacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", learning.learning_home_view, name="home"),
    path("courses/<slug:slug>/", learning.course_detail_view, name="course"),
    path("courses/<slug:slug>/lessons/<int:lesson_id>/", learning.lesson_view, name="lesson"),
    path("quizzes/<int:quiz_id>/", learning.quiz_view, name="quiz"),
    path("quizzes/<int:quiz_id>/attempts/<int:attempt_id>/", learning.attempt_view, name="attempt"),
    path("badges/", badges.badge_list_view, name="badge_list"),
    path("badges/award/", badges.award_create_view, name="award_create"),
    path("badges/<slug:slug>/", badges.badge_detail_view, name="badge_detail"),
    path("badges/<slug:slug>/image.svg", badges.badge_image_view, name="badge_image"),
    path("awards/<int:award_id>/credential.svg", badges.award_download_view, name="award_download"),
    path("awards/<int:award_id>/credential.jwt", badges.award_jwt_view, name="award_jwt"),
    path("awards/<int:award_id>/revoke/", badges.award_revoke_view, name="award_revoke"),
    path("credentials/<uuid:credential_id>/", badges.credential_view, name="credential"),
    path("verify/", badges.verify_view, name="verify"),
    path("leaderboard/", community.leaderboard_view, name="leaderboard"),
    path(
        "leaderboard/preference/",
        community.leaderboard_preference_view,
        name="leaderboard_preference",
    ),
    path("buddies/", community.buddy_manage_view, name="buddy_manage"),
    path("buddies/<int:pairing_id>/end/", community.buddy_end_view, name="buddy_end"),
    path("buddies/<str:username>/", community.buddy_view, name="buddy"),
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("dashboard/export.csv", dashboard.dashboard_export_view, name="dashboard_export"),
    path(
        "dashboard/departments/<int:department_id>/",
        dashboard.dashboard_department_view,
        name="dashboard_department",
    ),
    path("manage/", authoring.manage_view, name="manage"),
    path("manage/courses/new/", authoring.course_edit_view, name="course_create"),
    path("manage/courses/<slug:slug>/", authoring.course_edit_view, name="course_manage"),
    path(
        "manage/courses/<slug:slug>/lessons/new/", authoring.lesson_edit_view, name="lesson_create"
    ),
    path(
        "manage/courses/<slug:slug>/lessons/<int:lesson_id>/",
        authoring.lesson_edit_view,
        name="lesson_manage",
    ),
    path("manage/courses/<slug:slug>/quizzes/new/", authoring.quiz_edit_view, name="quiz_create"),
    path(
        "manage/courses/<slug:slug>/quizzes/<int:quiz_id>/",
        authoring.quiz_edit_view,
        name="quiz_manage",
    ),
    path(
        "manage/quizzes/<int:quiz_id>/questions/new/",
        authoring.question_edit_view,
        name="question_create",
    ),
    path(
        "manage/quizzes/<int:quiz_id>/questions/<int:question_id>/",
        authoring.question_edit_view,
        name="question_manage",
    ),
    # helper 7 (OKRs) adds its routes below.
    path("okrs/", include("literacy.okrs.urls")),
]
