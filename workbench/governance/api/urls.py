"""Governance API routes (/api/governance/). Each area adds its routes here."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from workbench.governance.api import data as data_api
from workbench.governance.api import metrics as metrics_api
from workbench.governance.api import policies as policy_api
from workbench.governance.api import requests as request_api
from workbench.governance.api import simulator as simulator_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("metrics/", metrics_api.MetricsView.as_view(), name="api-governance-metrics"),
    path("policies/", policy_api.PolicyListView.as_view(), name="api-governance-policy-list"),
    path(
        "policies/<int:pk>/",
        policy_api.PolicyDetailView.as_view(),
        name="api-governance-policy-detail",
    ),
    path(
        "policies/<int:pk>/versions/",
        policy_api.PolicyVersionListView.as_view(),
        name="api-governance-policy-versions",
    ),
    path(
        "policies/<int:pk>/versions/<int:number>/",
        policy_api.PolicyVersionDetailView.as_view(),
        name="api-governance-policy-version-detail",
    ),
    path(
        "policies/<int:pk>/diff/",
        policy_api.PolicyDiffView.as_view(),
        name="api-governance-policy-diff",
    ),
    path(
        "simulator/decision/",
        simulator_api.SimulatorDecisionView.as_view(),
        name="api-governance-simulator-decision",
    ),
    path(
        "simulator/who/",
        simulator_api.SimulatorWhoView.as_view(),
        name="api-governance-simulator-who",
    ),
    path(
        "simulator/what/",
        simulator_api.SimulatorWhatView.as_view(),
        name="api-governance-simulator-what",
    ),
    path("heatmap/", simulator_api.HeatmapView.as_view(), name="api-governance-heatmap"),
    path("decisions/", metrics_api.DecisionListView.as_view(), name="api-governance-decisions"),
]

# Access requests and grants (viewsets: list, retrieve, create, approve/deny/cancel, revoke).
request_router = DefaultRouter(trailing_slash=True)
request_router.include_root_view = False
request_router.register(
    "requests", request_api.AccessRequestViewSet, basename="api-governance-request"
)
request_router.register("grants", request_api.GrantViewSet, basename="api-governance-grant")
urlpatterns += request_router.urls

# The governed data path: preview, query rows, CSV export, detokenise.
urlpatterns += [
    path(
        "data/assets/<int:asset_id>/preview/",
        data_api.AssetPreviewView.as_view(),
        name="api-governance-data-preview",
    ),
    path(
        "data/assets/<int:asset_id>/rows/",
        data_api.AssetRowsView.as_view(),
        name="api-governance-data-rows",
    ),
    path(
        "data/assets/<int:asset_id>/export/",
        data_api.AssetExportView.as_view(),
        name="api-governance-data-export",
    ),
    path(
        "data/detokenize/",
        data_api.DetokenizeView.as_view(),
        name="api-governance-data-detokenize",
    ),
]
