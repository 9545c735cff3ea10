"""The hash chain: how a row's hash is computed and how the whole chain is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

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
)


def event_hash(event: AuditEvent) -> str:
    content: dict[str, Any] = {name: getattr(event, name) for name in HASHED_FIELDS}
    content["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    kind: str  # altered | removed | out_of_order | truncated
    message: str


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    problem: ChainProblem | None

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def chain_verify(
    *, on_progress: Callable[[int], None] | None = None, progress_every: int = 5000
) -> ChainReport:
    """Walk the chain in sequence order and report the first row that breaks it."""
    previous: AuditEvent | None = None
    checked = 0
    events: Iterable[AuditEvent] = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    for event in events:
        problem = _row_problem(event, previous)
        if problem:
            return ChainReport(rows_checked=checked, problem=problem)
        previous, checked = event, checked + 1
        if on_progress and checked % progress_every == 0:
            on_progress(checked)
    return ChainReport(rows_checked=checked, problem=_tail_problem(previous))


def _row_problem(event: AuditEvent, previous: AuditEvent | None) -> ChainProblem | None:
    expected_sequence = previous.sequence + 1 if previous else 1
    expected_prev_hash = previous.hash if previous else GENESIS_HASH
    if event_hash(event) != event.hash:
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
            f"Row {event.sequence} does not follow row {expected_sequence - 1}: it was inserted "
            "or moved out of order.",
        )
    return None


def _tail_problem(last: AuditEvent | None) -> ChainProblem | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    last_sequence = last.sequence if last else 0
    if head_sequence > last_sequence:
        return ChainProblem(
            last_sequence + 1,
            "removed",
            f"Rows {last_sequence + 1} to {head_sequence} at the end of the trail were removed.",
        )
    if head and last and head.last_hash != last.hash:
        return ChainProblem(
            last.sequence,
            "out_of_order",
            f"Row {last.sequence} is not the row the chain head recorded last.",
        )
    return None
