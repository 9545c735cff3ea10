from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "workbench.governance"
    label = "governance"
    verbose_name = "Access governance"
