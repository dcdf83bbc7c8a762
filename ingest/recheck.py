"""Articles named by URL, now: `hoibao refresh URL…`, the publish hook and WebSub notifications.

The same path as a scheduled refresh, for just these URLs: each is recorded in the crawl state
(`CrawlState.asked_for`), fetched politely by `ingest.refresh.check_article` (robots.txt, the
host's delay, conditional GET), extracted and written into the seeds folder; then one rebuild if
anything changed. A URL in `deleted` (the CMS took the article down, and signed the request) is
removed from the seeds folder at once, without waiting for two 404s.

No refresh lock is taken: a scheduled refresh may poll the sources meanwhile. Both write each
article file atomically and record their checks in SQLite (WAL); the builds they ask for take the
index's writer lock (index.lock), one after the other.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable

from index.errors import HoibaoError
from ingest import schedule
from ingest.add import FAILED, NEW, REMOVED, UPDATED, Outcome
from ingest.polite import PoliteFetcher
from ingest.refresh import REBUILD_PENDING, RefreshReport, check_article
from ingest.state import REMOVED as GONE, CrawlState
from ingest.urls import article_file_name, canonical_url, is_web_url

log = logging.getLogger(__name__)
TAKEN_DOWN = "toà soạn đã gỡ bài (deleted by the newsroom)"


def take_down(state: CrawlState, seeds_dir, url: str, now: float) -> Outcome:
    """Remove the article at `url` from the seeds folder and stop checking it."""
    name = article_file_name(url)
    path = seeds_dir / name
    existed = path.is_file()
    path.unlink(missing_ok=True)
    if state.article(url) is not None:
        state.checked(url, now, now + schedule.OLD_EVERY, state=GONE, error=TAKEN_DOWN)
    if not existed:
        return Outcome(url, FAILED, name, reason="không có bài này trong thư mục bài (not in the seeds folder)")
    return Outcome(url, REMOVED, name, reason=f"{TAKEN_DOWN}: đã xoá khỏi thư mục bài và chỉ mục")


def _checked(state: CrawlState, fetcher: PoliteFetcher, url: str, seeds_dir, now: float,
             prune: dict[str, str] | None) -> Outcome:
    name = article_file_name(url)
    row = state.asked_for(url, name, now, present=(seeds_dir / name).is_file())
    try:
        return check_article(state, fetcher, row, seeds_dir, now, prune) or Outcome(
            url, FAILED, name, reason="tệp bài vừa bị xoá (file deleted meanwhile)")
    except sqlite3.Error:
        raise
    except Exception as exc:  # noqa: BLE001 — one odd page fails only itself, as in a refresh
        log.debug("unexpected error on %s", url, exc_info=exc)
        return Outcome(url, FAILED, name, reason=f"lỗi không lường trước ({type(exc).__name__}: {str(exc)[:200]})")


def recheck(state: CrawlState, fetcher: PoliteFetcher, seeds_dir, urls: Iterable[str], rebuild: Callable[[], object],
            *, deleted: Iterable[str] = (), prune: dict[str, str] | None = None,
            on_outcome: Callable[[Outcome], None] = lambda o: None,
            clock: Callable[[], float] = time.time) -> RefreshReport:
    """Take down `deleted`, fetch `urls` now, then `rebuild()` once if any article changed.

    A URL that is not http(s) is one `lỗi` outcome. A failed rebuild is `build_error` (the previous
    index keeps answering) and stays pending for the next refresh, as in `ingest.refresh.refresh`.
    """
    from index.corpus import article_files

    article_files(seeds_dir)  # SeedsNotFound, naming the setting, before any download
    report = RefreshReport()

    def emit(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        on_outcome(outcome)
        if outcome.status in (NEW, UPDATED, REMOVED):
            state.set_flag(REBUILD_PENDING, "1")

    for url in dict.fromkeys(deleted):
        emit(take_down(state, seeds_dir, canonical_url(url), clock()) if is_web_url(url)
             else Outcome(url, FAILED, reason="không phải địa chỉ http(s) (not an http or https URL)"))
    for url in dict.fromkeys(canonical_url(u) if is_web_url(u) else u for u in urls):  # utm_* variants once
        if not is_web_url(url):
            emit(Outcome(url, FAILED, reason="không phải địa chỉ http(s) (not an http or https URL)"))
            continue
        report.checked += 1
        emit(_checked(state, fetcher, url, seeds_dir, clock(), prune))
    if report.changed:
        try:
            report.build = rebuild()
            state.set_flag(REBUILD_PENDING, "")
        except Exception as exc:  # noqa: BLE001 — any failed build leaves the previous index answering
            report.build_error = str(exc) if isinstance(exc, HoibaoError) else f"{type(exc).__name__}: {exc}"
            log.debug("rebuild after recheck failed", exc_info=exc)
    return report
