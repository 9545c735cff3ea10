"""Audit trail throughput: appending HMAC-chained events, verifying the chain and checkpointing.

Builds its own database (a temporary SQLite file, or the PostgreSQL given with --database-url,
where it uses a throw-away database created for the run) and prints events per second.

    .venv/bin/python bench/audit_chain.py [--events 20000] [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="wb-bench-")
    os.environ["WORKBENCH_VAR_DIR"] = workdir
    os.environ.setdefault("WORKBENCH_LOG_LEVEL", "warning")  # one log line per event would dominate
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test.utils import setup_databases, teardown_databases

    # A fresh test database (test_<name>) so the benchmark never touches real data.
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        run(args.events)
    finally:
        teardown_databases(old_config, verbosity=0)


def run(count: int) -> None:
    from django.db import connection

    from workbench.audit.chain import chain_verify
    from workbench.audit.models import AuditOutcome
    from workbench.audit.services import audit_checkpoint_write, audit_record

    started = time.perf_counter()
    for n in range(count):
        audit_record(
            actor=None,
            actor_username=f"user{n % 50}",
            action="bench.event",
            outcome=AuditOutcome.DONE,
            detail={"n": n},
        )
    append_seconds = time.perf_counter() - started
    started = time.perf_counter()
    checkpoint = audit_checkpoint_write(trigger="bench")
    checkpoint_ms = (time.perf_counter() - started) * 1000
    assert checkpoint is not None
    started = time.perf_counter()
    report = chain_verify()
    verify_seconds = time.perf_counter() - started
    assert report.is_intact, report.problem
    assert report.checkpoints_checked == 1
    print(f"database: {connection.vendor}")
    print(f"append:   {count} events in {append_seconds:.2f}s = {count / append_seconds:,.0f}/s")
    print(
        f"verify:   {report.rows_checked} events in {verify_seconds:.2f}s = "
        f"{report.rows_checked / verify_seconds:,.0f}/s (against {report.checkpoints_checked} "
        "signed checkpoint)"
    )
    print(f"checkpoint: {checkpoint_ms:.1f} ms")


if __name__ == "__main__":
    main()
