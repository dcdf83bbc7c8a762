"""A local fake Zalo Bot API server (aiohttp), strict where the real one is.

The bot talks to it over HTTP at `{base_url}/bot<TOKEN>/<method>` with JSON
bodies. It refuses a wrong token (401), a body that is not a JSON object, an
unknown chat, a `sendMessage` text outside 1..2000 characters (`ok: false`,
`error_code` 400, with HTTP 200 — the client has to read `ok`), an unknown chat
action, a webhook secret outside 8..256 characters, and polling while a
webhook is set. `getUpdates` answers one update (not a list) or, after waiting
its `timeout`, HTTP 408 `{"ok": false, "description": "Request timeout"}`.
Tests push updates with `message()`; they are delivered by `getUpdates`, or
POSTed to the webhook with `X-Bot-Api-Secret-Token` once `setWebhook` was
called. `fail_next()` answers the next calls of a method with a 5xx page.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.waiting import notified

TEXT_LIMIT = 2000
TEXT = "message.text.received"
EVENTS = {TEXT, "message.image.received", "message.sticker.received", "message.voice.received",
          "message.unsupported.received"}
CHAT_ACTIONS = {"typing", "upload_photo"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, http_status: int = 200) -> None:
        super().__init__(description)
        self.code, self.description, self.http_status = code, description, http_status


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True
    error: str = ""
    at: float = field(default_factory=time.perf_counter)


def _now_ms() -> int:
    return int(time.time() * 1000)


class FakeZalo:
    """Bot API for one bot. `await start()`, then hand `base_url` to the bot as ZALO_BASE_URL."""

    def __init__(self, token: str = "1234567890:fake-zalo-token-secret", me: dict | None = None) -> None:
        self.token = token
        self.me = me or {"id": "bot-1", "account_name": "bot.hoibao", "account_type": "BASIC",
                         "can_join_groups": True}
        self.calls: list[Call] = []
        self.webhook: dict[str, Any] | None = None
        self.deliveries: list[int] = []  # HTTP statuses the webhook answered
        self.empty_polls = 0  # getUpdates answered 408
        self.polls = 0  # getUpdates calls begun
        self.taken_at_poll = 0  # the poll that took the last pushed update
        self.delivered: list[object] = []  # every update handed to the bot, by getUpdates or the webhook
        self.send_delay = 0.0  # seconds each sendMessage takes before it is answered
        self.failures: dict[str, list[int]] = {}  # method -> statuses to answer next
        self._pending: list[dict] = []
        self._chats: set[str] = set()
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self.base_url = ""

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)  # slow sends end with it
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._closing = True  # long polls still waiting answer at once
        async with self._changed:
            self._changed.notify_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http:
            await self._http.close()
        if self._runner:
            await self._runner.cleanup()

    # ------------------------------------------------------------ what tests do

    def message(self, chat_id: str, text: str | None = None, *, user_id: str | None = None,
                chat_type: str = "PRIVATE", event: str = TEXT, is_bot: bool = False, **extra: Any) -> dict:
        """Push a user's message; returns the update as the bot will receive it."""
        assert event in EVENTS, event
        message = {
            "from": {"id": user_id or chat_id, "display_name": "Người dùng", "is_bot": is_bot},
            "chat": {"id": chat_id, "chat_type": chat_type},
            "message_id": f"m{next(self._ids)}",
            "date": _now_ms(),
            **extra,
        }
        if text is not None:
            message["text"] = text
        update = {"event_name": event, "message": message}
        self._chats.add(chat_id)
        if self.webhook:
            task = asyncio.get_running_loop().create_task(self._deliver(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self._pending.append(update)
            self._notify()
        return update

    def push_raw(self, result: object) -> None:
        """What the next getUpdates answers as its `result`, as is: an update, a list, any JSON."""
        self._pending.append(result)  # type: ignore[arg-type]
        self._notify()

    def open_chat(self, chat_id: str) -> None:
        """A chat the bot may send to (one a user opened)."""
        self._chats.add(chat_id)

    def forget(self, keep: int = 200) -> None:
        """Drop all but the last `keep` calls, so that a long fuzz does not grow the fake."""
        del self.calls[:-keep]
        if len(self._chats) > 50 * keep:
            self._chats.clear()

    def fail_next(self, method: str, status: int = 502, count: int = 1) -> None:
        """Answer the next `count` calls of `method` with an HTTP `status` error page."""
        self.failures.setdefault(method, []).extend([status] * count)

    def sent(self, chat_id: str | None = None, method: str = "sendMessage", ok: bool = True) -> list[dict]:
        """The parameters of the bot's `method` calls (to `chat_id`), accepted or refused."""
        return [c.params | ({"_error": c.error} if c.error else {}) for c in self.calls
                if c.method == method and c.ok == ok and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def texts(self, chat_id: str) -> list[str]:
        return [p["text"] for p in self.sent(chat_id)]

    async def wait_for(self, chat_id: str | None, count: int = 1, method: str = "sendMessage",
                       timeout: float = 20) -> list[dict]:
        """Wait until the bot made `count` accepted `method` calls (to `chat_id`)."""
        await notified(self._changed, lambda: len(self.sent(chat_id, method)) >= count,
                       f"{count} {method} to {chat_id}", timeout)
        return self.sent(chat_id, method)

    async def wait_until(self, condition, timeout: float = 20) -> None:
        await notified(self._changed, condition, "a condition on the fake Zalo server's calls", timeout)

    # ------------------------------------------------------------ the API

    async def _serve(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        handler = getattr(self, f"_api_{method}", None)
        if request.method != "POST" or handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            params = await request.json() if request.content_type == "application/json" else None
        except ValueError:
            params = None
        if self.failures.get(method):
            status = self.failures[method].pop(0)
            self._record(Call(method, params or {}, ok=False, error=f"HTTP {status}"))
            return web.Response(status=status, text=f"<html><body><h1>{status} Bad Gateway</h1></body></html>",
                                content_type="text/html")
        try:
            if not isinstance(params, dict):
                raise ApiError(400, "Bad Request: the body must be a JSON object")
            result = await handler(params)
        except ApiError as exc:
            self._record(Call(method, params if isinstance(params, dict) else {}, ok=False, error=exc.description))
            body = {"ok": False, "description": exc.description}
            if exc.code != 408:  # the empty poll's answer carries no error_code
                body["error_code"] = exc.code
            return web.json_response(body, status=exc.http_status)
        self._record(Call(method, params))
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, params: dict) -> dict:
        return self.me

    async def _api_getUpdates(self, params: dict) -> dict:
        timeout = params.get("timeout", 0)
        if not str(timeout).isdigit():
            raise ApiError(400, "Bad Request: timeout must be a number of seconds")
        if self.webhook:
            raise ApiError(400, "Bad Request: getUpdates is not available while a webhook is set")
        self.polls += 1
        self._notify()
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._pending) or self._closing),
                                       int(timeout))
            except TimeoutError:
                pass
            if self._pending:
                self.taken_at_poll = self.polls
                self.delivered.append(self._pending[0])
                return self._pending.pop(0)
        self.empty_polls += 1
        raise ApiError(408, "Request timeout", http_status=408)

    def _chat(self, params: dict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    async def _api_sendMessage(self, params: dict) -> dict:
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            size = len(text) if isinstance(text, str) else type(text).__name__
            raise ApiError(400, f"Bad Request: text must be 1 to {TEXT_LIMIT} characters (got {size})")
        return {"message_id": f"b{next(self._ids)}", "date": _now_ms()}

    async def _api_sendChatAction(self, params: dict) -> dict:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, f"Bad Request: unknown action {params.get('action')!r}")
        return {}

    async def _api_setWebhook(self, params: dict) -> dict:
        url, secret = params.get("url"), params.get("secret_token")
        local = isinstance(url, str) and url.startswith(("http://127.0.0.1:", "http://localhost:"))
        if not isinstance(url, str) or not (url.startswith("https://") or local):  # tests serve plain HTTP locally
            raise ApiError(400, "Bad Request: url must be HTTPS")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ApiError(400, "Bad Request: secret_token must be 8 to 256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": _now_ms()}

    async def _api_deleteWebhook(self, params: dict) -> dict:
        self.webhook = None
        return {"url": "", "updated_at": _now_ms()}

    async def _api_getWebhookInfo(self, params: dict) -> dict:
        return {"url": self.webhook["url"] if self.webhook else "", "updated_at": _now_ms()}

    # ------------------------------------------------------------ internals

    async def _deliver(self, update: dict) -> None:
        assert self.webhook and self._http
        headers = {"X-Bot-Api-Secret-Token": self.webhook["secret_token"]}
        async with self._http.post(self.webhook["url"], json={"ok": True, "result": update}, headers=headers) as r:
            self.deliveries.append(r.status)
        self.delivered.append(update)
        self._notify()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _notify(self) -> None:
        async def notify() -> None:
            async with self._changed:
                self._changed.notify_all()

        task = asyncio.get_running_loop().create_task(notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
