"""Notifications API routes under /api/notifications/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from workbench.notifications.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("webhooks", views.ChatWebhookViewSet, basename="notifications-webhook")
router.register("", views.NotificationViewSet, basename="notifications-notification")

urlpatterns: list[URLPattern | URLResolver] = [
    path("preferences/", views.PreferencesView.as_view(), name="api-notifications-preferences"),
    path(
        "failing-webhooks/",
        views.FailingWebhookListView.as_view(),
        name="api-notifications-failing-webhooks",
    ),
    *router.urls,
]
