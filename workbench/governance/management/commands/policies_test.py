"""Run the Rego unit tests (`test_*` rules of policies/*.rego) as `opa test` would, and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workbench.governance.policy.documents import folder_sources, policies_dir
from workbench.governance.policy.rego import PolicyCompileError, run_tests


class Command(BaseCommand):
    help = "Run the Rego unit tests of the policies folder ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", dest="directory", default="", help="Default: policies/.")
        parser.add_argument("--list", dest="list_all", action="store_true", help="List every test.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]) if options["directory"] else policies_dir()
        try:
            results = run_tests(folder_sources(directory))
        except PolicyCompileError as error:
            for problem in error.problems:
                self.stderr.write(f"error {problem}")
            raise CommandError("The policies do not compile.") from None
        failed = [result for result in results if not result.passed]
        for result in results:
            if options["list_all"] or not result.passed:
                status = "PASS" if result.passed else "FAIL"
                note = f"  ({result.message})" if result.message else ""
                self.stdout.write(f"{status} {result.path}: {result.name}{note}")
        self.stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed.")
        if failed:
            raise CommandError(f"{len(failed)} Rego test(s) failed.")
