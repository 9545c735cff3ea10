"""Notifications sent per second by one Celery worker: N people, each with a chat webhook pointing
at a receiver on loopback; `notify()` writes the in-app rows, the worker posts the chat messages
(and sends the emails to Django's in-memory mail backend).

It works in a throw-away SQLite database (a temporary WORKBENCH_VAR_DIR) and the embedded
filesystem broker, or on PostgreSQL and Redis when BENCH_DATABASE_URL and BENCH_REDIS_URL are set
(the database is used as given: point it at an empty throw-away database). Not a test: run it by
hand.

    .venv/bin/python bench/notifications.py [--people 200] [--rounds 3] [--email]

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class Receiver(BaseHTTPRequestHandler):
    posts = 0
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with Receiver.lock:
            Receiver.posts += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="notify() calls to all people")
    parser.add_argument("--email", action="store_true", help="also email each person")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-notify-") as var_dir:
        os.environ["WORKBENCH_VAR_DIR"] = var_dir
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "")
        if not os.environ["DATABASE_URL"]:
            del os.environ["DATABASE_URL"]
        os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "")
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        os.environ["WORKBENCH_LOG_LEVEL"] = "warning"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args.people, args.rounds, args.email)


def run(people: int, rounds: int, email: bool) -> None:
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings
    from django.core import mail

    from workbench.celery import app
    from workbench.notifications.models import Delivery, DeliveryStatus, Notification

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP = True
    mail.outbox = []
    users = load(people, f"http://127.0.0.1:{server.server_port}/hooks/bench", email)
    app.control.purge()

    in_app_seconds = notify_all(users, rounds)
    expected = people * rounds * (2 if email else 1)
    started = time.perf_counter()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        while Delivery.objects.exclude(status=DeliveryStatus.PENDING).count() < expected:
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    server.shutdown()
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED).count()
    in_app_rate = people * rounds / in_app_seconds
    print(
        f"database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"broker={settings.CELERY_BROKER_URL.split(':', 1)[0]} people={people} rounds={rounds} "
        f"in_app={Notification.objects.count()} in_app_per_s={in_app_rate:.0f} "
        f"deliveries={expected} chat_posts={Receiver.posts} emails={len(mail.outbox)} "
        f"failed={failed} worker_seconds={seconds:.2f} deliveries_per_s={expected / seconds:.1f}"
    )


def load(people: int, url: str, email: bool) -> list[Any]:
    from workbench.accounts.models import User
    from workbench.notifications.models import NotificationKind
    from workbench.notifications.services import preferences_save, webhook_create

    users = []
    for n in range(people):
        user = User.objects.create(username=f"bench{n}", email=f"bench{n}@example.com")
        webhook_create(actor=user, owner=user, name="bench", url=url)
        preferences_save(
            user=user,
            choices={NotificationKind.ACCESS_REQUEST_PENDING: {"chat": True, "email": email}},
        )
        users.append(user)
    return users


def notify_all(users: list[Any], rounds: int) -> float:
    """Enqueue everything first (the worker is not running yet): in-app rows per second."""
    from django.db import transaction

    from workbench.notifications.models import NotificationKind
    from workbench.notifications.services import notify

    started = time.perf_counter()
    for round_number in range(rounds):
        with transaction.atomic():
            notify(
                recipients=users,
                kind=NotificationKind.ACCESS_REQUEST_PENDING,
                title=f"Access request #{round_number} for sales.orders waits for you",
                url="/governance/requests/",
            )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
