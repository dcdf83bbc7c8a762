"""A local fake OpenAI-compatible server (aiohttp): `POST /v1/chat/completions`, SSE or JSON.

`reply` is what the model says next (`STALL`, or an HTTP status as an int, to
fail), or a function of the request body returning one of those; `requests`
counts what reached it and `bodies`/`authorization` keep what was sent, so tests
can check the prompt and that the key went only here. A stalled request waits
until `release()` (or `stop()`), then answers with the `reply` of that moment.

Streaming is paced like a model: `first_delay` seconds before the first piece,
`piece_delay` between pieces of `piece_chars` characters; `waited` keeps the
seconds each request actually spent in those pauses (what is not the client's
latency); `in_flight` and `most_in_flight` count requests being answered.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

from aiohttp import web

from index.text import split_sentences

STALL = object()


class Document:
    """A reply given as this JSON value verbatim: the whole JSON answer, or the one event of a stream."""

    def __init__(self, value: object) -> None:
        self.value = value


Reply = object  # str, int (an HTTP status), STALL, Document


def quote_sentences(body: dict, count: int = 1) -> str:
    """A grounded reply to any prompt: the first `count` sentences of paragraph [1], each cited."""
    prompt = body["messages"][-1]["content"]
    line = next(x for x in prompt.splitlines() if x.startswith("[1] ("))
    text = line.split(") ", 1)[1]
    text = text.split("«", 1)[-1].rsplit("»", 1)[0]  # the paragraph, quoted as data (bot.llm.prompt)
    sentences = split_sentences(text)[:count]
    return " ".join(f"{sentence.rstrip('.')} [1]." for sentence in sentences)


def quote_first_sentence(body: dict) -> str:
    return quote_sentences(body, 1)


class FakeLLM:
    def __init__(self) -> None:
        self.reply: Reply | Callable[[dict], Reply] = ""
        self.finish = "stop"
        self.streams = True  # False: answer one JSON document even when asked to stream
        self.first_delay = 0.0
        self.piece_delay = 0.0
        self.piece_chars = 7
        self.requests = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.bodies: list[dict] = []
        self.waited: list[float] = []
        self.authorization: list[str] = []
        self._runner: web.AppRunner | None = None
        self._released = asyncio.Event()  # lets stalled requests go on (at release() or shutdown)
        self.base_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"

    def release(self) -> None:
        """Let every stalled request answer (with the `reply` of now); later ones stall afresh."""
        self._released.set()
        self._released = asyncio.Event()

    async def stop(self) -> None:
        self._released.set()
        self.reply = 503
        if self._runner:
            await self._runner.cleanup()

    def delay(self, text: str) -> float:
        """The seconds this server itself takes to say `text`: what is not hoibao's latency."""
        return self.first_delay + self.piece_delay * max(len(self.pieces(text)) - 1, 0)

    def pieces(self, text: str) -> list[str]:
        return [text[i:i + self.piece_chars] for i in range(0, len(text), self.piece_chars)]

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _pause(self, seconds: float) -> None:
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        self.waited[-1] += time.perf_counter() - started

    def _reply(self, body: dict) -> Reply:
        return self.reply(body) if callable(self.reply) else self.reply

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.bodies.append(body)
        self.waited.append(0.0)
        self.authorization.append(request.headers.get("Authorization", ""))
        reply = self._reply(body)
        if reply is STALL:
            await asyncio.wait_for(self._released.wait(), 30)
            reply = self._reply(body)
        if reply is STALL:
            reply = 503
        if isinstance(reply, int):
            return web.json_response({"error": {"message": "fake failure"}}, status=reply)
        if isinstance(reply, Document):
            if not (body.get("stream") and self.streams):
                return web.json_response(reply.value)
            return web.Response(body=f"data: {json.dumps(reply.value)}\n\ndata: [DONE]\n\n".encode(),
                                headers={"Content-Type": "text/event-stream"})
        text = str(reply)
        if not (body.get("stream") and self.streams):
            await self._pause(self.delay(text))
            return web.json_response({"choices": [{"index": 0, "finish_reason": self.finish,
                                                   "message": {"role": "assistant", "content": text}}]})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        pieces = self.pieces(text)
        for n, piece in enumerate(pieces):
            await self._pause(self.piece_delay if n else self.first_delay)
            finish = self.finish if n == len(pieces) - 1 else None
            chunk = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": finish}]}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        await response.write(b": keep-alive\n\ndata: [DONE]\n\n")
        await response.write_eof()
        return response
