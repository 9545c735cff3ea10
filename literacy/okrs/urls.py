"""OKR pages under /literacy/okrs/ (included by literacy/urls.py, in the "literacy" namespace)."""

from django.urls import URLPattern, URLResolver, path

from literacy.okrs import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.okr_team_list_view, name="okr_teams"),
    path("objectives/new/", views.okr_objective_create_view, name="okr_objective_create"),
    path("objectives/<int:objective_id>/", views.okr_objective_detail_view, name="okr_objective"),
    path(
        "objectives/<int:objective_id>/edit/",
        views.okr_objective_edit_view,
        name="okr_objective_edit",
    ),
    path(
        "objectives/<int:objective_id>/key-results/new/",
        views.okr_key_result_create_view,
        name="okr_key_result_create",
    ),
    path(
        "key-results/<int:key_result_id>/",
        views.okr_key_result_detail_view,
        name="okr_key_result",
    ),
    path(
        "key-results/<int:key_result_id>/edit/",
        views.okr_key_result_edit_view,
        name="okr_key_result_edit",
    ),
    path(
        "key-results/<int:key_result_id>/check-ins/",
        views.okr_check_in_view,
        name="okr_check_in",
    ),
]
