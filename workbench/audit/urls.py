from django.urls import path

from workbench.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_event_list_view, name="event_list"),
    path("export.<str:fmt>", views.audit_export_view, name="export"),
    path("verifications/", views.audit_verification_start_view, name="verification_start"),
    path(
        "verifications/<int:verification_id>/",
        views.audit_verification_status_view,
        name="verification_status",
    ),
]
