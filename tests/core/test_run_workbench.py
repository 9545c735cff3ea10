"""`manage.py run_workbench` (what `make run` starts): the banner comes once everything is ready.

These start the real web server, Celery worker and beat as subprocesses on the embedded defaults
(SQLite in a temporary folder, the file-system broker), as on a fresh laptop.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(
        WORKBENCH_VAR_DIR=str(var_dir),
        WORKBENCH_DEMO="1",
        WORKBENCH_HTTPS="0",
        WORKBENCH_LOG_FORMAT="text",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def migrated_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var_dir = tmp_path_factory.mktemp("run-workbench")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_env(var_dir),
        check=True,
        timeout=180,
    )
    return var_dir


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(var_dir: Path, port: int, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_workbench", "--port", str(port), *args],
        cwd=ROOT,
        env=_env(var_dir, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    pytest.fail(f"{marker!r} never appeared; output so far: {lines}")


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


def test_banner_and_password_come_once_web_worker_and_beat_are_ready(
    migrated_var_dir: Path,
) -> None:
    port = _free_port()
    process = _start(migrated_var_dir, port)
    try:
        lines = _read_until(process, "Press Ctrl+C to stop.", timeout=120)
        # Asked right after the banner: the worker must already be reporting in.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            health = json.loads(response.read())
    finally:
        status = _stop(process)
    assert health == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}
    text = "\n".join(lines)
    assert text.index("waiting for") < text.index("Workbench is running at")
    password = (migrated_var_dir / "demo_password").read_text().strip()
    assert lines[-3] == f"Password for all of them: {password}"
    assert lines[-2] == f"(kept in {migrated_var_dir / 'demo_password'})"
    assert status == 0


def test_gives_up_with_a_clear_message_when_never_ready(migrated_var_dir: Path) -> None:
    port = _free_port()
    # Nothing listens on port 1: the worker never connects, so /healthz never says ok.
    process = _start(
        migrated_var_dir, port, "--ready-timeout", "4", CELERY_BROKER_URL="redis://127.0.0.1:1/0"
    )
    try:
        stdout, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 1
    assert "Workbench is running" not in stdout
    assert "Password for all" not in stdout
    assert "The workbench was not ready after 4 s" in stderr
    assert '"broker": "unavailable"' in stderr
    assert "the workbench was shut down" in stderr
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
