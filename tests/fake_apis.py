"""Local HTTP APIs that fail the way real ones do, for the failure sweep (tests/test_failure_sweep.py).

Each `Api` answers on 127.0.0.1 from a rule (method name → status and JSON body). The failing
rules echo what a real server or the proxy in front of it may echo: the request path (which holds
a Bot API token), the API key sent. Nothing is mocked inside hoibao: the real command runs as a
subprocess and talks HTTP to these.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (path, headers) → (status, JSON body)
Rule = Callable[[str, dict[str, str]], tuple[int, object]]

TELEGRAM_ME = {"id": 7000001, "is_bot": True, "first_name": "Hỏi Báo", "username": "hoibao_test_bot",
               "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


def bot_api(results: dict[str, object], refuse: dict[str, tuple[int, str]], http_status: bool) -> Rule:
    """A Bot API answering `{"ok", "result" | "error_code", "description"}`: `refuse` maps a method (or "*")
    to (code, description), "{path}" in it echoing the request path; `http_status`: the code is the HTTP
    status too (Telegram), else HTTP 200 (Zalo)."""

    def rule(path: str, headers: dict[str, str]) -> tuple[int, object]:
        method = path.rsplit("/", 1)[-1]
        for name in (method, "*"):
            if name in refuse:
                code, description = refuse[name]
                body = {"ok": False, "error_code": code, "description": description.format(path=path)}
                return (code if http_status else 200), body
        return 200, {"ok": True, "result": results.get(method, True)}

    return rule


def telegram(refuse: dict[str, tuple[int, str]] | None = None) -> Rule:
    return bot_api({"getMe": TELEGRAM_ME, "getUpdates": []}, refuse or {}, http_status=True)


def zalo(refuse: dict[str, tuple[int, str]] | None = None, asking: str | None = None) -> Rule:
    """`asking`: every getUpdates brings a reader's message with this text (else none)."""
    update = {"event_name": "message.text.received", "message": {
        "message_id": "m1", "chat": {"id": "u1", "chat_type": "PRIVATE"}, "from": {"id": "u1"}, "text": asking}}
    return bot_api({"getMe": {"id": "9001", "account_name": "bot.hoibao", "display_name": "Hỏi Báo"},
                    "getWebhookInfo": {}, **({"getUpdates": update} if asking else {})}, refuse or {}, http_status=False)


def echoing_key(status: int) -> Rule:
    """A server refusing every request with a body that repeats the key it was sent (Qdrant, a chat model)."""

    def rule(path: str, headers: dict[str, str]) -> tuple[int, object]:
        key = headers.get("api-key") or headers.get("authorization", "").removeprefix("Bearer ")
        return status, {"status": {"error": f"Invalid api-key: {key}"}, "error": {"message": f"Incorrect API key: {key}"}}

    return rule


class Api:
    """One rule served on a free port until `stop()`; `url` is its root, `paths` what was asked."""

    def __init__(self, rule: Rule) -> None:
        self.rule, self.paths = rule, []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                api.paths.append(self.path)
                status, body = api.rule(self.path.split("?")[0], {k.lower(): v for k, v in self.headers.items()})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
