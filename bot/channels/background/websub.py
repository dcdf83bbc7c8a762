"""WebSub on the hook server: subscribe to the followed feeds that name a hub, verify, take notifications.

`HOIBAO_WEBSUB_CALLBACK_URL` is the public address of the hook server's `/hooks` (for example
https://bot.example/hooks, proxied to HOIBAO_HOOK_HOST:PORT); each source's callback is
`<that>/websub/<source id>`. At start, and again before each lease ends, every followed feed is read
once (politely) for its `<link rel="hub">` and subscribed to. A verified notification (ingest.websub)
is handed to the publish worker like a hook call; an unsigned or wrongly signed one is acknowledged,
as the specification asks, and ignored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx
from aiohttp import web

from bot.crawl.publish import Publisher
from bot.settings import Settings
from index.errors import HoibaoError
from ingest import websub
from ingest.hook import MAX_BODY_BYTES, Publish

log = logging.getLogger(__name__)
RENEW_AT = 0.8  # of the lease granted
RETRY_SECONDS = 600.0  # after a feed or hub that failed


@dataclass
class Subscription:
    source_id: int
    topic: str
    hub: str
    secret: str
    verified_until: float = 0.0  # 0 until the hub has checked our intent


class Subscriptions:
    """The feeds subscribed to, by source id; routes for the hub's checks and notifications."""

    def __init__(self, settings: Settings, publisher: Publisher, fetcher) -> None:
        self.settings, self.publisher, self.fetcher = settings, publisher, fetcher
        self.base = settings.websub_callback_url
        self._secret = settings.publish_secret.get_secret_value() if settings.publish_secret else ""
        self.by_source: dict[int, Subscription] = {}
        self._task: asyncio.Task | None = None

    # ---- subscribing ---------------------------------------------------------------------
    def subscribe_all(self) -> int:
        """Read each followed feed for its hub and subscribe (worker thread); how many hubs were asked."""
        from ingest.refresh import fetch_listing
        from ingest.state import CrawlState, has_sources

        if not has_sources(self.settings.index_dir):
            return 0
        with CrawlState(self.settings.index_dir) as state:
            sources = state.sources()
        asked = 0
        with httpx.Client(headers={"User-Agent": self.settings.user_agent},
                          timeout=self.settings.fetch_timeout_seconds) as client:
            for source in sources:
                try:
                    listing, _, _ = fetch_listing(self.fetcher, source.url)
                    if listing is None or not listing.hub:
                        continue
                    topic = websub.topic_of(listing, source.url)
                    sub = Subscription(source.id, topic, listing.hub, websub.topic_secret(self._secret, topic))
                    self.by_source[source.id] = sub
                    websub.subscribe(client, sub.hub, topic, websub.callback_url(self.base, source.id), sub.secret)
                    asked += 1
                except HoibaoError as exc:
                    log.warning("WebSub: %s: %s", source.url, exc)
        return asked

    async def keep_subscribed(self, stop: asyncio.Event) -> None:
        """Subscribe now, then again before the shortest lease ends (or after RETRY_SECONDS); returns at once."""

        async def loop() -> None:
            while not stop.is_set():
                await asyncio.to_thread(self.subscribe_all)
                leases = [s.verified_until - time.time() for s in self.by_source.values() if s.verified_until]
                wait = min([RETRY_SECONDS, *(RENEW_AT * left for left in leases if left > 0)])
                try:
                    await asyncio.wait_for(stop.wait(), timeout=max(wait, 1.0))
                except asyncio.TimeoutError:
                    pass

        self._task = asyncio.create_task(loop(), name="websub")

    async def stop(self) -> None:
        """End the renewal loop (a subscription round in its thread is left to finish on its own)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # ---- the hub's requests --------------------------------------------------------------
    def add_routes(self, app: web.Application, flood) -> None:
        app.router.add_get("/hooks/websub/{source_id:\\d+}", self.verify)
        app.router.add_post("/hooks/websub/{source_id:\\d+}", self._notified(flood))

    def _subscription(self, request: web.Request) -> Subscription | None:
        return self.by_source.get(int(request.match_info["source_id"]))

    async def verify(self, request: web.Request) -> web.Response:
        """The hub checks we asked: echo its challenge for our topic, 404 for anything else."""
        sub = self._subscription(request)
        answer = websub.challenge(request.query, sub.topic) if sub else None
        if sub is None or answer is None:
            return web.Response(status=404, text="unknown subscription")
        sub.verified_until = time.time() + answer[1]
        log.info("WebSub: %s verified by %s for %d s", sub.topic, sub.hub, answer[1])
        return web.Response(text=answer[0], content_type="text/plain")

    def _notified(self, flood):
        async def notified(request: web.Request) -> web.Response:
            if not flood.allow(request.remote or "?"):
                return web.Response(status=429, text="too many requests")
            sub = self._subscription(request)
            if sub is None:
                return web.Response(status=404, text="unknown subscription")
            body = await request.read()
            if len(body) > MAX_BODY_BYTES or not websub.signed(sub.secret, body, request.headers.get(websub.SIGNATURE)):
                log.warning("WebSub: a notification for %s without a valid %s was ignored", sub.topic, websub.SIGNATURE)
                return web.Response(status=202, text="ignored")
            await asyncio.to_thread(self._take, sub, body, request.headers.get("Content-Type", ""))
            return web.Response(status=202, text="accepted")

        return notified

    def _take(self, sub: Subscription, body: bytes, content_type: str) -> None:
        """Record the notified feed's entries; queue those new or re-dated for the publish worker."""
        from ingest.sources import NotASource, parse_listing
        from ingest.state import CrawlState

        try:
            listing = parse_listing(body, sub.topic, content_type)
        except NotASource as exc:
            log.warning("WebSub: the notification for %s is not a feed: %s", sub.topic, exc.reason)
            return
        with CrawlState(self.settings.index_dir) as state:
            urls = websub.due_urls(state, listing, sub.source_id, time.time())
        if urls:
            self.publisher.submit(Publish(tuple(urls)), "websub")
