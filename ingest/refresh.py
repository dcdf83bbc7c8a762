"""`hoibao refresh`: poll every source, fetch new and due articles, one incremental rebuild.

One run:
1. each source is fetched with its validators (an unchanged feed or sitemap costs a 304) and
   every article it lists is recorded; a new one, or one whose listed date changed, is due now;
2. the due articles (never-fetched first, then the newest; at most `max_articles` a run, the
   rest wait for the next run) are fetched at their canonical URL (no utm_*), with their own
   validators, and written into the seeds folder by the path `hoibao add` uses (ingest.add.save_page);
3. an article answering 404/410 on two checks in a row is deleted from the seeds folder; one
   that merely rolls off a feed is not touched;
4. if any file changed, `rebuild()` once. Until a rebuild succeeds the crawl database keeps a
   "rebuild pending" flag, so a failed build (or a busy /reindex) is retried by the next run.

Each URL's failure is one `lỗi` outcome with its reason and never stops the others.

A source follows its own site, within caps (ingest.admit); an article with the same content as one
already saved under another URL is not saved (`trùng`). What is skipped is counted in the summary.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import HoibaoError
from ingest import schedule
from ingest.add import (DUPLICATE, FAILED, NEW, REMOVED, UNCHANGED, UPDATED, AddReport, Outcome, content_digest,
                        save_page)
from ingest.admit import OFF_SITE, Limits, admit, skipped_line
from ingest.errors import FetchFailed
from ingest.fetch import Page, check_html, status_reason
from ingest.polite import PoliteFetcher, Response
from ingest.site import Site
from ingest.sources import HOMEPAGE, SITEMAP_INDEX, Listed, Listing, NotASource, parse_listing
from ingest.state import REMOVED as GONE, SAVED, ArticleRow, CrawlState, Source
from ingest.urls import article_file_name

log = logging.getLogger(__name__)

REBUILD_PENDING = "rebuild_pending"
GONE_CHECKS = 2  # 404/410 answers in a row before an article is deleted
MAX_CHILD_SITEMAPS = 10  # of a sitemap index, the most recently modified, per run
LONG_RUN = 20  # articles to check before a progress bar is worth showing
_ACCEPT_LISTING = "application/rss+xml, application/atom+xml, application/xml, text/xml, text/html;q=0.8, */*;q=0.5"
_ACCEPT_HTML = "text/html,application/xhtml+xml"


class RefreshBusy(HoibaoError):
    def __init__(self, index_dir: Path) -> None:
        super().__init__(f"Another refresh is running on {index_dir} (the bot's background refresh?); try again later.")


@dataclass
class RefreshReport(AddReport):
    sources: int = 0
    sources_failed: int = 0
    checked: int = 0  # articles checked
    build_error: str = ""  # the rebuild failed: the previous index keeps answering
    stopped: bool = False  # asked to stop before the end
    skipped: Counter = field(default_factory=Counter)  # listed entries not recorded, by reason (ingest.admit)
    not_due: int = 0  # followed articles left alone: their next check is later (`refresh URL` asks now)

    def summary(self) -> str:
        """AddReport's line, '· 12 chưa đến hạn' so an editor knows why an edit was not seen yet, and what was skipped."""
        due = f"{self.not_due} chưa đến hạn" if self.not_due else ""
        return " · ".join(filter(None, (super().summary(), due, skipped_line(self.skipped))))


@contextlib.contextmanager
def refresh_lock(index_dir: Path) -> Iterator[None]:
    """One refresh at a time per index (the bot's and a `hoibao refresh` beside it)."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "crawl.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefreshBusy(index_dir) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _validators(response: Response) -> tuple[str | None, str | None]:
    return response.headers.get("etag"), response.headers.get("last-modified")


def _digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def fetch_listing(fetcher: PoliteFetcher, url: str, etag: str | None = None, last_modified: str | None = None,
                  known_hash: str | None = None, site: Site | None = None) -> tuple[Listing | None, Response, str]:
    """A feed or sitemap on `site`: (None when unchanged (304, or the same bytes), the response, the body's hash).

    Raises FetchFailed (incl. an HTTP error status, off the site) or NotASource.
    """
    response = fetcher.get(url, etag=etag, last_modified=last_modified, accept=_ACCEPT_LISTING, site=site)
    if response.not_modified:
        return None, response, known_hash or ""
    if response.status != 200:
        raise FetchFailed(url, status_reason(response.status))
    digest = _digest(response.body)
    if known_hash and digest == known_hash:
        return None, response, digest
    listing = parse_listing(response.body, response.url, response.content_type, response.charset, fetcher.max_bytes)
    return listing, response, digest


def _child_entries(state: CrawlState, fetcher: PoliteFetcher, source: Source, children: tuple[Listed, ...],
                   now: float, site: Site, skipped: Counter) -> list[Listed]:
    """The entries of a sitemap index's sitemaps that changed (the most recent MAX_CHILD_SITEMAPS on the site)."""
    entries: list[Listed] = []
    home = [c for c in children if site.allows(c.url)]
    skipped[OFF_SITE] += len(children) - len(home)
    newest = sorted(home, key=lambda c: c.updated, reverse=True)[:MAX_CHILD_SITEMAPS]
    for child in newest:
        known = state.document(child.url)
        if known is not None and child.updated and known["listed_updated"] == child.updated:
            continue  # the index says it has not changed since we read it
        listing, response, digest = fetch_listing(
            fetcher, child.url, known["etag"] if known else None, known["last_modified"] if known else None,
            known["content_hash"] if known else None, site)
        etag, modified = _validators(response)
        state.document_checked(child.url, source.id, now, child.updated, etag, modified, digest)
        if listing is not None:
            entries.extend(listing.entries)
    return entries


def poll_source(state: CrawlState, fetcher: PoliteFetcher, source: Source, now: float,
                limits: Limits = Limits(), skipped: Counter | None = None) -> int:
    """Record what the source lists, on its site and within `limits`; the number of articles it listed
    for the first time. What was not recorded is added to `skipped`, by reason."""
    skipped = Counter() if skipped is None else skipped
    site = limits.site(source.url, source.via)
    listing, response, digest = fetch_listing(fetcher, source.url, source.etag, source.last_modified,
                                              source.content_hash, site)
    if listing is None:
        etag, modified = _validators(response)
        state.source_checked(source.id, now, etag=etag, last_modified=modified, content_hash=digest or None)
        return 0
    if listing.kind == HOMEPAGE:
        raise NotASource(source.url, "giờ là một trang HTML, không còn là RSS/Atom hay sitemap")
    entries = list(listing.entries)
    if listing.kind == SITEMAP_INDEX:
        entries += _child_entries(state, fetcher, source, listing.children, now, site, skipped)
    room = max(0, min(limits.max_new_per_source, limits.max_articles - state.article_count()))
    admitted, refused = admit(entries, site, lambda url: state.article(url) is not None, room)
    skipped.update(refused)
    new = 0
    with state.transaction():
        for url, entry in admitted:
            new += state.listed(url, entry.url, article_file_name(entry.url), source.id, now,
                                entry.published, entry.updated)
        etag, modified = _validators(response)
        state.source_checked(source.id, now, etag=etag, last_modified=modified, content_hash=digest)
    return new


def _gone(state: CrawlState, row: ArticleRow, seeds_dir: Path, status: int, now: float) -> Outcome:
    count = row.gone_count + 1
    reason = status_reason(status)
    if count < GONE_CHECKS:
        state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen, gone=True),
                      gone=True, error=reason)
        return Outcome(row.url, FAILED, row.file,
                       reason=f"{reason}; lần {count}/{GONE_CHECKS}, lần sau vẫn vậy thì xoá bài")
    path = seeds_dir / row.file
    existed = path.is_file()
    path.unlink(missing_ok=True)
    state.checked(row.url, now, now + schedule.OLD_EVERY, state=GONE, gone=True, error=reason)
    if not existed:
        return Outcome(row.url, FAILED, row.file, reason=f"{reason} {GONE_CHECKS} lần liên tiếp; bỏ qua")
    return Outcome(row.url, REMOVED, row.file,
                   reason=f"{reason} {GONE_CHECKS} lần liên tiếp: đã xoá khỏi thư mục bài và chỉ mục")


def _off_site(state: CrawlState, row: ArticleRow, path: Path, site: Site, now: float) -> Outcome:
    """An article recorded before sources kept to their site (an internal page a feed pointed at):
    no longer followed, and its file removed so answers stop quoting it."""
    reason = site.refusal(row.url)
    existed = path.is_file()
    path.unlink(missing_ok=True)
    state.checked(row.url, now, now + schedule.OLD_EVERY, state=GONE, error=reason)
    if existed:
        return Outcome(row.url, REMOVED, row.file, reason=f"{reason}: đã xoá khỏi thư mục bài và chỉ mục")
    return Outcome(row.url, FAILED, row.file, reason=f"{reason}; không theo dõi nữa")


def check_article(state: CrawlState, fetcher: PoliteFetcher, row: ArticleRow, seeds_dir: Path, now: float,
                  prune: dict[str, str] | None = None, site: Site | None = None) -> Outcome | None:
    """Fetch one due article (conditionally when it is saved) on its source's `site`, and record what it answered.

    None when there was nothing to ask: its file was deleted by hand (it is then no longer followed).
    A new article with the content of one already saved is not saved, and no longer followed.
    """
    path = seeds_dir / row.file
    if site is not None and not site.allows(row.url):
        return _off_site(state, row, path, site, now)
    if row.state == SAVED and not path.is_file():
        state.checked(row.url, now, now + schedule.OLD_EVERY, state=GONE, error="tệp bài đã bị xoá (file deleted)")
        return None
    saved = row.state == SAVED
    try:
        response = fetcher.get(row.url, etag=row.etag if saved else None,
                               last_modified=row.last_modified if saved else None, accept=_ACCEPT_HTML, site=site)
        if response.not_modified and saved:
            state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen))
            return Outcome(row.url, UNCHANGED, row.file)
        if response.status in (404, 410):
            return _gone(state, row, seeds_dir, response.status, now)
        check_html(row.url, response.status, response.content_type)
    except FetchFailed as exc:
        failures = row.failures + 1
        state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen, failures=failures),
                      error=exc.reason)
        return Outcome(row.url, FAILED, row.file, reason=exc.reason)
    duplicate_of = None if saved else (lambda digest: state.saved_with(digest, row.url))
    outcome, text = save_page(row.url, Page(response.url, response.body, response.charset), seeds_dir, prune,
                              duplicate_of)
    if outcome.status == DUPLICATE:
        state.checked(row.url, now, now + schedule.OLD_EVERY, state=GONE, error=outcome.reason)
        return outcome
    if outcome.status == FAILED:
        failures = row.failures + 1
        state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen, failures=failures),
                      error=outcome.reason)
        return outcome
    etag, modified = _validators(response)
    state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen), state=SAVED,
                  etag=etag, last_modified=modified, content_hash=content_digest(text),
                  changed=outcome.status in (NEW, UPDATED))
    return outcome


def _unexpected(exc: Exception, url: str) -> str:
    """The one-line reason for an error nobody foresaw; the traceback goes to the debug log only."""
    log.debug("unexpected error on %s", url, exc_info=exc)
    return f"lỗi không lường trước ({type(exc).__name__}: {str(exc)[:200]}); chạy với -v để xem chi tiết"


def _checked_safely(state: CrawlState, fetcher: PoliteFetcher, row: ArticleRow, seeds_dir: Path, now: float,
                    prune: dict[str, str] | None, site: Site | None) -> Outcome | None:
    """`check_article`, where an error nobody foresaw fails this article only (and it is retried later)."""
    try:
        return check_article(state, fetcher, row, seeds_dir, now, prune, site)
    except sqlite3.Error:
        raise  # the crawl state itself: every article would fail alike
    except Exception as exc:  # noqa: BLE001 — one odd page must not stop the others
        reason = _unexpected(exc, row.url)
        failures = row.failures + 1
        state.checked(row.url, now, schedule.next_check(now, row.published, row.first_seen, failures=failures),
                      error=reason)
        return Outcome(row.url, FAILED, row.file, reason=reason)


def _bar(items: list, progress: bool):
    if not progress or len(items) <= LONG_RUN:
        return None
    from tqdm import tqdm

    return tqdm(total=len(items), unit="bài", desc="Làm mới", file=sys.stderr, leave=False)


def refresh(state: CrawlState, fetcher: PoliteFetcher, seeds_dir: Path, rebuild: Callable[[], object], *,
            recheck: bool = False, max_articles: int = 100, prune: dict[str, str] | None = None,
            on_outcome: Callable[[Outcome], None] = lambda o: None, progress: bool = False,
            should_stop: Callable[[], bool] = lambda: False, clock: Callable[[], float] = time.time,
            limits: Limits = Limits()) -> RefreshReport:
    """One refresh (see the module docstring). `recheck` checks every known article now, whatever its
    schedule and without the per-run cap; `should_stop` is asked between URLs (the bot's shutdown);
    `limits`: the hosts and caps of ingest.admit."""
    from index.corpus import article_files

    article_files(seeds_dir)  # SeedsNotFound, naming the setting, before any download
    report = RefreshReport()

    def emit(outcome: Outcome) -> None:
        report.outcomes.append(outcome)
        on_outcome(outcome)

    for source in state.sources():
        if should_stop():
            report.stopped = True
            break
        report.sources += 1
        now = clock()
        try:
            poll_source(state, fetcher, source, now, limits, report.skipped)
        except (FetchFailed, NotASource) as exc:
            report.sources_failed += 1
            state.source_checked(source.id, now, error=exc.reason)
            emit(Outcome(source.url, FAILED, reason=f"nguồn tin: {exc.reason}"))
        except sqlite3.Error:
            raise  # the crawl state itself: every source would fail alike
        except Exception as exc:  # noqa: BLE001 — one odd source must not stop the others
            reason = _unexpected(exc, source.url)
            report.sources_failed += 1
            state.source_checked(source.id, now, error=reason)
            emit(Outcome(source.url, FAILED, reason=f"nguồn tin: {reason}"))

    sites = {source.id: limits.site(source.url, source.via) for source in state.sources()}
    due = [] if report.stopped else state.due(clock(), max_articles, everything=recheck)
    report.not_due = 0 if recheck or report.stopped else state.not_due(clock())
    bar = _bar(due, progress)
    try:
        for row in due:
            if should_stop():
                report.stopped = True
                break
            outcome = _checked_safely(state, fetcher, row, seeds_dir, clock(), prune, sites.get(row.source_id))
            report.checked += 1
            if outcome is not None:
                if outcome.status in (NEW, UPDATED, REMOVED):
                    state.set_flag(REBUILD_PENDING, "1")
                if bar is not None:
                    with bar.external_write_mode():
                        emit(outcome)
                    bar.update()
                else:
                    emit(outcome)
    finally:
        if bar is not None:
            bar.close()

    if state.get_flag(REBUILD_PENDING) and not report.stopped:
        try:
            report.build = rebuild()
            state.set_flag(REBUILD_PENDING, "")
        except Exception as exc:  # noqa: BLE001 — any failed build leaves the previous index answering
            report.build_error = str(exc) if isinstance(exc, HoibaoError) else f"{type(exc).__name__}: {exc}"
            log.debug("rebuild after refresh failed", exc_info=exc)  # the caller says it, once
    return report
