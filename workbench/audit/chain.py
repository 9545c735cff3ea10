"""The keyed hash chain: how a row's hash is computed and how the chain is checked.

Each row's hash is an HMAC-SHA256, under the audit key named by the row's `key_id`, of its content
and the previous row's hash. Without the key nobody can recompute a rewritten chain; signed
checkpoints kept outside the database (checkpoints.py) catch a chain cut short at the end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from workbench.audit.checkpoints import Checkpoint, CheckpointLog, checkpoint_file, checkpoints_read
from workbench.audit.keys import AuditKeyring, keyring_get
from workbench.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# The sequence number is deliberately not hashed: a row moved to another place keeps a valid own
# hash but breaks the link to its neighbour, which lets verification say "out of order".
HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "outcome",
    "reason",
    "purpose",
    "request_id",
    "ip",
    "detail",
    "prev_hash",
    "key_id",
)


def event_content(event: AuditEvent) -> bytes:
    content: dict[str, Any] = {name: getattr(event, name) for name in HASHED_FIELDS}
    content["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return canonical.encode()


def event_hash(event: AuditEvent, key: bytes) -> str:
    return hmac.new(key, event_content(event), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    # altered | removed | out_of_order | unknown_key | rewritten | truncated | checkpoint
    kind: str
    message: str


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    head_sequence: int
    checkpoints_checked: int
    problem: ChainProblem | None

    @property
    def is_intact(self) -> bool:
        return self.problem is None


ProgressCallback = Callable[[int, int], None]


def chain_verify(
    *,
    checkpoint_files: Sequence[Path] | None = None,
    on_progress: ProgressCallback | None = None,
    progress_every: int = 5000,
) -> ChainReport:
    """Check one consistent snapshot of the chain: every row up to the head as read at the start.

    Checkpoints are read before the head, so a checkpoint written meanwhile is never ahead of the
    snapshot; rows appended meanwhile lie beyond the snapshot and are left to the next check. By
    default the configured checkpoint file is compared; pass files to compare others (or none).
    """
    keyring = keyring_get()
    files = [checkpoint_file()] if checkpoint_files is None else list(checkpoint_files)
    checkpoints = checkpoints_read(files, keyring=keyring)
    head_sequence, head_hash = _head_snapshot()
    if on_progress:
        on_progress(0, head_sequence)
    walk = _ChainWalk(keyring=keyring, anchors=_anchors(checkpoints.authentic))
    rows = AuditEvent.objects.filter(sequence__lte=head_sequence).order_by("sequence")
    problem = walk.run(rows.iterator(chunk_size=2000), head_sequence, on_progress, progress_every)
    problem = (
        problem
        or _tail_problem(walk.last, head_sequence, head_hash)
        or _checkpoint_problem(checkpoints, head_sequence)
    )
    return ChainReport(
        rows_checked=walk.checked,
        head_sequence=head_sequence,
        checkpoints_checked=len(checkpoints.authentic),
        problem=problem,
    )


def chain_head_snapshot() -> tuple[int, str]:
    """(sequence, hash) of the chain's last committed row."""
    return _head_snapshot()


def _head_snapshot() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", "last_hash").first()
    return head if head else (0, GENESIS_HASH)


def _anchors(checkpoints: Iterable[Checkpoint]) -> dict[int, list[Checkpoint]]:
    anchors: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        anchors.setdefault(checkpoint.sequence, []).append(checkpoint)
    return anchors


class _ChainWalk:
    """Walks rows in sequence order, remembering the last good row and how many were checked."""

    def __init__(self, *, keyring: AuditKeyring, anchors: dict[int, list[Checkpoint]]) -> None:
        self.keyring = keyring
        self.anchors = anchors
        self.last: AuditEvent | None = None
        self.checked = 0

    def run(
        self,
        rows: Iterable[AuditEvent],
        total: int,
        on_progress: ProgressCallback | None,
        progress_every: int,
    ) -> ChainProblem | None:
        for event in rows:
            problem = self._row_problem(event) or self._anchor_problem(event)
            if problem:
                return problem
            self.last, self.checked = event, self.checked + 1
            if on_progress and self.checked % progress_every == 0:
                on_progress(self.checked, total)
        return None

    def _row_problem(self, event: AuditEvent) -> ChainProblem | None:
        previous = self.last
        expected_sequence = previous.sequence + 1 if previous else 1
        expected_prev_hash = previous.hash if previous else GENESIS_HASH
        key = self.keyring.key(event.key_id)
        if key is None and not event.key_id:
            return ChainProblem(
                event.sequence,
                "unknown_key",
                f"Row {event.sequence} still carries an unkeyed hash: the chain was already "
                "broken here when it was re-signed with the audit key (see audit.rechained), "
                "or the row was forged.",
            )
        if key is None:
            return ChainProblem(
                event.sequence,
                "unknown_key",
                f"Row {event.sequence} is signed with key {event.key_id!r}, which is not "
                "configured: it was forged, or an old key is missing from the keyring.",
            )
        if not hmac.compare_digest(event_hash(event, key), event.hash):
            return ChainProblem(
                event.sequence, "altered", f"Row {event.sequence} was altered after it was written."
            )
        if event.sequence != expected_sequence:
            return ChainProblem(
                expected_sequence,
                "removed",
                f"Row {expected_sequence} is missing: rows {expected_sequence} to "
                f"{event.sequence - 1} were removed.",
            )
        if event.prev_hash != expected_prev_hash:
            return ChainProblem(
                event.sequence,
                "out_of_order",
                f"Row {event.sequence} does not follow row {expected_sequence - 1}: it was "
                "inserted or moved out of order.",
            )
        return None

    def _anchor_problem(self, event: AuditEvent) -> ChainProblem | None:
        for checkpoint in self.anchors.get(event.sequence, ()):
            if not hmac.compare_digest(checkpoint.hash, event.hash):
                return ChainProblem(
                    event.sequence,
                    "rewritten",
                    f"Row {event.sequence} differs from the checkpoint signed at "
                    f"{checkpoint.time}: the trail was rewritten after that checkpoint.",
                )
        return None


def _tail_problem(
    last: AuditEvent | None, head_sequence: int, head_hash: str
) -> ChainProblem | None:
    last_sequence = last.sequence if last else 0
    if head_sequence > last_sequence:
        return ChainProblem(
            last_sequence + 1,
            "removed",
            f"Rows {last_sequence + 1} to {head_sequence} at the end of the trail were removed.",
        )
    if last and head_hash != last.hash:
        return ChainProblem(
            last.sequence,
            "out_of_order",
            f"Row {last.sequence} is not the row the chain head recorded last.",
        )
    return None


def _checkpoint_problem(checkpoints: CheckpointLog, head_sequence: int) -> ChainProblem | None:
    latest = checkpoints.latest
    if latest and latest.sequence > head_sequence:
        return ChainProblem(
            head_sequence + 1,
            "truncated",
            f"The trail was truncated or rolled back: the checkpoint signed at {latest.time} "
            f"records row {latest.sequence}, but the chain now ends at row {head_sequence}.",
        )
    if checkpoints.problems:
        return ChainProblem(latest.sequence if latest else 0, "checkpoint", checkpoints.problems[0])
    return None
