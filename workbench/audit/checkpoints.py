"""Signed checkpoints of the chain head, kept outside the database.

A checkpoint says "on <time> the chain ended at row <sequence> with hash <hash>", signed with the
audit key. Someone who can rewrite the database can recompute a chain only with the key, and cannot
take back a checkpoint already appended elsewhere: removing the newest rows and moving the head
back leaves the chain shorter than its last checkpoint, which verification reports.

Each checkpoint is one JSON line appended to `checkpoints.jsonl` in WORKBENCH_AUDIT_CHECKPOINT_DIR
(opened append-only) and, when WORKBENCH_AUDIT_CHECKPOINT_COMMAND is set, piped to that command's
stdin as well (syslog, ssh to an append-only host, an object-store upload...).
"""

from __future__ import annotations

import hmac
import json
import os
import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from workbench.audit.keys import AuditKeyring

CHECKPOINT_FILE_NAME = "checkpoints.jsonl"
COMMAND_TIMEOUT_SECONDS = 10
_SIGNED_FIELDS = ("sequence", "hash", "time", "key_id")


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    time: str
    key_id: str
    signature: str

    def to_line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"

    def is_authentic(self, keyring: AuditKeyring) -> bool:
        if keyring.key(self.key_id) is None:
            return False
        expected = keyring.sign(_signed_content(asdict(self)), key_id=self.key_id)
        return hmac.compare_digest(expected, self.signature)


def checkpoint_sign(*, sequence: int, hash: str, at: datetime, keyring: AuditKeyring) -> Checkpoint:
    time, key_id = at.isoformat(), keyring.current_id
    content = {"sequence": sequence, "hash": hash, "time": time, "key_id": key_id}
    signature = keyring.sign(_signed_content(content))
    return Checkpoint(sequence=sequence, hash=hash, time=time, key_id=key_id, signature=signature)


def _signed_content(content: dict[str, Any]) -> bytes:
    signed = {name: content[name] for name in _SIGNED_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


# --- Sinks ---------------------------------------------------------------------------------------


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE_NAME


def checkpoint_sinks_describe() -> str:
    command = settings.AUDIT_CHECKPOINT_COMMAND
    return str(checkpoint_file()) + (f" and the command `{command}`" if command else "")


def checkpoint_append(checkpoint: Checkpoint) -> None:
    """Append to the checkpoint file (and the configured command); raises OSError or
    subprocess.SubprocessError when a sink refuses, so the caller records the failure."""
    line = checkpoint.to_line()
    _append_to_file(checkpoint_file(), line)
    if settings.AUDIT_CHECKPOINT_COMMAND:
        _pipe_to_command(settings.AUDIT_CHECKPOINT_COMMAND, line)


def _append_to_file(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the end, whole, even with several writers at once.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _pipe_to_command(command: str, line: str) -> None:
    subprocess.run(  # noqa: S603 - an administrator's configured command, without a shell
        shlex.split(command),
        input=line.encode(),
        check=True,
        capture_output=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )


# --- Reading -------------------------------------------------------------------------------------


@dataclass
class CheckpointLog:
    """The checkpoints read from one or more files: the authentic ones and what was wrong."""

    authentic: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.authentic, key=lambda cp: cp.sequence, default=None)


def checkpoints_read(paths: Iterable[Path], *, keyring: AuditKeyring) -> CheckpointLog:
    """Every checkpoint in the files; a missing file is no checkpoint yet, a bad line a problem."""
    log = CheckpointLog()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.problems.append(f"The checkpoint file {path} cannot be read: {exc.strerror}.")
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                _read_line(log, line, where=f"{path.name} line {number}", keyring=keyring)
    return log


def _read_line(log: CheckpointLog, line: str, *, where: str, keyring: AuditKeyring) -> None:
    try:
        raw = json.loads(line)
        checkpoint = Checkpoint(
            sequence=int(raw["sequence"]),
            hash=str(raw["hash"]),
            time=str(raw["time"]),
            key_id=str(raw["key_id"]),
            signature=str(raw["signature"]),
        )
    except (ValueError, KeyError, TypeError):
        log.problems.append(f"Checkpoint {where} is not a checkpoint (damaged or forged).")
        return
    if checkpoint.is_authentic(keyring):
        log.authentic.append(checkpoint)
    else:
        log.problems.append(
            f"Checkpoint {where} (row {checkpoint.sequence}) has a bad signature: it was "
            "forged or altered."
        )
