"""`manage.py audit_checkpoint`: sign the audit chain's head now and append it to the sinks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from workbench.audit.checkpoints import checkpoint_sinks_describe
from workbench.audit.services import audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of the audit chain's head outside the database (the checkpoint "
        "directory, and the checkpoint command when one is configured)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = audit_checkpoint_write(trigger="command")
        if checkpoint is None:
            raise CommandError("The checkpoint could not be written; see the log and the trail.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of row {checkpoint.sequence} ({checkpoint.hash[:12]}…) written to "
                f"{checkpoint_sinks_describe()}."
            )
        )
