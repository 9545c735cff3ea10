"""OKR API routes (mounted under /api/literacy/okrs/)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from literacy.okrs import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("objectives", api.ObjectiveViewSet, basename="okr-objective")
router.register("key-results", api.KeyResultViewSet, basename="okr-key-result")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "objectives/<int:objective_id>/key-results/",
        api.ObjectiveKeyResultsView.as_view(),
        name="okr-objective-key-results",
    ),
    path(
        "key-results/<int:key_result_id>/check-ins/",
        api.CheckInListView.as_view(),
        name="okr-check-ins",
    ),
    path("teams/", api.TeamListView.as_view(), name="okr-teams"),
    path("data-ai-check/", api.DataAiCheckView.as_view(), name="okr-data-ai-check"),
    path("metrics/", api.MetricListView.as_view(), name="okr-metrics"),
    *router.urls,
]
