"""`manage.py run_workbench`: web server, Celery worker and beat together, for `make run`.

The banner (address, demo accounts and password) is printed only once /healthz reports the database,
broker and worker ready and beat is running, so it is the last thing on the screen. Stops all three
when any one of them exits or when interrupted, so nothing is left running.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from workbench.demo.organisation import PERSONAS, demo_password


class Command(BaseCommand):
    help = "Run the web server (gunicorn), a Celery worker and Celery beat until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--worker-concurrency", type=int, default=2)
        parser.add_argument(
            "--ready-timeout",
            type=float,
            default=float(os.environ.get("WORKBENCH_READY_TIMEOUT", "90")),
            help="Seconds to wait for web, worker and beat to be ready (default 90).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop_requested = False

        def request_stop(signum: int, frame: Any) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        commands = self._commands(options)
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        health_url = f"http://{_local_host(options['host'])}:{options['port']}/healthz"
        problem = self._wait_until_ready(
            processes, health_url, options["ready_timeout"], lambda: stop_requested
        )
        if problem is None and not stop_requested:
            self._announce(options["host"], options["port"])
            exited = self._wait_for_first_exit(processes, lambda: stop_requested)
            problem = None if exited is None else f"{exited} stopped unexpectedly"
        self._stop_all(processes)
        if problem and not stop_requested:
            self.stderr.write(f"{problem}; the workbench was shut down.")
            sys.exit(1)

    def _wait_until_ready(
        self,
        processes: dict[str, subprocess.Popen[bytes]],
        health_url: str,
        timeout: float,
        stopping: Callable[[], bool],
    ) -> str | None:
        """None once /healthz says ok and every process runs; else what went wrong."""
        self.stdout.write(f"Starting web, worker and beat; waiting for {health_url} ...")
        self.stdout.flush()
        deadline = time.monotonic() + timeout
        last_health = "no answer yet"
        while not stopping():
            for name, process in processes.items():
                if process.poll() is not None:
                    return f"{name} stopped before the workbench was ready (see its output above)"
            last_health, is_ready = _health(health_url)
            if is_ready:
                return None
            if time.monotonic() >= deadline:
                return (
                    f"The workbench was not ready after {timeout:g} s "
                    f"(last answer from {health_url}: {last_health})"
                )
            time.sleep(1)
        return None

    def _commands(self, options: dict[str, Any]) -> dict[str, list[str]]:
        python = sys.executable
        return {
            "web": [
                python, "-m", "gunicorn", "workbench.wsgi:application",
                "--config", str(settings.BASE_DIR / "gunicorn.conf.py"),
                "--bind", f"{options['host']}:{options['port']}",
                "--workers", str(options["web_workers"]),
                "--access-logfile", "-", "--timeout", "60",
            ],
            "worker": [
                python, "-m", "celery", "-A", "workbench", "worker",
                "--loglevel", "INFO", "--concurrency", str(options["worker_concurrency"]),
            ],
            "beat": [
                python, "-m", "celery", "-A", "workbench", "beat", "--loglevel", "INFO",
                "--schedule", str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        }  # fmt: skip

    def _announce(self, host: str, port: int) -> None:
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host
        self.stdout.write(
            self.style.SUCCESS(f"\nWorkbench is running at http://{shown_host}:{port}/")
        )
        if settings.DEMO_MODE:
            password = demo_password()
            self.stdout.write("Demo mode is on. Sign in as one of:")
            for persona in PERSONAS:
                roles = ", ".join(role.value for role in persona.roles) or "no role yet"
                self.stdout.write(f"  {persona.username:<12} {roles}")
            self.stdout.write(f"Password for all of them: {password}")
            if not os.environ.get("WORKBENCH_DEMO_PASSWORD"):
                self.stdout.write(f"(kept in {settings.DEMO_PASSWORD_FILE})")
        self.stdout.write("Press Ctrl+C to stop.\n")
        self.stdout.flush()

    def _wait_for_first_exit(
        self, processes: dict[str, subprocess.Popen[bytes]], stopping: Callable[[], bool]
    ) -> str | None:
        while not stopping():
            for name, process in processes.items():
                if process.poll() is not None:
                    return name
            time.sleep(0.5)
        return None

    def _stop_all(self, processes: dict[str, subprocess.Popen[bytes]]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()


def _local_host(host: str) -> str:
    """The address to poll the web server on: it listens on every interface for these."""
    return "127.0.0.1" if host in {"0.0.0.0", ""} else host


def _health(url: str) -> tuple[str, bool]:
    """(what /healthz said, whether it says the workbench is ready)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own address
            body = response.read().decode()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
    except (OSError, ValueError) as exc:
        return f"not answering ({exc.__class__.__name__})", False
    try:
        status = json.loads(body)
    except ValueError:
        return body[:200], False
    return body.strip(), isinstance(status, dict) and status.get("status") == "ok"
