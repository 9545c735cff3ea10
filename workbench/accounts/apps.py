from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "workbench.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.apps import apps

        from workbench.accounts import receivers
        from workbench.accounts.api import schema  # noqa: F401  (registers the token auth docs)

        # The admin index groups models by app; name this third-party app in the product's words.
        apps.get_app_config("axes").verbose_name = "Sign-in lockouts"

        # Roles need every app's permissions, which exist only after the whole migrate run; this
        # is the hook Django itself uses to create permissions.
        post_migrate.connect(receivers.roles_sync_after_migrate, sender=self)
        receivers.connect_auth_audit()
