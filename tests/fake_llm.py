"""A local fake OpenAI-compatible server (aiohttp): `POST /v1/chat/completions`, SSE or JSON.

`reply` is what the model says next (`STALL`, or an HTTP status as an int, to
fail); `requests` counts what reached it and `bodies`/`authorization` keep
what was sent, so tests can check the prompt and that the key went only here.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

STALL = object()


class FakeLLM:
    def __init__(self) -> None:
        self.reply: object = ""
        self.finish = "stop"
        self.streams = True  # False: answer one JSON document even when asked to stream
        self.requests = 0
        self.bodies: list[dict] = []
        self.authorization: list[str] = []
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()  # releases a stalled request at shutdown
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

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner:
            await self._runner.cleanup()

    async def _complete(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        body = await request.json()
        self.bodies.append(body)
        self.authorization.append(request.headers.get("Authorization", ""))
        if self.reply is STALL:
            await asyncio.wait_for(self._stopping.wait(), 30)
        if isinstance(self.reply, int):
            return web.json_response({"error": {"message": "fake failure"}}, status=self.reply)
        text = str(self.reply)
        if not (body.get("stream") and self.streams):
            return web.json_response({"choices": [{"index": 0, "finish_reason": self.finish,
                                                   "message": {"role": "assistant", "content": text}}]})
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
        for n, piece in enumerate(pieces):
            finish = self.finish if n == len(pieces) - 1 else None
            chunk = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": finish}]}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        await response.write(b": keep-alive\n\ndata: [DONE]\n\n")
        await response.write_eof()
        return response
