"""Which of a listing's entries a refresh records: on the source's site, within the caps. Pure.

One hostile sitemap (5 MB, 60,000 `<url>`s, every one a different address) once became 60,000
article rows and 100 new files a run. Now a refresh records, per source, only entries on the
source's own site (ingest.site), and at most `max_new_per_source` new ones (newest first), and
never more than `max_articles` articles in all. What is skipped is counted, for the summary line.
Known articles are always recorded: their listed date is how a correction makes them due again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.site import Site
from ingest.sources import Listed
from ingest.urls import canonical_url, is_web_url

OFF_SITE, OVER_CAP = "ngoài trang", "vượt giới hạn"


@dataclass(frozen=True)
class Limits:
    """HOIBAO_ALLOWED_HOSTS, HOIBAO_CRAWL_MAX_NEW_PER_SOURCE, HOIBAO_CRAWL_MAX_ARTICLES."""

    allowed_hosts: tuple[str, ...] = ()
    max_new_per_source: int = 500
    max_articles: int = 20_000

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(tuple(settings.allowed_hosts), settings.crawl_max_new_per_source, settings.crawl_max_articles)

    def site(self, source_url: str, via: str = "") -> Site:
        """A source's site: the URL it was added with (the homepage it was found on, if any)."""
        return Site.of(via or source_url, self.allowed_hosts)


def _newest_first(entries: Sequence[Listed]) -> list[Listed]:
    """Dated entries newest first, then the undated ones in the listing's order (a feed's is newest first)."""
    return sorted(entries, key=lambda e: (e.published is None, -(e.published or 0.0)))


def admit(entries: Sequence[Listed], site: Site, known: Callable[[str], bool],
          room: int) -> tuple[list[tuple[str, Listed]], Counter]:
    """The entries to record as (canonical URL, entry), and what was skipped by reason.

    `known(canonical_url)`: already followed; `room`: new articles this source may still add.
    """
    admitted: list[tuple[str, Listed]] = []
    skipped: Counter = Counter()
    seen: set[str] = set()
    for entry in _newest_first(entries):
        if not is_web_url(entry.url):
            continue  # a mailto: or a broken link in a feed: nothing to fetch, nothing to count
        url = canonical_url(entry.url)
        if url in seen:
            continue
        seen.add(url)
        if not site.allows(url):
            skipped[OFF_SITE] += 1
        elif known(url):
            admitted.append((url, entry))
        elif room > 0:
            admitted.append((url, entry))
            room -= 1
        else:
            skipped[OVER_CAP] += 1
    return admitted, skipped


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese thousands: 59.995


def skipped_line(skipped: Counter) -> str:
    """'bỏ qua 59.997 (59.995 vượt giới hạn, 2 ngoài trang)', or '' when nothing was skipped."""
    total = sum(skipped.values())
    if not total:
        return ""
    parts = ", ".join(f"{_count(n)} {reason}" for reason, n in skipped.most_common())
    return f"bỏ qua {_count(total)} ({parts})"
