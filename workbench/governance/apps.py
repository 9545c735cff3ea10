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

        from workbench.governance.policy.documents import policies_after_migrate

        # The shipped policies/ folder is installed into a fresh database (and after a test
        # flush), unaudited: the trail starts with people. A later empty database is filled by
        # the first decision, audited.
        post_migrate.connect(policies_after_migrate, sender=self)
