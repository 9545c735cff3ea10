"""`manage.py audit_verify`: check the audit chain and its checkpoints; exit 1 on any break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workbench.audit.chain import chain_verify
from workbench.audit.checkpoints import checkpoint_file


class Command(BaseCommand):
    help = (
        "Check the audit trail's keyed hash chain up to its current head and compare it with the "
        "signed checkpoints; exits non-zero at the first altered, removed, out-of-order or "
        "rolled-back row, or at a forged checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            action="append",
            type=Path,
            default=[],
            metavar="FILE",
            help="Also compare with this checkpoint file, e.g. a copy fetched from the off-site "
            "sink (repeatable).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = [checkpoint_file(), *options["checkpoints"]]
        report = chain_verify(
            checkpoint_files=files,
            on_progress=self._progress,
            progress_every=100_000,
        )
        if report.problem is not None:
            raise CommandError(
                f"Audit chain broken after {report.rows_checked} intact events: "
                f"{report.problem.message}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.rows_checked} events (rows 1 to "
                f"{report.head_sequence}), consistent with {report.checkpoints_checked} "
                "signed checkpoints."
            )
        )

    def _progress(self, checked: int, total: int) -> None:
        if checked:
            self.stderr.write(f"  checked {checked} of {total} events…")
