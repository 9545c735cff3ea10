from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "workbench.sso"
    label = "sso"
    verbose_name = "Single sign-on"
