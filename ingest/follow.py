"""`hoibao sources add|list|remove`: the feeds and sitemaps a refresh polls.

`add` fetches the URL once (politely) to learn what it is: an RSS/Atom feed, a sitemap, news
sitemap or sitemap index, or a homepage whose <link rel="alternate"> feeds are then checked and
followed; a feed on another site (other than HOIBAO_ALLOWED_HOSTS) is not. Anything else is
refused with the reason. Nothing is saved from that first fetch but
the source itself: the first `hoibao refresh` reads it again and records its articles.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from index.errors import HoibaoError
from ingest.errors import FetchFailed
from ingest.polite import PoliteFetcher
from ingest.site import Site
from ingest.refresh import fetch_listing
from ingest.sources import HOMEPAGE, KIND_NAMES, SITEMAP_INDEX, Listing, NotASource
from ingest.state import PENDING, REMOVED, SAVED, CrawlState
from ingest.urls import canonical_url, is_web_url


class SourceRefused(HoibaoError):
    """The URL cannot be followed; the message says why and what to give instead."""


@dataclass(frozen=True)
class Added:
    url: str
    listing: Listing
    new: bool  # False: already followed
    via: str = ""

    def line(self) -> str:
        listing = self.listing
        count = (f"{len(listing.children)} sitemap con" if listing.kind == SITEMAP_INDEX
                 else f"{len(listing.entries)} bài đang liệt kê")
        title = f" · {listing.title}" if listing.title else ""
        via = f" (tìm thấy trên {self.via})" if self.via else ""
        verb = "Đã thêm nguồn" if self.new else "Nguồn đã có"
        return f"{verb} {listing.describe()}: {self.url}{title} · {count}{via}"


def _listing(fetcher: PoliteFetcher, url: str, site: Site) -> Listing:
    try:
        listing, _, _ = fetch_listing(fetcher, url, site=site)
    except (FetchFailed, NotASource) as exc:
        raise SourceRefused(f"Không thêm được nguồn {url}: {exc.reason}") from None
    assert listing is not None  # no validators were sent and no hash known
    return listing


def add_source(state: CrawlState, fetcher: PoliteFetcher, url: str,
               allowed_hosts: tuple[str, ...] = ()) -> list[Added]:
    """Follow `url` (a feed, a sitemap, or a homepage's feeds on its site or `allowed_hosts`);
    what was added, or SourceRefused."""
    if not is_web_url(url):
        raise SourceRefused(f"Không thêm được nguồn {url}: không phải địa chỉ http(s) (not an http or https URL).")
    url = canonical_url(url)
    site = Site.of(url, allowed_hosts)
    listing = _listing(fetcher, url, site)
    if listing.kind != HOMEPAGE:
        return [Added(url, listing, state.add_source(url, listing.kind, listing.title))]
    if not listing.feeds:
        raise SourceRefused(
            f"Không thêm được nguồn {url}: trang HTML không khai báo nguồn tin nào "
            '(no <link rel="alternate" type="application/rss+xml"> or atom+xml). '
            "Hãy đưa địa chỉ RSS/Atom hoặc sitemap (thường là /rss, /feed hoặc /sitemap.xml).")
    added, problems = [], []
    for feed in listing.feeds:
        try:
            found = _listing(fetcher, canonical_url(feed), site)
        except SourceRefused as exc:
            problems.append(str(exc))
            continue
        if found.kind == HOMEPAGE:
            problems.append(f"{feed}: là trang HTML, không phải RSS/Atom")
            continue
        feed_url = canonical_url(feed)
        added.append(Added(feed_url, found, state.add_source(feed_url, found.kind, found.title, via=url), via=url))
    if not added:
        raise SourceRefused(f"Không thêm được nguồn {url}: các nguồn tin trang này khai báo đều không đọc được: "
                            + "; ".join(problems))
    return added


def remove_source(state: CrawlState, url: str) -> list[str]:
    """Stop following `url` (or the feeds found on the homepage `url`); the lines to print.

    Articles already saved stay in the seeds folder and the index; they are no longer checked.
    """
    removed = state.remove_sources(canonical_url(url)) if is_web_url(url) else []
    if not removed:
        raise SourceRefused(f"Không có nguồn {url} (xem: hoibao sources list).")
    return [f"Đã bỏ nguồn {KIND_NAMES.get(s.kind, s.kind)}: {s.url}" for s in removed]


def _when(moment: float | None, now: float) -> str:
    if moment is None:
        return "chưa kiểm tra"
    ago = max(0, now - moment)
    if ago < 120:
        return f"{ago:.0f} giây trước"
    if ago < 7200:
        return f"{ago / 60:.0f} phút trước"
    if ago < 172800:
        return f"{ago / 3600:.0f} giờ trước"
    return f"{ago / 86400:.0f} ngày trước"


def source_lines(state: CrawlState, now: float | None = None) -> list[str]:
    """`hoibao sources list`: one line per source (kind, URL, articles saved / not saved yet / removed,
    last check, last error)."""
    now = time.time() if now is None else now
    counts = state.source_counts()
    lines = []
    for s in state.sources():
        n = counts.get(s.id, {})
        line = (f"{KIND_NAMES.get(s.kind, s.kind):<13} {s.url}  {n.get(SAVED, 0)} bài · {n.get(PENDING, 0)} chưa lưu · "
                f"{n.get(REMOVED, 0)} đã bỏ · kiểm tra {_when(s.last_checked, now)}")
        if s.via:
            line += f" · từ {s.via}"
        if s.last_error:
            line += f" · lỗi {s.failures} lần: {s.last_error}"
        lines.append(line)
    return lines
