"""Re-sign the events written before the keyed chain, after checking their old SHA-256 chain.

Rows from before carry a plain SHA-256 chain that anyone able to write to the database could
recompute; accepting such rows forever would let a forger rewrite the whole trail as "old" rows.
So every row is re-signed with the audit key (HMAC) here, but only up to the first break of the
old chain: from a break on, rows keep their old hashes and an empty key id, and verification keeps
reporting the break, so re-signing never launders earlier tampering. The migration appends an
`audit.rechained` event saying what it did. It cannot be undone (the old hashes are gone).
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations
from django.utils import timezone

GENESIS_HASH = "0" * 64
BATCH = 1000
LEGACY_FIELDS = (
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


def legacy_hash(event):
    content = {name: getattr(event, name) for name in LEGACY_FIELDS}
    content["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def legacy_problem(event, previous):
    expected_sequence = previous.sequence + 1 if previous else 1
    if legacy_hash(event) != event.hash:
        return f"row {event.sequence} was altered"
    if event.sequence != expected_sequence:
        return f"rows {expected_sequence} to {event.sequence - 1} were removed"
    if event.prev_hash != (previous.hash if previous else GENESIS_HASH):
        return f"row {event.sequence} is out of order"
    return None


def rechain(apps, schema_editor):
    from workbench.audit.chain import event_hash  # the keyed hash new rows use
    from workbench.audit.keys import keyring_get

    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditChainHead")
    if not event_model.objects.exists():
        return
    keyring = keyring_get()
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the append-only trigger; this is the one sanctioned rewrite
        # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    signed, problem, last_hash = _resign(event_model, keyring, event_hash)
    head = head_model.objects.filter(pk=1).first()
    if problem is None and head is not None and head.sequence != signed:
        problem = f"rows {signed + 1} to {head.sequence} at the end were removed"
    if problem is None:
        head_model.objects.update_or_create(
            pk=1, defaults={"sequence": signed, "last_hash": last_hash}
        )
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
    head_model.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    _record(event_model, head_model, keyring, event_hash, signed, problem)


def _resign(event_model, keyring, event_hash):
    """Re-sign rows in order until the old chain breaks; returns (rows, problem, last hash)."""
    previous, last_hash, signed, problem = None, GENESIS_HASH, 0, None
    batch = []
    for event in event_model.objects.order_by("sequence").iterator(chunk_size=BATCH):
        problem = legacy_problem(event, previous)
        if problem:
            break
        previous = _LegacyRow(event.sequence, event.hash)
        event.prev_hash, event.key_id = last_hash, keyring.current_id
        event.hash = last_hash = event_hash(event, keyring.current_key)
        signed += 1
        batch.append(event)
        if len(batch) == BATCH:
            event_model.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
            batch = []
    if batch:
        event_model.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
    return signed, problem, last_hash


class _LegacyRow:
    def __init__(self, sequence, hash):
        self.sequence, self.hash = sequence, hash


def _record(event_model, head_model, keyring, event_hash, signed, problem):
    head = head_model.objects.get(pk=1)
    reason = f"Re-signed {signed} events with the audit key after checking their old chain."
    if problem:
        reason += f" The old chain was already broken ({problem}); later rows were left as they were."
    event = event_model(
        sequence=head.sequence + 1,
        occurred_at=timezone.now(),
        actor_username="system",
        action="audit.rechained",
        outcome="failed" if problem else "done",
        reason=reason,
        detail={"rows": signed, "old_chain_problem": problem or ""},
        prev_hash=head.last_hash,
        key_id=keyring.current_id,
    )
    event.hash = event_hash(event, keyring.current_key)
    event.save(force_insert=True)
    head_model.objects.filter(pk=1).update(sequence=event.sequence, last_hash=event.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_key_id_one_active_check")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
