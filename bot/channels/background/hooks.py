"""The publish hook server beside the bots: `POST /hooks/publish` (and WebSub callbacks) on HOIBAO_HOOK_HOST:PORT.

Started by `hoibao telegram`, `zalo` and `run` whenever HOIBAO_PUBLISH_SECRET is set, in polling
mode too (bot.channels.serve). A request is answered at once:

- 429 past HOIBAO_HOOK_MAX_PER_MINUTE requests from one address in the last minute (counted before
  anything else, so a flood of bad signatures costs no HMAC);
- 401 without a valid signature (ingest.hook.verify: HMAC-SHA256 over "<timestamp>.<body>", at most
  five minutes off); nothing of such a request is read further, let alone fetched;
- 400 for a body that is not {"urls": [...], "deleted": [...]};
- 202 otherwise, and the URLs go to the publish worker (bot.crawl.publish.Publisher).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict, deque

from aiohttp import web

from bot.crawl.publish import Publisher
from bot.service import AnswerService
from bot.settings import Settings
from ingest import hook

log = logging.getLogger(__name__)
PUBLISH_PATH = "/hooks/publish"
WINDOW_SECONDS = 60.0


class Flood:
    """Requests per remote address in a sliding minute."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, remote: str) -> bool:
        now, seen = self.clock(), self._seen[remote]
        while seen and now - seen[0] > WINDOW_SECONDS:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:  # bounded: forget addresses that went quiet
            for key in [k for k, v in self._seen.items() if not v or now - v[-1] > WINDOW_SECONDS]:
                del self._seen[key]
        return True


def _refusal(status: int, why: str) -> web.Response:
    return web.json_response({"ok": False, "error": why}, status=status)


def publish_handler(secret: str, publisher: Publisher, flood: Flood, clock=time.time):
    async def publish(request: web.Request) -> web.Response:
        """Verify, parse, queue; the CMS never waits for the fetch or the build."""
        if not flood.allow(request.remote or "?"):
            return _refusal(429, "too many requests; try again in a minute")
        body = await request.read()
        try:
            hook.verify(secret, request.headers.get(hook.TIMESTAMP), request.headers.get(hook.SIGNATURE), body,
                        clock())
            publish = hook.parse(body)
        except hook.Refused as refused:
            log.warning("publish hook: %d from %s: %s", refused.status, request.remote, refused)
            return _refusal(refused.status, str(refused))
        publisher.submit(publish, "hook")
        return web.json_response({"ok": True, "urls": len(publish.urls), "deleted": len(publish.deleted)},
                                 status=202, dumps=lambda data: json.dumps(data, ensure_ascii=False))

    return publish


def make_app(settings: Settings, publisher: Publisher, websub=None) -> web.Application:
    """The hook server's routes (WebSub's when `websub` is given: bot.channels.background.websub.Subscriptions)."""
    secret = settings.publish_secret.get_secret_value() if settings.publish_secret else ""
    app = web.Application(client_max_size=hook.MAX_BODY_BYTES + 1)
    app.router.add_post(PUBLISH_PATH, publish_handler(secret, publisher, Flood(settings.hook_max_per_minute)))
    if websub is not None:
        websub.add_routes(app, Flood(settings.hook_max_per_minute))
    return app


async def run(settings: Settings, service: AnswerService, stop: asyncio.Event) -> None:
    """Serve the hook until `stop`; nothing without HOIBAO_PUBLISH_SECRET. A port in use is one error line."""
    if settings.publish_secret is None or not settings.publish_secret.get_secret_value():
        return
    from bot.channels.background.websub import Subscriptions
    from bot.crawl.refresh import fetcher_from_settings

    with fetcher_from_settings(settings) as fetcher:
        publisher = Publisher(settings, service, fetcher)
        websub = Subscriptions(settings, publisher, fetcher) if settings.websub_callback_url else None
        runner = web.AppRunner(make_app(settings, publisher, websub), access_log=None)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, settings.hook_host, settings.hook_port).start()
            except OSError as exc:
                log.error("publish hook: cannot listen on %s:%s (%s); set HOIBAO_HOOK_HOST / HOIBAO_HOOK_PORT",
                          settings.hook_host, settings.hook_port, exc.strerror or exc)
                return
            log.info("publish hook listening on http://%s:%s%s", settings.hook_host, settings.hook_port, PUBLISH_PATH)
            if websub is not None:
                await websub.keep_subscribed(stop)
            await stop.wait()
        finally:
            if websub is not None:
                await websub.stop()
            await runner.cleanup()
            await asyncio.to_thread(publisher.close)
