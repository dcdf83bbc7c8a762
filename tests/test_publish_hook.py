"""The publish hook: its signature contract, and the server beside the bots answering 202/401/400/429.

The server test runs the real aiohttp app, the real publish worker, the real embedder and index,
against the local news site: a signed call makes the article answerable; an unsigned one fetches
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time

import httpx
import pytest

from bot.channels.background import hooks
from bot.service import AnswerService, ArticlesIndexed
from bot.settings import Settings
from index.faiss.build import build_faiss
from ingest import hook
from ingest.urls import article_file_name
from tests.fake_news import Site, serve, story_page

SECRET = "cms-and-bot-share-this-0f3a9c"
UNSIGNED = "/the-thao/khong-ky.html"  # named only by requests the hook must refuse
NOW = 1_767_225_600


def signed_headers(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {hook.TIMESTAMP: stamp, hook.SIGNATURE: hook.sign(secret, stamp, body), "Content-Type": "application/json"}


# ---------------------------------------------------------------- the contract, pure

def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    body = b'{"urls": ["https://baothu.example/a.html"]}'
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + body, hashlib.sha256).hexdigest()
    assert hook.sign(SECRET, NOW, body) == f"sha256={expected}"
    hook.verify(SECRET, str(NOW), f"sha256={expected}", body, now=NOW + 299)


@pytest.mark.parametrize("timestamp, signature, body, why", [
    (None, "sha256=00", b"{}", "missing"),
    (str(NOW), None, b"{}", "missing"),
    ("soon", hook.sign(SECRET, "soon", b"{}"), b"{}", "Unix seconds"),
    (str(NOW), hook.sign("another-secret", NOW, b"{}"), b"{}", "bad signature"),
    (str(NOW), hook.sign(SECRET, NOW, b"{}"), b'{"urls": []}', "bad signature"),  # the body was changed
    (str(NOW), hook.sign(SECRET, NOW + 1, b"{}"), b"{}", "bad signature"),  # the timestamp was changed
    (str(NOW - 301), hook.sign(SECRET, NOW - 301, b"{}"), b"{}", "5 minutes off"),  # a replay
    (str(NOW + 301), hook.sign(SECRET, NOW + 301, b"{}"), b"{}", "5 minutes off"),
])
def test_bad_missing_or_replayed_signatures_are_401(timestamp, signature, body, why):
    with pytest.raises(hook.Refused, match=why) as refused:
        hook.verify(SECRET, timestamp, signature, body, now=NOW)
    assert refused.value.status == 401


@pytest.mark.parametrize("body, why", [
    (b"not json", "not JSON"), (b"[1]", "JSON object"), (b'{"urls": "https://a.example/x"}', "list of URLs"),
    (b'{"urls": ["javascript:alert(1)"]}', "not an http"), (b'{"urls": [], "deleted": []}', "nothing to do"),
    (b'{"url": ["https://a.example/x"]}', "unknown field"), (b"\xff\xfe", "not JSON"),
])
def test_a_malformed_body_is_400(body, why):
    with pytest.raises(hook.Refused, match=why) as refused:
        hook.parse(body)
    assert refused.value.status == 400


def test_urls_are_canonical_and_once():
    publish = hook.parse(b'{"urls": ["https://a.example/x?utm_source=cms", "https://A.example/x"], '
                         b'"deleted": ["https://a.example/y#top"]}')
    assert publish == hook.Publish(("https://a.example/x",), ("https://a.example/y",))


# ---------------------------------------------------------------- the server beside the bots

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SEED = ("Cầu treo Suối Mây nối hai thôn\n\n"
        "Cầu treo Suối Mây dài 180 mét, nối hai thôn Đồng Tre và Bến Lau của huyện Hòa Lạc.\n")
QUESTION = "Vận động viên nào về nhất cự ly 42 km ở giải chạy Vì Rừng Xanh?"


@pytest.fixture
def newsroom(tmp_path, embedder):
    pages = Site()
    base, stop = serve(pages)
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\n")
    pages.html("/the-thao/giai-chay.html", story_page("giai-chay"))
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / "cau-treo.txt").write_text(SEED, "utf-8")
    build_faiss(seeds, index, embedder, progress=False)
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, publish_secret=SECRET, hook_port=free_port(),
                        hook_max_per_minute=8, crawl_delay_seconds=0.01, user_agent="hoibao-test/1",
                        watch_seeds=False, allow_private_addresses=True)  # the newsroom's site is on 127.0.0.1
    yield pages, base, settings, AnswerService(settings, embedder)
    stop()


async def until(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def hook_server(settings: Settings, service: AnswerService):
    """The hook server as the bots run it; (its URL, what the service told its listeners)."""
    told: list[ArticlesIndexed] = []
    service.on_articles_indexed(told.append)
    stop = asyncio.Event()
    server = asyncio.create_task(hooks.run(settings, service, stop))
    try:
        await until(lambda: _listening(settings.hook_port), 10)
        yield f"http://127.0.0.1:{settings.hook_port}{hooks.PUBLISH_PATH}", told
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)


async def test_signed_call_202_then_answerable_unsigned_401_fetches_nothing_then_400_and_429(newsroom):
    pages, base, settings, service = newsroom
    article = base + "/the-thao/giai-chay.html"
    body = json.dumps({"urls": [article]}).encode()
    refused = json.dumps({"urls": [base + UNSIGNED]}).encode()  # another page, to see whether it is ever fetched
    async with hook_server(settings, service) as (url, told):
        async with httpx.AsyncClient(timeout=5) as client:
            forged = await client.post(url, content=refused, headers=signed_headers(refused, secret="guess"))
            unsigned = await client.post(url, content=refused, headers={"Content-Type": "application/json"})
            replayed = await client.post(url, content=refused,
                                         headers=signed_headers(refused, timestamp=int(time.time()) - 600))
            assert (forged.status_code, unsigned.status_code, replayed.status_code) == (401, 401, 401)

            fetchable = pages.held["/the-thao/giai-chay.html"] = threading.Event()
            accepted = await client.post(url, content=body, headers=signed_headers(body))
            # 202 while the article cannot have been fetched yet: the fetch and the build come after.
            assert accepted.status_code == 202 and accepted.json() == {"ok": True, "urls": 1, "deleted": 0}
            fetchable.set()
            await until(lambda: bool(told))
            # One worker serves requests in order: anything queued by the refused calls was served by now.
            assert pages.hits(UNSIGNED) == []
            answer = await asyncio.to_thread(service.answer, QUESTION)
            name = article_file_name(article)
            assert answer.found and answer.citations[0].paragraph.source == name
            assert "Nguyễn Hữu Phát" in (answer.sentence or "")
            assert told == [ArticlesIndexed((name,), (article,), (), "hook")]

            bad = b'{"urls": "not a list"}'
            malformed = await client.post(url, content=bad, headers=signed_headers(bad))
            assert malformed.status_code == 400 and "list of URLs" in malformed.json()["error"]

            statuses = [(await client.post(url, content=body, headers={})).status_code for _ in range(6)]
            assert statuses[-1] == 429 and set(statuses) <= {401, 429}  # 8 a minute: 4 used above, then a flood


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


async def test_a_signed_take_down_removes_the_last_article_from_the_answers(newsroom):
    pages, base, settings, service = newsroom
    article = base + "/the-thao/giai-chay.html"
    async with hook_server(settings, service) as (url, told):
        async with httpx.AsyncClient(timeout=5) as client:
            (settings.seeds_dir / "cau-treo.txt").unlink()  # the paper's only other story is gone too
            for payload in ({"urls": [article]}, {"deleted": [article]}):
                body, count = json.dumps(payload).encode(), len(told)
                assert (await client.post(url, content=body, headers=signed_headers(body))).status_code == 202
                await until(lambda: len(told) > count)
        assert told[-1].removed == (article_file_name(article),)
        assert service.catalog() == ()  # an empty index: nothing left to cite
        answer = await asyncio.to_thread(service.answer, QUESTION)
        assert not answer.found and answer.citations == ()


async def test_the_telegram_bot_in_polling_mode_serves_the_hook_and_watches_seeds(newsroom, tmp_path):
    """serve_all, as `hoibao telegram` runs it: the bot polls a fake Bot API, the hook answers beside it."""
    from pydantic import SecretStr

    from bot.channels import serve
    from bot.channels.credentials import TELEGRAM
    from tests.fake_telegram import FakeTelegram

    pages, base, settings, service = newsroom
    token = "654321:AAH-secret-part-never-logged"
    api = FakeTelegram(token)
    await api.start()
    polling = settings.model_copy(update=dict(telegram_bot_token=SecretStr(token), telegram_base_url=api.base_url,
                                              watch_seeds=True))
    stop = asyncio.Event()
    running = asyncio.create_task(serve.serve_all(polling, service, [TELEGRAM], stop=stop))
    article = base + "/the-thao/giai-chay.html"
    body = json.dumps({"urls": [article]}).encode()
    try:
        await api.wait_for(None, method="setMyCommands")
        await until(lambda: _listening(settings.hook_port), 10)
        async with httpx.AsyncClient(timeout=5) as client:
            url = f"http://127.0.0.1:{settings.hook_port}{hooks.PUBLISH_PATH}"
            assert (await client.post(url, content=body, headers=signed_headers(body))).status_code == 202
        await until(lambda: article_file_name(article) in {a.source for a in service.catalog()})
        api.message(1, QUESTION)
        assert "Nguyễn Hữu Phát" in (await api.wait_for(1))[0]["text"]  # a reader asks the bot, which answers
        (settings.seeds_dir / "cau-treo.txt").unlink()  # the watcher takes it out of the answers
        await until(lambda: "cau-treo.txt" not in {a.source for a in service.catalog()}, 30)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
        await api.stop()
