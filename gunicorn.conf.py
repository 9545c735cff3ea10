"""Gunicorn reads this file by default when started from the project folder.

It checks the settings once in the master process, before any worker boots: a bad value then ends
gunicorn with one line naming the variable and exit status 2, instead of workers failing to boot
over and over.
"""

from typing import Any

wsgi_app = "workbench.wsgi:application"


def on_starting(server: Any) -> None:
    import os

    from workbench.env import settings_load_or_exit

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    settings_load_or_exit()
