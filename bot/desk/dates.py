"""Dates: an article's (front matter, JSON-LD) and the reader's relative ones, in the newsroom's time zone.

"hôm qua", "tuần này", "tháng 11" mean different days in Hà Nội and in a server's UTC clock after
17:00; every window is resolved in HOIBAO_TIMEZONE (default Asia/Ho_Chi_Minh). Pure functions: the
clock is passed in. Rule words are matched with their diacritics when the text has any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from index.text import fold, has_diacritics, nfc


@dataclass(frozen=True)
class Window:
    """Days from `start` to `end`, both included, in the newsroom's calendar."""

    start: date
    end: date
    words: str  # the words that named it ("hôm qua")
    recent: bool = False  # a news-cycle word (hôm nay, hôm qua, tuần này…), not a calendar date or month

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def article_day(value: str, zone: ZoneInfo) -> date | None:
    """The calendar day (in `zone`) of an article's date: ISO date or date-time, or dd/mm/yyyy."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        match = re.match(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})", value)
        if not match:
            return None
        try:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.date()  # a bare date (or a local time) is the newsroom's own day
    return moment.astimezone(zone).date()


def sort_key(value: str, zone: ZoneInfo) -> datetime:
    """For newest-first ordering: an article's moment, undated ones last."""
    value = (value or "").strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        day = article_day(value, zone)
        return datetime.combine(day, time(), zone) if day else datetime.min.replace(tzinfo=zone)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


_RELATIVE = [  # (accented pattern, days back from today to the window's start, to its end)
    (r"hôm nay|bữa nay|sáng nay|chiều nay|tối nay", "today"),
    (r"hôm qua|bữa qua|tối qua|đêm qua|sáng qua", "yesterday"),
    (r"hôm kia", "before_yesterday"),
    (r"tuần này|tuần nay", "this_week"),
    (r"tuần trước|tuần qua", "last_week"),
    (r"tháng này|tháng nay", "this_month"),
    (r"tháng trước|tháng qua", "last_month"),
    (r"năm nay", "this_year"),
]
_MONTH = r"tháng\s+(\d{1,2})(?:\s*(?:năm|/)\s*(\d{4}))?"
_DAY = r"ngày\s+(\d{1,2})\s*[-/]\s*(\d{1,2})(?:\s*[-/]\s*(\d{4}))?"


def _find(pattern: str, text: str, folded: bool) -> re.Match[str] | None:
    probe, pattern = (fold(text), fold(pattern)) if folded else (text.lower(), pattern)
    return re.search(rf"(?<!\w)(?:{pattern})(?!\w)", probe)


def window(text: str, now: datetime) -> Window | None:
    """The days `text` names ("hôm qua", "tuần này", "tháng 11", "ngày 5-12"), or None; `now` is aware."""
    text = nfc(text)
    folded = not has_diacritics(text)
    today = now.date()
    match = _find(_DAY, text, folded)
    if match:
        year = int(match.group(3)) if match.group(3) else today.year
        try:
            day = date(year, int(match.group(2)), int(match.group(1)))
        except ValueError:
            day = None
        if day:
            return Window(day, day, text[match.start():match.end()])
    for pattern, name in _RELATIVE:
        match = _find(pattern, text, folded)
        if match:
            start, end = _relative(name, today)
            return Window(start, end, text[match.start():match.end()], recent=name != "this_year")
    match = _find(_MONTH, text, folded)
    if match and 1 <= int(match.group(1)) <= 12:
        month = int(match.group(1))
        year = int(match.group(2)) if match.group(2) else today.year - (1 if month > today.month else 0)
        start = date(year, month, 1)
        end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        return Window(start, end, text[match.start():match.end()])
    return None


def _relative(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    back = {"today": 0, "yesterday": 1, "before_yesterday": 2}
    if name in back:
        day = today - timedelta(days=back[name])
        return day, day
    if name == "this_week":
        return monday, today
    if name == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if name == "this_month":
        return first, today
    if name == "last_month":
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    return today.replace(month=1, day=1), today
