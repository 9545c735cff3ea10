"""Governance pages (/governance/). Each area adds its routes here."""

from django.urls import URLPattern, URLResolver, path

from workbench.governance.views import data as data_views
from workbench.governance.views import grants as grant_views
from workbench.governance.views import heatmap, overview, policies, simulator
from workbench.governance.views import masking as masking_views
from workbench.governance.views import requests as request_views

app_name = "governance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", overview.governance_overview_view, name="overview"),
    path("decisions/", overview.decision_list_view, name="decision_list"),
    path("policies/", policies.policy_list_view, name="policy_list"),
    path("policies/<int:policy_id>/", policies.policy_detail_view, name="policy_detail"),
    path("policies/<int:policy_id>/diff/", policies.policy_diff_view, name="policy_diff"),
    path("policies/<int:policy_id>/edit/", policies.policy_edit_view, name="policy_edit"),
    path("simulator/", simulator.simulator_view, name="simulator"),
    path("simulator/users/", simulator.simulator_user_options_view, name="simulator_users"),
    path("simulator/assets/", simulator.simulator_asset_options_view, name="simulator_assets"),
    path("heatmap/", heatmap.heatmap_view, name="heatmap"),
    path("requests/", request_views.request_list_view, name="request_list"),
    path("requests/queue/", request_views.request_queue_view, name="request_queue"),
    path(
        "requests/new/<int:asset_id>/",
        request_views.request_create_view,
        name="request_create",
    ),
    path("requests/<int:request_id>/", request_views.request_detail_view, name="request_detail"),
    path(
        "requests/<int:request_id>/cancel/",
        request_views.request_cancel_view,
        name="request_cancel",
    ),
    path(
        "requests/<int:request_id>/<str:decision>/",
        request_views.request_decide_view,
        name="request_decide",
    ),
    path("grants/", grant_views.grant_list_view, name="grant_list"),
    path("masking/", masking_views.masking_overview_view, name="masking"),
    path("masking/detokenize/", masking_views.detokenize_view, name="detokenize"),
    path("data/assets/<int:asset_id>/export/", data_views.asset_export_view, name="asset_export"),
    path("grants/<int:grant_id>/revoke/", grant_views.grant_revoke_view, name="grant_revoke"),
]
