from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _schedules_after_migrate(**kwargs: Any) -> None:
    from workbench.core.schedules import schedules_ensure

    schedules_ensure(using=kwargs.get("using", "default"))


class CoreConfig(AppConfig):
    name = "workbench.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from workbench.core import worker  # noqa: F401  registers the worker heartbeat bootstep
        from workbench.core.middleware import request_context_clear_on_finish

        post_migrate.connect(_schedules_after_migrate, sender=self)
        request_finished.connect(request_context_clear_on_finish, dispatch_uid="core.request_ctx")
