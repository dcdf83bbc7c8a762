"""An OpenAI-compatible chat-completions client over httpx, streaming, with one total timeout.

httpx rather than the `openai` package: one dependency less, the SSE stream is a
few lines, and the timeout and size limits are ours. Every failure becomes a
`WriteFailed` carrying the fallback reason the bot reports; the API key goes
only into the Authorization header and is never logged or put in a message.
"""

from __future__ import annotations

import asyncio
import functools
import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx is imported when a model is first asked: `hoibao ask` without one never loads it
    import httpx

TIMEOUT, ERROR, EMPTY, TOO_LONG = "timeout", "error", "empty", "too_long"
_CHARS_PER_TOKEN = 8  # a generous cap on characters read, so a runaway stream stops early


class WriteFailed(Exception):
    """The model gave no usable text; `reason` is the fallback reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class ChatModel:
    base_url: str
    model: str
    api_key: str | None
    timeout: float
    max_tokens: int

    async def complete(self, messages: list[dict], stream: bool = True,
                       on_piece: Callable[[str], None] | None = None) -> str:
        """The reply's text, read within `timeout` seconds in all; raises WriteFailed.

        `on_piece` gets each piece of a streamed reply as it arrives (a reply sent as
        one JSON document arrives as one piece).
        """
        import httpx

        try:
            return await asyncio.wait_for(self._request(messages, stream, on_piece), self.timeout)
        except (asyncio.TimeoutError, httpx.TimeoutException):
            raise WriteFailed(TIMEOUT, f"no complete reply within {self.timeout:g} s") from None
        except (httpx.HTTPError, ValueError) as exc:  # connection, protocol, a reply that is not JSON
            raise WriteFailed(ERROR, type(exc).__name__) from None

    async def _request(self, messages: list[dict], stream: bool, on_piece: Callable[[str], None] | None) -> str:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens,
                "temperature": 0, "stream": stream}
        url = self.base_url.rstrip("/") + "/chat/completions"
        import httpx

        async with httpx.AsyncClient(timeout=self.timeout, verify=_tls()) as client:
            async with client.stream("POST", url, json=body, headers=headers) as response:
                if response.status_code != 200:
                    raise WriteFailed(ERROR, f"HTTP {response.status_code}")
                if response.headers.get("content-type", "").startswith("text/event-stream"):
                    text, finish = await self._read_stream(response, on_piece)
                else:  # a server that ignores "stream" answers one JSON document
                    text, finish = _from_json(json.loads(await response.aread()))
                    if on_piece and text:
                        on_piece(text)
        text = text.strip()
        if finish == "length" or len(text) > self.max_tokens * _CHARS_PER_TOKEN:
            raise WriteFailed(TOO_LONG)
        if not text:
            raise WriteFailed(EMPTY)
        return text

    async def _read_stream(self, response: httpx.Response,
                           on_piece: Callable[[str], None] | None) -> tuple[str, str | None]:
        """Server-sent events: `data: {json}` lines until `data: [DONE]`."""
        parts: list[str] = []
        finish = None
        size = 0
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue  # blank separators, comments (": keep-alive"), event names
            data = line[5:].strip()
            if data == "[DONE]":
                break
            choice = _choice(json.loads(data))
            piece = _content(choice.get("delta"))
            parts.append(piece)
            size += len(piece)
            finish = choice.get("finish_reason") or finish
            if size > self.max_tokens * _CHARS_PER_TOKEN:
                raise WriteFailed(TOO_LONG)
            if on_piece and piece:
                on_piece(piece)
        return "".join(parts), finish


def _from_json(document: object) -> tuple[str, str | None]:
    choice = _choice(document)
    return _content(choice.get("message")), choice.get("finish_reason")


def _choice(document: object) -> dict:
    """The first choice of a completion or a chunk; {} for JSON of another shape (a proxy's error, `[]`)."""
    choices = document.get("choices") if isinstance(document, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    return first if isinstance(first, dict) else {}


def _content(part: object) -> str:
    """A message's or delta's text; '' when it has none, or something that is not text."""
    content = part.get("content") if isinstance(part, dict) else None
    return content if isinstance(content, str) else ""


@functools.cache
def _tls() -> ssl.SSLContext:
    """Certificate checks as httpx makes them by default; loading the CA bundle takes ~50 ms: once per process,
    not once per request."""
    import httpx

    return httpx.create_ssl_context()
