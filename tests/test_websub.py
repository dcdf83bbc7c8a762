"""WebSub: a followed feed that names a hub is subscribed to, the hub's intent check is answered, and a
verified notification makes its new article answerable; a forged one fetches nothing.

Real parts: the hook server, the publish worker, the embedder and index, the local news site, and a
strict fake hub of our own (tests/fake_hub.py) talking HTTP to them.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

import httpx
import pytest

from bot.channels.background import hooks
from bot.service import AnswerService, ArticlesIndexed
from bot.settings import Settings
from index.faiss.build import build_faiss
from ingest import websub
from ingest.follow import add_source
from ingest.polite import PoliteFetcher
from ingest.sources import parse_listing
from ingest.state import CrawlState
from ingest.urls import article_file_name
from tests import fake_hub
from tests.fake_news import Site, serve, story_page
from tests.test_publish_hook import SECRET, SEED, free_port, until

CHAY, CAM = "/the-thao/giai-chay.html", "/kinh-te/cam-sanh.html"
FORGED = "/kinh-te/tin-gia.html"  # only a forged notification names it


def rss_with_hub(base: str, hub: str, paths: list[str], published: dict[str, float] | None = None) -> str:
    """RSS naming its hub and itself; each item dated `published[path]` (else now: a feed that restamps)."""
    when = published or {}
    items = "".join(f"<item><title>Tin</title><link>{escape(base + p)}</link>"
                    f"<pubDate>{formatdate(when.get(p, time.time()), usegmt=True)}</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f'<channel><title>Báo Thử Nghiệm</title><link>{base}/</link>'
            f'<atom:link rel="hub" href="{escape(hub)}"/><atom:link rel="self" href="{escape(base)}/rss"/>'
            f"{items}</channel></rss>")


def test_a_feed_names_its_hub_and_itself():
    listing = parse_listing(rss_with_hub("http://baothu.example", "http://hub.example/", ["/a.html"]).encode(),
                            "http://baothu.example/rss")
    assert (listing.hub, listing.topic) == ("http://hub.example/", "http://baothu.example/rss")
    assert websub.challenge({"hub.mode": "subscribe", "hub.topic": "http://baothu.example/rss",
                             "hub.challenge": "c1", "hub.lease_seconds": "600"}, "http://baothu.example/rss") == ("c1", 600)
    assert websub.challenge({"hub.mode": "subscribe", "hub.topic": "http://other.example/rss",
                             "hub.challenge": "c1"}, "http://baothu.example/rss") is None
    assert websub.signed("k", b"body", "sha256=" + hmac.new(b"k", b"body", "sha256").hexdigest())
    assert not websub.signed("k", b"body", "md5=00") and not websub.signed("k", b"body", None)


@pytest.fixture
def newsroom(tmp_path, embedder):
    pages, hub = Site(), fake_hub.Hub()
    base, stop_site = serve(pages)
    hub_url, stop_hub = fake_hub.serve(hub)
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\n")
    pages.html(CHAY, story_page("giai-chay"))
    pages.html(CAM, story_page("cam-sanh"))
    pages.xml("/rss", rss_with_hub(base, hub_url, [CHAY]), "application/rss+xml")
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / "cau-treo.txt").write_text(SEED, "utf-8")
    build_faiss(seeds, index, embedder, progress=False)
    with CrawlState(index) as state, PoliteFetcher("t", timeout_seconds=2, max_bytes=100_000, default_delay=0,
                                                       allow_private=True) as f:
        add_source(state, f, base + "/rss")
    port = free_port()
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, publish_secret=SECRET, hook_port=port,
                        websub_callback_url=f"http://127.0.0.1:{port}/hooks", crawl_delay_seconds=0.01,
                        user_agent="hoibao-test/1", watch_seeds=False, allow_private_addresses=True)
    yield pages, base, hub, settings, AnswerService(settings, embedder)
    stop_hub()
    stop_site()


async def test_subscribed_verified_then_a_signed_notification_is_answerable(newsroom):
    pages, base, hub, settings, service = newsroom
    told: list[ArticlesIndexed] = []
    service.on_articles_indexed(told.append)
    stop = asyncio.Event()
    server = asyncio.create_task(hooks.run(settings, service, stop))
    topic = base + "/rss"
    try:
        await until(lambda: bool(hub.verified(topic)), 20)
        form = hub.requests[0]
        assert form["hub.callback"] == f"http://127.0.0.1:{settings.hook_port}/hooks/websub/1"
        assert form["hub.secret"] == websub.topic_secret(SECRET, topic) and SECRET not in form["hub.secret"]

        # Someone else asking our callback about another topic is not confirmed.
        async with httpx.AsyncClient() as client:
            stranger = await client.get(form["hub.callback"], params={
                "hub.mode": "subscribe", "hub.topic": "http://evil.example/rss", "hub.challenge": "x"})
        assert stranger.status_code == 404

        # The feed gains an article; a forged notification is acknowledged and ignored.
        forged = rss_with_hub(base, "http://hub.invalid/", [FORGED, CHAY]).encode()
        assert await asyncio.to_thread(hub.publish, topic, forged, forge=True) == [202]

        feed = rss_with_hub(base, "http://hub.invalid/", [CAM, CHAY]).encode()
        assert await asyncio.to_thread(hub.publish, topic, feed) == [202]
        await until(lambda: bool(told), 60)
        # One worker serves notifications in order: had the forged one been taken, it was served by now.
        assert pages.hits(FORGED) == []
        name = article_file_name(base + CAM)
        assert told[0].via == "websub" and set(told[0].articles) == {name, article_file_name(base + CHAY)}
        answer = await asyncio.to_thread(service.answer, "Hợp tác xã Nà Lừ thu hoạch bao nhiêu tấn cam sành?")
        assert answer.found and answer.citations[0].paragraph.source == name
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)
