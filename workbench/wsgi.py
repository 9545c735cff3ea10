"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from workbench.env import settings_load_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
settings_load_or_exit()

application = get_wsgi_application()
