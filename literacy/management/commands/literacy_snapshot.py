"""`manage.py literacy_snapshot`: record today's literacy counts now (the beat does it nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from literacy.services.snapshots import literacy_snapshot_take


class Command(BaseCommand):
    help = "Record today's share of people at each literacy tier, per department and overall."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = literacy_snapshot_take()
        self.stdout.write(f"Literacy snapshot recorded ({rows} rows).")
