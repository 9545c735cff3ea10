from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "workbench.notifications"
    label = "notifications"
    verbose_name = "Notifications"
