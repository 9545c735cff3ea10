"""`manage.py literacy_load_starter`: the starter courses, badges and tips (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from literacy.starter import literacy_starter_load


class Command(BaseCommand):
    help = "Load the starter learning paths, courses, badges and tips (never duplicates)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = literacy_starter_load()
        self.stdout.write(
            f"Starter content ready: {summary.courses_created} courses, "
            f"{summary.badges_created} badges, {summary.tips_created} tips added."
        )
