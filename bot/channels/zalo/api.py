"""A small async client for the Zalo Bot API: `POST {base}/bot<TOKEN>/<method>` with JSON.

Every answer is `{"ok", "result", "error_code", "description"}`; HTTP 200 alone
is not success, so `ok` is checked and a failure raises `ZaloApiError`. The
token lives only in the URL this module builds: errors and log lines are
redacted, and exceptions from httpx (whose messages may carry the URL) are
replaced, not chained.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.channels.runtime import redact_token
from index.errors import HoibaoError
from index.redact import hide

REQUEST_TIMEOUT = 15.0  # seconds, for every call but the long poll
# Answers that mean "try again later" rather than "this request is wrong".
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})


class ZaloApiError(HoibaoError):
    """A call that failed: `ok` was false, the body was not the API's JSON, or the network failed.

    `error_code` is the API's code (or the HTTP status; 0 for network errors).
    """

    def __init__(self, method: str, error_code: int, description: str) -> None:
        super().__init__(f"Zalo {method} failed ({error_code or 'network'}): {description}")
        self.method, self.error_code, self.description = method, error_code, description

    @property
    def retryable(self) -> bool:
        """Network errors, timeouts, rate limits and server errors: worth trying again."""
        return self.error_code == 0 or self.error_code in RETRYABLE


class ZaloBot:
    """The Bot API for one token. Use as `async with ZaloBot(token, base_url) as bot:`."""

    def __init__(self, token: str, base_url: str, http: httpx.AsyncClient | None = None) -> None:
        if not token:
            raise HoibaoError("ZALO_BOT_TOKEN is empty. Create a bot in Zalo Bot Manager and put its token in .env.")
        self._token = token
        self._base = f"{base_url.rstrip('/')}/bot{token}/"
        self._http = http or httpx.AsyncClient(timeout=REQUEST_TIMEOUT)
        redact_token(token, ("httpx", "httpcore"))

    def redact(self, text: str) -> str:
        """`text` without the token, as written or percent-encoded (httpx quotes the URLs it echoes)."""
        return hide(text, [self._token])

    async def call(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> Any:
        """POST one method and return its `result`; raises ZaloApiError unless `ok`."""
        try:
            response = await self._http.post(self._base + method, json=params or {},
                                             timeout=timeout or REQUEST_TIMEOUT)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # InvalidURL: ZALO_BASE_URL makes no URL
            detail = self.redact(str(exc)) or type(exc).__name__
            raise ZaloApiError(method, 0, f"{type(exc).__name__}: {detail}") from None
        except (TypeError, ValueError) as exc:  # parameters no JSON encoder writes (a lone surrogate)
            raise ZaloApiError(method, 0, f"{type(exc).__name__}: the request could not be encoded") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            raise ZaloApiError(method, response.status_code, f"HTTP {response.status_code}, not a Bot API answer")
        if not body["ok"]:
            code = body.get("error_code") or response.status_code
            raise ZaloApiError(method, int(code), self.redact(str(body.get("description") or "no description")))
        return body.get("result")

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """Long-poll; the update received (Zalo sends one at a time), [] when the poll ended empty (HTTP 408)."""
        try:
            # Sent as a string, as the platform's own examples and other clients do.
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10)
        except ZaloApiError as exc:
            if exc.error_code == 408:
                return []
            raise
        updates = result if isinstance(result, list) else [result]
        return [u for u in updates if isinstance(u, dict) and u]

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        return await self.call("getWebhookInfo") or {}

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "ZaloBot":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
