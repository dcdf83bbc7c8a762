"""When each known article is checked again.

- under 48 h old (by its published date, else when a source first listed it): every hour, so
  corrections are followed while a story is live;
- older: once a week;
- after a 404/410: again within the hour, so a removed article is gone from the answers on the
  second check in a row, not a week later;
- after another failure (timeout, 5xx, …): 15 min, then doubling, at most the article's usual period.
- a source listing the article with a new updated/lastmod date makes it due at once.
"""

from __future__ import annotations

HOUR = 3600.0
DAY = 24 * HOUR
RECENT_AGE = 48 * HOUR
RECENT_EVERY = HOUR
OLD_EVERY = 7 * DAY
GONE_RECHECK = HOUR
FIRST_RETRY = 15 * 60.0


def period(now: float, published: float | None, first_seen: float) -> float:
    """How often an article is re-checked: hourly under 48 h, weekly after."""
    born = published if published is not None else first_seen
    return RECENT_EVERY if now - born < RECENT_AGE else OLD_EVERY


def next_check(now: float, published: float | None, first_seen: float, *, gone: bool = False,
               failures: int = 0) -> float:
    """The time of the next check after one made `now`."""
    usual = period(now, published, first_seen)
    if gone:
        return now + min(GONE_RECHECK, usual)
    if failures:
        return now + min(usual, FIRST_RETRY * 2 ** (failures - 1))
    return now + usual
