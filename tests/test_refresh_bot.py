"""Refresh meets the index: `hoibao sources` / `hoibao refresh` as a subprocess, and the bots'
background refresh hot-swapping the index while questions are being answered."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest

from bot.channels.background import refresh as refresh_task
from bot.service import AnswerService
from bot.settings import Settings
from index.errors import HoibaoError
from index.faiss.build import build_faiss
from ingest.follow import add_source
from ingest.polite import PoliteFetcher
from ingest.state import CrawlState, state_path
from ingest.urls import article_file_name
from tests.fake_news import Site, article_page, homepage_with_feeds, rss, serve, story_page
from tests.test_cli import run

CAU, CAM = "/xa-hoi/cau-treo.html", "/kinh-te/cam-sanh.html"
OLD_QUESTION = "Cầu treo Suối Mây dài bao nhiêu mét?"
NEW_QUESTION = "Hợp tác xã Nà Lừ thu hoạch bao nhiêu tấn cam sành?"
SEED = ("Cầu treo Suối Mây nối hai thôn\n\n"
        "Cầu treo Suối Mây dài 180 mét, nối hai thôn Đồng Tre và Bến Lau của huyện Hòa Lạc.\n\n"
        "Cây cầu được thi công trong 14 tháng với tổng vốn 26 tỉ đồng.\n")


@pytest.fixture
def site():
    pages = Site()
    base, stop = serve(pages)
    pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\nDisallow: /rieng/\n")
    pages.html(CAU, article_page())
    pages.html(CAM, story_page("cam-sanh"))
    pages.xml("/rss", rss(base, [("Cầu treo", CAU, time.time())]), "application/rss+xml")
    pages.html("/", homepage_with_feeds([("application/rss+xml", "/rss")]))
    yield pages, base
    stop()


def test_the_newsrooms_three_commands(tmp_path, site):
    pages, base = site
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    fast = {"HOIBAO_CRAWL_DELAY_SECONDS": "0.01", "HOIBAO_USER_AGENT": "hoibao-test/1",
            "HOIBAO_ALLOW_PRIVATE_ADDRESSES": "true"}  # the site is on 127.0.0.1

    none = run(["refresh", "--once"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=fast)
    assert none.returncode == 2 and "Chưa theo dõi nguồn nào: hoibao sources add URL" in none.stderr

    added = run(["sources", "add", f"{base}/", f"{base}/khong-co"], cwd=tmp_path, index_dir=index, seeds_dir=seeds,
                settings=fast)
    assert added.returncode == 2  # one of the two was refused
    assert added.stdout.splitlines()[0] == (f"Đã thêm nguồn RSS 2.0: {base}/rss · Báo Thử Nghiệm - Thời sự · "
                                            f"1 bài đang liệt kê (tìm thấy trên {base}/)")
    assert added.stderr.strip() == (f"hoibao: Không thêm được nguồn {base}/khong-co: "
                                    "HTTP 404: trang không tồn tại (not found)")

    pages.xml("/rss", rss(base, [("Cầu treo", CAU, time.time()), ("Cam", CAM, time.time()),
                                 ("Mất", "/mat.html", time.time())]), "application/rss+xml")
    refreshed = run(["refresh", "--once"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=fast)
    assert refreshed.returncode == 0, refreshed.stderr
    lines = refreshed.stdout.splitlines()
    assert sorted(line.split()[0] for line in lines[:3]) == ["lỗi", "mới", "mới"]
    assert lines[3] == "2 mới · 0 cập nhật · 0 không đổi · 1 lỗi"
    assert lines[4].startswith("Indexed 2 articles")
    assert {h.user_agent for h in pages.log} == {"hoibao-test/1"}

    asked = run(["ask", "--json", NEW_QUESTION], cwd=tmp_path, index_dir=index)
    reply = json.loads(asked.stdout)
    assert reply["found"] and "40 tấn" in reply["reply"]
    assert reply["citations"][0]["source"] == article_file_name(base + CAM)

    again = run(["refresh", "--once", "--recheck"], cwd=tmp_path, index_dir=index, seeds_dir=seeds, settings=fast)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "0 mới · 0 cập nhật · 2 không đổi · 1 lỗi"  # unchanged: no line, no build

    listed = run(["sources", "list"], cwd=tmp_path, index_dir=index)
    assert listed.stdout.startswith(f"RSS           {base}/rss  2 bài · 0 chưa lưu · 1 đã bỏ · kiểm tra ")
    removed = run(["sources", "remove", f"{base}/"], cwd=tmp_path, index_dir=index)
    assert removed.stdout.strip() == f"Đã bỏ nguồn RSS: {base}/rss"


# ---------------------------------------------------------------- the bots' background refresh

@pytest.fixture
def bot_settings(tmp_path, site, embedder) -> Settings:
    """A one-article index, the site's feed followed, a refresh every 0.6 s."""
    _, base = site
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    seeds.mkdir()
    (seeds / "cau-treo-suoi-may.txt").write_text(SEED, "utf-8")
    build_faiss(seeds, index, embedder, progress=False)
    with CrawlState(index) as state, PoliteFetcher("t", timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as f:
        add_source(state, f, base + "/rss")
    return Settings(_env_file=None, seeds_dir=seeds, index_dir=index, refresh_minutes=0.01, allow_private_addresses=True,
                    crawl_delay_seconds=0.01, user_agent="hoibao-test/1")


def _cites(answer, name: str) -> bool:
    return answer.found and answer.citations and answer.citations[0].paragraph.source == name


async def test_questions_are_answered_during_a_refresh_and_its_hot_swap(site, bot_settings, embedder):
    pages, base = site
    pages.xml("/rss", rss(base, [("Cam", CAM, time.time())]), "application/rss+xml")
    pages.slow[CAM] = 0.5  # a refresh that takes a while
    service = AnswerService(bot_settings, embedder)
    swaps: list[tuple[float, float]] = []
    reindex = service.reindex

    def timed_reindex(*args, **kwargs):
        started = time.monotonic()
        try:
            return reindex(*args, **kwargs)
        finally:
            swaps.append((started, time.monotonic()))

    service.reindex = timed_reindex
    stop = asyncio.Event()
    answers: list[tuple[float, float, bool]] = []  # (asked, answered, the old article cited)
    ticks: list[float] = []

    async def ask_all_along() -> None:
        while not stop.is_set():
            asked = time.monotonic()
            answer = await asyncio.to_thread(service.answer, OLD_QUESTION)
            answers.append((asked, time.monotonic(), _cites(answer, "cau-treo-suoi-may.txt")))

    async def tick() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    started = time.monotonic()
    running = [asyncio.create_task(c) for c in (refresh_task.run(bot_settings, service, stop), ask_all_along(), tick())]
    new_name = article_file_name(base + CAM)
    try:
        while not _cites(await asyncio.to_thread(service.answer, NEW_QUESTION), new_name):
            assert time.monotonic() - started < 60, "the new article never became answerable"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*running), 30)

    (swap_start, swap_end), *_ = swaps
    assert all(ok for *_, ok in answers), "a question about the old article went unanswered"
    fetch = pages.hits(CAM)[0].at  # the refresh is under way from here to the end of the swap
    answered_during = [done for _, done, _ in answers if fetch < done < swap_end]
    asked_across_swap = [asked for asked, done, _ in answers if asked < swap_end and done > swap_start]
    assert len(answered_during) >= 2, "questions stopped being answered while the refresh ran"
    assert asked_across_swap, "no question was in flight during the hot swap"
    assert [t for t in ticks if fetch < t < swap_end], "the event loop stood still during the refresh"


async def test_a_failed_refresh_logs_one_line_keeps_the_old_index_and_is_retried(site, bot_settings, embedder, caplog):
    pages, base = site
    pages.xml("/rss", rss(base, [("Cam", CAM, time.time())]), "application/rss+xml")
    service = AnswerService(bot_settings, embedder)
    reindex, calls = service.reindex, []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise HoibaoError("No space left on device")
        return reindex(*args, **kwargs)

    service.reindex = failing_once
    stop = asyncio.Event()
    caplog.set_level(logging.INFO, logger="bot.channels.background.refresh")
    task = asyncio.create_task(refresh_task.run(bot_settings, service, stop))
    new_name = article_file_name(base + CAM)
    try:
        while len(calls) < 2 or not _cites(service.answer(NEW_QUESTION), new_name):
            if len(calls) == 1:  # between the failure and the retry: the old index answers
                assert _cites(service.answer(OLD_QUESTION), "cau-treo-suoi-may.txt")
            await asyncio.sleep(0.05)
            assert not task.done()
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    failures = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failures) == 1 and failures[0].getMessage() == (
        "refresh failed, the previous index keeps answering: 1 mới · 0 cập nhật · 0 không đổi · 0 lỗi; "
        "the index was not rebuilt: No space left on device")
    assert any(r.getMessage() == "refresh: 0 mới · 0 cập nhật · 0 không đổi · 0 lỗi · 1 chưa đến hạn"
               for r in caplog.records)  # the rebuild retried; the article, fetched, waits for its next check


async def test_off_or_without_sources_the_task_does_nothing(tmp_path, settings, embedder):
    service = AnswerService(settings, embedder)
    stop = asyncio.Event()
    await asyncio.wait_for(refresh_task.run(settings.model_copy(update={"refresh_minutes": 0}), service, stop), 1)
    quick = settings.model_copy(update={"refresh_minutes": 0.001})
    task = asyncio.create_task(refresh_task.run(quick, service, stop))
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert not state_path(settings.index_dir).exists()  # no database made by looking


def test_an_article_gone_twice_is_no_longer_answered(site, bot_settings, embedder):
    from bot.crawl.refresh import refresh_once

    pages, base = site
    service = AnswerService(bot_settings, embedder)
    cau = article_file_name(base + CAU)
    with PoliteFetcher("t", timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        refresh_once(bot_settings, fetcher, service.reindex)
        assert cau in {a.source for a in service.catalog()}
        pages.gone(CAU, 410)
        refresh_once(bot_settings, fetcher, service.reindex, recheck=True)
        assert cau in {a.source for a in service.catalog()}  # once is not enough
        report = refresh_once(bot_settings, fetcher, service.reindex, recheck=True)
    assert report.summary() == "0 mới · 0 cập nhật · 0 không đổi · 0 lỗi · 1 đã xoá" and report.build is not None
    assert cau not in {a.source for a in service.catalog()}
    assert not any(c.paragraph.source == cau for c in service.answer("Cầu treo Suối Mây có hệ thống đèn gì?").citations)


def test_the_refresh_notifies_followers_of_new_articles_once(site, bot_settings, embedder, tmp_path):
    import threading

    from bot.desk.intents import FOLLOW, Intent
    from bot.followers.service import Followers
    from bot.followers.store import FollowStore

    pages, base = site
    service = AnswerService(bot_settings, embedder)
    store = FollowStore.open(f"sqlite:///{tmp_path / 'hoibao.db'}")
    followers = Followers(store, service)
    followers.command("telegram", 77, Intent(FOLLOW, "cam sành"))
    followers.command("telegram", 78, Intent(FOLLOW, "bóng đá"))
    with PoliteFetcher("t", timeout_seconds=1, max_bytes=100_000, default_delay=0, allow_private=True) as fetcher:
        refresh_task._refresh(bot_settings, service, fetcher, threading.Event(), followers)  # the bridge: nobody
        assert store.due("telegram") == []
        pages.xml("/rss", rss(base, [("Cam", CAM, time.time())]), "application/rss+xml")
        refresh_task._refresh(bot_settings, service, fetcher, threading.Event(), followers)
        (push,) = store.due("telegram")
        assert push.address == "77" and push.body.startswith("🔔 Tin mới về «cam sành»:")
        refresh_task._refresh(bot_settings, service, fetcher, threading.Event(), followers)
    assert len(store.due("telegram")) == 1  # nothing new: nothing queued again
