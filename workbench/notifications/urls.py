from django.urls import path

from workbench.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read-all/", views.notification_read_all_view, name="read_all"),
    path("<int:notification_id>/open/", views.notification_open_view, name="open"),
    path("<int:notification_id>/read/", views.notification_read_view, name="read"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("webhooks/", views.webhook_add_view, name="webhook_add"),
    path("webhooks/<int:webhook_id>/test/", views.webhook_test_view, name="webhook_test"),
    path("webhooks/<int:webhook_id>/delete/", views.webhook_delete_view, name="webhook_delete"),
    path("webhooks/failing/", views.failing_webhook_list_view, name="failing_webhooks"),
]
