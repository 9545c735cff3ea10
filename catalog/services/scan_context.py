"""What a scan run carries from phase to phase: its source, engine, snapshot, counts and log."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from catalog.models import (
    Asset,
    DataSource,
    ScanLogEntry,
    ScanRun,
    ScanStatus,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from catalog.scans.connectors import ConnectionSpec
    from catalog.scans.snapshot import SourceSnapshot, TableSnapshot

Key = tuple[str, str]  # (schema, table name)


class ScanAbandoned(Exception):
    """The run is no longer ours (marked failed as stale meanwhile): stop without writing."""


@dataclass
class ScanContext:
    """What one run carries from phase to phase."""

    run: ScanRun
    source: DataSource
    spec: ConnectionSpec
    engine: Engine | None = None
    snapshot: SourceSnapshot | None = None
    assets: dict[Key, Asset] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    steps_done: int = 0
    phase_count: int = 1  # progress_total is tables × phases

    @property
    def tables(self) -> tuple[TableSnapshot, ...]:
        return self.snapshot.tables if self.snapshot else ()

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        scan_log(self.run.pk, ScanLogEntry.Level.WARNING, message)

    def info(self, message: str) -> None:
        scan_log(self.run.pk, ScanLogEntry.Level.INFO, message)

    def step(self, phase: str, steps: int = 1) -> None:
        """Count progress and prove we are alive; stop if the run was taken from us."""
        self.steps_done += steps
        updated = ScanRun.objects.filter(pk=self.run.pk, status=ScanStatus.RUNNING).update(
            phase=phase,
            progress_done=self.steps_done,
            counts=dict(self.counts),
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise ScanAbandoned(f"Run {self.run.pk} is no longer running.")


def jsonable(value: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return loaded


def scan_log(run_id: int, level: str, message: str) -> None:
    ScanLogEntry.objects.create(run_id=run_id, level=level, message=message[:4000])


def error_text(exc: Exception) -> str:
    from catalog.scans.connectors import redact

    return redact(str(exc)) or type(exc).__name__
