"""Publish requests (the hook, WebSub) turned into answers: one worker thread beside the bots.

The web handler only verifies and queues (`Publisher.submit`), so the CMS gets its 202 at once.
The worker takes everything queued so far as one batch (ten calls during a build become one
fetch round and one build), re-checks those URLs through `ingest.recheck` (the polite fetch,
extraction, crawl state and incremental build of `hoibao refresh`), swaps the new index in with
`AnswerService.reindex`, then tells `AnswerService.articles_indexed` what became answerable.
"""

from __future__ import annotations

import logging
import queue
import threading

from bot.service import AnswerService, ArticlesIndexed
from bot.settings import Settings
from ingest.add import NEW, REMOVED, UPDATED
from ingest.hook import Publish

log = logging.getLogger(__name__)


def indexed_event(report, via: str) -> ArticlesIndexed:
    """What a refresh or recheck report made answerable (new, updated) or took away (removed)."""
    changed = [o for o in report.outcomes if o.status in (NEW, UPDATED) and o.file]
    return ArticlesIndexed(articles=tuple(o.file for o in changed), urls=tuple(o.url for o in changed),
                           removed=tuple(o.file for o in report.outcomes if o.status == REMOVED and o.file), via=via)


class BuildOnly:
    """What the publish worker needs of an AnswerService, for a process that builds but does not answer:
    `hoibao refresh` as compose's crawler, whose new builds the read-only bots follow (index_follow)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._embedder = None
        self._lock = threading.Lock()

    def reindex(self, full: bool = False, wait: bool = True):
        from bot.service import build_from_settings, embedder_from_settings

        with self._lock:
            self._embedder = self._embedder or embedder_from_settings(self.settings)
            return build_from_settings(self.settings, self._embedder, full=full, progress=False, wait=wait)

    def articles_indexed(self, event: ArticlesIndexed) -> None:
        log.info("indexed via %s: %d new or changed, %d removed", event.via, len(event.articles), len(event.removed))


class Publisher:
    """Queue of publish requests and the thread that serves them; `close` stops it between batches."""

    def __init__(self, settings: Settings, service: AnswerService | BuildOnly, fetcher) -> None:
        self.settings, self.service, self.fetcher = settings, service, fetcher
        self._queue: queue.Queue[tuple[Publish, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="hoibao-publish", daemon=True)
        self._thread.start()

    def submit(self, publish: Publish, via: str = "hook") -> None:
        self._queue.put((publish, via))

    def close(self, timeout: float = 1.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _batch(self, first: tuple[Publish, str]) -> tuple[list[str], list[str], str, bool]:
        """The first request and all queued behind it: URLs to fetch, to delete, who asked, and whether to stop."""
        urls, deleted, vias = list(first[0].urls), list(first[0].deleted), [first[1]]
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return urls, deleted, "+".join(dict.fromkeys(vias)), False
            if item is None:
                return urls, deleted, "+".join(dict.fromkeys(vias)), True
            urls += item[0].urls
            deleted += item[0].deleted
            vias.append(item[1])

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            urls, deleted, via, stop = self._batch(item)
            try:
                self._serve(urls, deleted, via)
            except Exception as exc:  # noqa: BLE001 — the worker outlives one bad batch; the old index answers
                log.error("publish (%s) failed: %s: %s", via, type(exc).__name__, exc, exc_info=exc)
            if stop:
                return

    def _serve(self, urls: list[str], deleted: list[str], via: str) -> None:
        from ingest.recheck import recheck
        from ingest.state import CrawlState

        with CrawlState(self.settings.index_dir) as state:
            report = recheck(state, self.fetcher, self.settings.seeds_dir, urls, deleted=deleted,
                             prune=self.settings.prune_xpath, rebuild=lambda: self.service.reindex(wait=True))
        failed = [o for o in report.outcomes if o.status not in (NEW, UPDATED, REMOVED) and o.reason]
        for outcome in failed:
            log.warning("publish (%s): %s", via, outcome.line())
        if report.build_error:
            log.warning("publish (%s): %s; the index was not rebuilt, the previous one keeps answering: %s",
                        via, report.summary(), report.build_error)
            return
        log.info("publish (%s): %s", via, report.summary())
        self.service.articles_indexed(indexed_event(report, via))
