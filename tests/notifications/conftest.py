"""A real chat webhook receiver on loopback, and settings that let webhooks point at it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class WebhookReceiver:
    """Records every POST body; answers with `statuses` in turn (the last one repeats)."""

    url: str
    statuses: list[int] = field(default_factory=lambda: [200])
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_status(self) -> int:
        with self.lock:
            if len(self.statuses) > 1:
                return self.statuses.pop(0)
            return self.statuses[0]

    def wait_for(self, count: int, seconds: float = 20) -> list[dict[str, Any]]:
        import time

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.bodies) >= count:
                return self.bodies
            time.sleep(0.05)
        raise AssertionError(f"expected {count} posts, got {len(self.bodies)}")


def _handler_for(receiver: list[WebhookReceiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            target = receiver[0]
            with target.lock:
                target.bodies.append(json.loads(raw or b"{}"))
                target.headers.append(dict(self.headers.items()))
            status = target.next_status()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"upstream trouble")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def webhook_receiver(settings: Any) -> Iterator[WebhookReceiver]:
    holder: list[WebhookReceiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(holder))
    holder.append(WebhookReceiver(url=f"http://127.0.0.1:{server.server_port}/hooks/T000/B000"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NOTIFICATIONS_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTIFICATIONS_WEBHOOK_ALLOW_HTTP = True
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 0.05
    settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = 0.5
    settings.NOTIFICATIONS_MAX_RETRIES = 2
    settings.NOTIFICATIONS_WEBHOOK_MAX_FAILURES = 2
    yield holder[0]
    server.shutdown()
    server.server_close()
