"""The bots' background refresh: every HOIBAO_REFRESH_MINUTES, poll the sources and hot-swap the index.

One asyncio task beside the bots (bot.channels.serve). Each refresh runs in a worker thread, so
the event loop keeps answering; the rebuild is `AnswerService.reindex`, the swap `/reindex`
makes, so a question sees the old index or the new one, never a mix. Nothing happens while no
source is followed (`hoibao sources add`); HOIBAO_REFRESH_MINUTES=0 turns the task off.

A failed refresh (a site down, a failed build, a busy /reindex) logs one line and leaves the
previous index answering; the next refresh tries again (ingest.refresh keeps a "rebuild pending"
flag until a rebuild succeeds). On shutdown a refresh stops between two URLs.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from bot.followers.service import Followers
from bot.service import AnswerService
from bot.settings import Settings
from index.errors import HoibaoError

log = logging.getLogger(__name__)


def _refresh(settings: Settings, service: AnswerService, fetcher, stopping: threading.Event,
             followers: Followers | None = None) -> str:
    """One refresh in the worker thread; the summary to log ('' when no source is followed)."""
    from bot.crawl.refresh import refresh_once
    from ingest.state import has_sources

    if not has_sources(settings.index_dir):
        return ""
    before = {aid for aid, _ in service.catalog_items()}
    report = refresh_once(settings, fetcher, lambda: service.reindex(wait=True), should_stop=stopping.is_set)
    if report.build_error:
        raise HoibaoError(f"{report.summary()}; the index was not rebuilt: {report.build_error}")
    if report.build is not None:
        from bot.crawl.publish import indexed_event

        service.articles_indexed(indexed_event(report, "refresh"))
    if report.build is None and not stopping.is_set() and service.current_build() != service.serving_build:
        service.reload()  # built beside the bot (`hoibao add`, `hoibao refresh`): serve it too, without building
    if followers is not None:
        new = [aid for aid, _ in service.catalog_items() if aid not in before]
        if new:
            followers.notify_followers(new)  # the one entry point a publish hook or watcher calls too
    return report.summary()


async def run(settings: Settings, service: AnswerService, stop: asyncio.Event,
              followers: Followers | None = None) -> None:
    """Refresh every HOIBAO_REFRESH_MINUTES until `stop`; never raises."""
    minutes = settings.refresh_minutes
    if minutes <= 0:
        return
    from bot.crawl.refresh import fetcher_from_settings

    stopping = threading.Event()
    with fetcher_from_settings(settings) as fetcher:
        try:
            while not stop.is_set():
                await _one(settings, service, stop, fetcher, stopping, followers)
                try:
                    await asyncio.wait_for(stop.wait(), timeout=minutes * 60)
                except asyncio.TimeoutError:
                    pass
        finally:
            stopping.set()


async def _one(settings: Settings, service: AnswerService, stop: asyncio.Event, fetcher,
               stopping: threading.Event, followers: Followers | None = None) -> None:
    """One refresh off the event loop; a stop asks it to end between two URLs, and is waited for."""
    work = asyncio.ensure_future(asyncio.to_thread(_refresh, settings, service, fetcher, stopping, followers))
    waiting = asyncio.ensure_future(stop.wait())
    await asyncio.wait({work, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if not work.done():
        stopping.set()
    try:
        summary = await work
    except Exception as exc:  # noqa: BLE001 — the bots keep answering from the previous index
        log.warning("refresh failed, the previous index keeps answering: %s",
                    exc if isinstance(exc, HoibaoError) else f"{type(exc).__name__}: {exc}")
        return
    if summary:
        log.info("refresh: %s", summary)
