"""`manage.py run_workbench`: web server, Celery worker and beat together, for `make run`.

Stops all three when any one of them exits or when interrupted, so nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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

    def handle(self, *args: Any, **options: Any) -> None:
        commands = self._commands(options)
        processes = {name: subprocess.Popen(command) for name, command in commands.items()}
        self._announce(options["host"], options["port"])
        stop_requested = False

        def request_stop(signum: int, frame: Any) -> None:
            nonlocal stop_requested
            stop_requested = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exited = self._wait_for_first_exit(processes, lambda: stop_requested)
        self._stop_all(processes)
        if exited and not stop_requested:
            self.stderr.write(f"{exited} stopped unexpectedly; the workbench was shut down.")
            sys.exit(1)

    def _commands(self, options: dict[str, Any]) -> dict[str, list[str]]:
        python = sys.executable
        return {
            "web": [
                python, "-m", "gunicorn", "workbench.wsgi:application",
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
            self.stdout.write(f"Demo mode is on. Sign in as one of (password for all: {password}):")
            for persona in PERSONAS:
                roles = ", ".join(role.value for role in persona.roles) or "no role yet"
                self.stdout.write(f"  {persona.username:<12} {roles}")
        self.stdout.write("Press Ctrl+C to stop.\n")
        self.stdout.flush()

    def _wait_for_first_exit(
        self, processes: dict[str, subprocess.Popen[bytes]], stopping: Any
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
