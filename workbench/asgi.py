"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from workbench.env import settings_load_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
settings_load_or_exit()

application = get_asgi_application()
