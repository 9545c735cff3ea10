"""Load the Rego documents of policies/ into the database as new policy versions.

Only changed documents get a new version; the whole folder is checked as one set first (parse,
compile, Rego unit tests) and nothing is saved when any document is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workbench.governance.policy.documents import policies_dir, policies_load


class Command(BaseCommand):
    help = "Load policies/*.rego as new policy versions (refused with line and reason if invalid)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            default="",
            help="Folder of .rego files (default: policies/).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]) if options["directory"] else policies_dir()
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        report = policies_load(directory=directory, loaded_from="command")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"refused  {problem}")
            raise CommandError(
                f"{len(report.problems)} problem(s) in {directory}; nothing was loaded."
            )
        for path in report.created:
            self.stdout.write(f"loaded    {path}")
        for path in report.unchanged:
            self.stdout.write(f"unchanged {path}")
        self.stdout.write(
            f"{len(report.created)} new version(s), {len(report.unchanged)} unchanged."
        )
