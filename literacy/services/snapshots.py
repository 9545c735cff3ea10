"""Writes for the dashboard trend: a daily snapshot of tier counts, per department and overall."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from literacy.dashboard import literacy_progress
from literacy.models import LiteracySnapshot


def literacy_snapshot_take(*, day: date | None = None) -> int:
    """Record today's counts (idempotent: taking it again the same day replaces that day's rows).

    Returns the number of rows written.
    """
    day = day or timezone.localdate()
    totals, rows = literacy_progress()
    with transaction.atomic():
        LiteracySnapshot.objects.filter(taken_on=day).delete()
        snapshots = [
            LiteracySnapshot(
                taken_on=day,
                department=None,
                headcount=totals.headcount,
                at_least_bronze=totals.bronze,
                at_least_silver=totals.silver,
                at_least_gold=totals.gold,
            ),
            *(
                LiteracySnapshot(
                    taken_on=day,
                    department=row.department,
                    headcount=row.counts.headcount,
                    at_least_bronze=row.counts.bronze,
                    at_least_silver=row.counts.silver,
                    at_least_gold=row.counts.gold,
                )
                for row in rows
            ),
        ]
        LiteracySnapshot.objects.bulk_create(snapshots)
    return len(snapshots)
