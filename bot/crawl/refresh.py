"""Refreshing the followed sites, as a service: `hoibao refresh`, the bots' refresh task and the publish hook
all call these, so a site is fetched the same polite way and built the same way whoever asks."""

from __future__ import annotations

from bot.settings import Settings
from index.errors import HoibaoError


def fetcher_from_settings(settings: Settings):
    """The polite fetcher (robots.txt, crawl delay, size and address limits) these settings describe."""
    from ingest.polite import PoliteFetcher

    return PoliteFetcher(settings.user_agent, timeout_seconds=settings.fetch_timeout_seconds,
                         max_bytes=settings.fetch_max_bytes, default_delay=settings.crawl_delay_seconds,
                         allow_private=settings.allow_private_addresses)


def rebuild_from(settings: Settings):
    """An incremental build of settings' index, for a process that has no AnswerService to reindex."""
    from bot.service import build_from_settings, embedder_from_settings

    return lambda: build_from_settings(settings, embedder_from_settings(settings), progress=False)


def refresh_once(settings: Settings, fetcher, rebuild, *, recheck: bool = False, progress: bool = False,
                 on_outcome=lambda outcome: None, should_stop=lambda: False):
    """One refresh of every source under the refresh lock; the RefreshReport."""
    from ingest.admit import Limits
    from ingest.refresh import refresh, refresh_lock
    from ingest.state import CrawlState

    with refresh_lock(settings.index_dir), CrawlState(settings.index_dir) as state:
        if not state.sources():
            raise HoibaoError("Chưa theo dõi nguồn nào: hoibao sources add URL (RSS/Atom, sitemap hoặc trang chủ).")
        return refresh(state, fetcher, settings.seeds_dir, rebuild, recheck=recheck,
                       max_articles=settings.refresh_max_articles, prune=settings.prune_xpath,
                       on_outcome=on_outcome, progress=progress, should_stop=should_stop,
                       limits=Limits.from_settings(settings))
