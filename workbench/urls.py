"""Top-level URL map: pages per app, the REST API under /api/, health for load balancers."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workbench.accounts.api.views import ApiTokenDetailView, ApiTokenListView, MeView
from workbench.core import views as core_views

admin.site.site_header = "Workbench administration"
admin.site.site_title = "Workbench admin"
admin.site.index_title = "Platform administration"

api_patterns: list[URLPattern | URLResolver] = [
    path("me/", MeView.as_view(), name="api-me"),
    path("tokens/", ApiTokenListView.as_view(), name="api-token-list"),
    path("tokens/<int:pk>/", ApiTokenDetailView.as_view(), name="api-token-detail"),
    path("audit/", include("workbench.audit.api.urls")),
    path("catalog/", include("catalog.api.urls")),
    path("literacy/", include("literacy.api.urls")),
    path("notifications/", include("workbench.notifications.api.urls")),
    path("governance/", include("workbench.governance.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's page carries an inline <style>; only this page may use inline styles.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="core/api_docs.html"
            )
        ),
        name="api-docs",
    ),
]

urlpatterns = [
    path("", include("workbench.core.urls")),
    path("accounts/", include("workbench.accounts.urls")),
    path("accounts/sso/", include("workbench.sso.urls")),
    path("scim/v2/", include("workbench.scim.urls")),
    path("audit/", include("workbench.audit.urls")),
    path("catalog/", include("catalog.urls")),
    path("literacy/", include("literacy.urls")),
    path("notifications/", include("workbench.notifications.urls")),
    path("governance/", include("workbench.governance.urls")),
    path("api/", include(api_patterns)),
    # One sign-in page for everyone, with the same throttling and audit as the rest of the app.
    path("admin/login/", core_views.admin_login_view),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz_view, name="healthz"),
]

handler400 = "workbench.core.views.bad_request_view"
handler403 = "workbench.core.views.permission_denied_view"
handler404 = "workbench.core.views.not_found_view"
handler500 = "workbench.core.views.server_error_view"
