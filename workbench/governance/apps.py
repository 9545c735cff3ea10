from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GovernanceConfig(AppConfig):
    name = "workbench.governance"
    label = "governance"
    verbose_name = "Access governance"

    def ready(self) -> None:
        from workbench.governance.masking_defaults import masking_rules_after_migrate

        # Default masking rules exist on every fresh install and after a test flush.
        post_migrate.connect(masking_rules_after_migrate, sender=self)
        # The shipped policies/ folder is loaded into an empty database by the first decision
        # (policy.engine), audited like any load: not at migrate, so a fresh database's audit
        # trail starts with what people did.
