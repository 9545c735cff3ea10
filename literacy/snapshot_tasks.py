"""Celery tasks of the HR dashboard (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

from literacy.services.snapshots import literacy_snapshot_take


@shared_task(name="literacy.snapshot_take", time_limit=600, soft_time_limit=590)
def literacy_snapshot_task() -> int:
    """Record today's literacy counts for the HR dashboard's trend."""
    return literacy_snapshot_take()
