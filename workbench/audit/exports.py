"""Streaming CSV and JSON exports of audit events, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from workbench.audit.models import AuditEvent

EXPORT_FIELDS = (
    "sequence",
    "occurred_at",
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
    "hash",
    "key_id",
)
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def event_as_dict(event: AuditEvent) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in EXPORT_FIELDS}
    row["occurred_at"] = event.occurred_at.isoformat()
    return row


def _spreadsheet_safe(value: Any) -> str:
    text = json.dumps(value, cls=DjangoJSONEncoder) if isinstance(value, dict) else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_FIELDS)
    for event in events:
        row = event_as_dict(event)
        yield writer.writerow([_spreadsheet_safe(row[name]) for name in EXPORT_FIELDS])


def json_chunks(events: Iterable[AuditEvent]) -> Iterator[str]:
    yield "["
    for index, event in enumerate(events):
        prefix = "\n" if index == 0 else ",\n"
        yield prefix + json.dumps(event_as_dict(event), cls=DjangoJSONEncoder)
    yield "\n]\n"
