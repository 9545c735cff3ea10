from django.urls import path

from workbench.audit.api import views

urlpatterns = [
    path("events/", views.AuditEventListView.as_view(), name="api-audit-event-list"),
    path("events/<int:pk>/", views.AuditEventDetailView.as_view(), name="api-audit-event-detail"),
    path(
        "verifications/",
        views.AuditVerificationListView.as_view(),
        name="api-audit-verification-list",
    ),
    path(
        "verifications/<int:pk>/",
        views.AuditVerificationDetailView.as_view(),
        name="api-audit-verification-detail",
    ),
]
