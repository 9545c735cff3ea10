from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "workbench.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from workbench.accounts import receivers

        # Roles need every app's permissions, which exist only after the whole migrate run; this
        # is the hook Django itself uses to create permissions.
        post_migrate.connect(receivers.roles_sync_after_migrate, sender=self)
        receivers.connect_auth_audit()
