"""A strict local WebSub hub (W3C WebSub §5–§7) for the tests, on 127.0.0.1.

- POST / with hub.mode=subscribe, hub.topic, hub.callback (and hub.secret, hub.lease_seconds):
  400 when a field is missing or the callback is not http(s); else 202, then the intent check;
- the intent check: GET callback?hub.mode=subscribe&hub.topic=…&hub.challenge=<random>&hub.lease_seconds=…;
  the subscription is verified only if the answer is 2xx and its body is exactly the challenge;
- `publish(topic, body)`: POSTs `body` to every verified callback of `topic`, signed
  `X-Hub-Signature: sha256=<HMAC(secret, body)>` when the subscriber gave a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import httpx


@dataclass
class Subscription:
    topic: str
    callback: str
    secret: str
    lease: int
    verified: bool = False
    refused: str = ""  # why the intent check failed


class Hub:
    def __init__(self) -> None:
        self.subscriptions: list[Subscription] = []
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def subscribe(self, form: dict[str, str]) -> int:
        with self._lock:
            self.requests.append(form)
        needed = ("hub.mode", "hub.topic", "hub.callback")
        if any(not form.get(name) for name in needed) or form["hub.mode"] != "subscribe" \
                or not form["hub.callback"].startswith(("http://", "https://")):
            return 400
        sub = Subscription(form["hub.topic"], form["hub.callback"], form.get("hub.secret", ""),
                           int(form.get("hub.lease_seconds") or 864000))
        threading.Thread(target=self._verify, args=(sub,), daemon=True).start()
        return 202

    def _verify(self, sub: Subscription) -> None:
        challenge = secrets.token_urlsafe(16)
        query = urlencode({"hub.mode": "subscribe", "hub.topic": sub.topic, "hub.challenge": challenge,
                           "hub.lease_seconds": str(sub.lease)})
        separator = "&" if "?" in sub.callback else "?"
        try:
            answer = httpx.get(f"{sub.callback}{separator}{query}", timeout=5)
            sub.verified = 200 <= answer.status_code < 300 and answer.text == challenge
            sub.refused = "" if sub.verified else f"HTTP {answer.status_code}: {answer.text[:80]}"
        except httpx.HTTPError as exc:
            sub.refused = type(exc).__name__
        with self._lock:
            self.subscriptions.append(sub)

    def verified(self, topic: str) -> list[Subscription]:
        with self._lock:
            return [s for s in self.subscriptions if s.topic == topic and s.verified]

    def publish(self, topic: str, body: bytes, content_type: str = "application/rss+xml",
                forge: bool = False) -> list[int]:
        """Deliver `body` to the topic's verified subscribers; their status codes."""
        codes = []
        for sub in self.verified(topic):
            key = b"not-the-secret" if forge else sub.secret.encode()
            headers = {"Content-Type": content_type}
            if sub.secret:
                headers["X-Hub-Signature"] = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
            codes.append(httpx.post(sub.callback, content=body, headers=headers, timeout=5).status_code)
        return codes


def serve(hub: Hub):
    """Start the hub on a free port; (its URL, stop function)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
            status = hub.subscribe(form)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}/", stop
