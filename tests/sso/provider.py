"""A real OpenID Connect provider on loopback for the tests: oidc-provider-mock in its own process.

It serves discovery, JWKS, an authorization page and a token endpoint, and signs ID tokens with
RS256. `TamperingProxy` stands between the workbench and it where a test needs a lying network.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    """A running provider: its issuer URL and a way to set what it says about a person."""

    issuer: str
    process: subprocess.Popen[bytes]

    def set_user(self, sub: str, claims: dict[str, Any]) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str) -> str:
        """What a person does on the provider's page: choose `sub` and authorize; the redirect."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return str(response.headers["Location"])


@contextmanager
def provider_running(*, token_max_age: int = 3600) -> Iterator[Provider]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--port",
        str(port),
        "--require-nonce",
        "--token-max-age",
        str(token_max_age),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(issuer, process)
        yield Provider(issuer=issuer, process=process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(issuer: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("The OpenID provider exited at start")
        try:
            if requests.get(issuer + "/.well-known/openid-configuration", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("The OpenID provider did not start in 20 s")


class TamperingProxy:
    """An HTTP proxy on loopback in front of the provider that lies in one chosen way.

    mode "tamper_id_token": rewrites a claim in the ID token's payload, keeping its signature.
    mode "late_token": hands the token response over 1.5 s late (past a 1 s token's expiry).
    mode "renamed": the provider is reached under the proxy's address but names itself otherwise.
    mode "foreign_issuer": the discovery document names the proxy as issuer, but the endpoints (and
    so the tokens) are the provider's under another host name: tokens from an issuer we don't trust.
    """

    def __init__(self, upstream: str, mode: str) -> None:
        self.upstream = upstream
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TamperingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                self._forward("GET")

            def do_POST(self) -> None:
                self._forward("POST")

            def _forward(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                upstream = urlsplit(proxy.upstream)
                if proxy.mode in {"foreign_issuer", "renamed"}:
                    headers["Host"] = f"localhost:{upstream.port}"
                else:
                    headers["Host"] = f"127.0.0.1:{proxy.port}"
                response = requests.request(
                    method,
                    proxy.upstream + self.path,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                    timeout=10,
                )
                content = proxy._rewrite(self.path, response)
                self.send_response(response.status_code)
                for key, value in response.headers.items():
                    if key.lower() not in {
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "content-encoding",
                    }:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        return Handler

    def _rewrite(self, path: str, response: requests.Response) -> bytes:
        if self.mode == "foreign_issuer" and path.startswith("/.well-known/openid-configuration"):
            document = response.json()
            document["issuer"] = self.url
            return json.dumps(document).encode()
        if self.mode == "tamper_id_token" and path.startswith("/oauth2/token") and response.ok:
            tokens = response.json()
            header, payload, signature = tokens["id_token"].split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["sub"] = "someone-else"
            forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            tokens["id_token"] = f"{header}.{forged}.{signature}"
            return json.dumps(tokens).encode()
        if self.mode == "late_token" and path.startswith("/oauth2/token"):
            time.sleep(1.5)
        return response.content


def callback_path(location: str) -> str:
    """The workbench path and query the provider redirected the browser to."""
    parts = urlsplit(location)
    assert "code" in parse_qs(parts.query) or "error" in parse_qs(parts.query), location
    return f"{parts.path}?{parts.query}"
