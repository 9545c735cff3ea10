from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "workbench.scim"
    label = "scim"
    verbose_name = "SCIM provisioning"
