"""`manage.py audit_verify`: walk the audit chain and report the first broken row (exit 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workbench.audit.chain import chain_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain; exits non-zero at the first altered, removed or "
        "out-of-order row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify(
            on_progress=lambda n: self.stderr.write(f"  checked {n} events…"),
            progress_every=100_000,
        )
        if report.problem is not None:
            raise CommandError(
                f"Audit chain broken after {report.rows_checked} intact events: "
                f"{report.problem.message}"
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.rows_checked} events."))
