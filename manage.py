#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    from django.core.management import execute_from_command_line

    from workbench.env import settings_load_or_exit

    settings_load_or_exit()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
