"""A report from the question log, start to end: what `hoibao report` and Telegram's /stats call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.report import html
from bot.report.data import EmptyPeriod, extent, last_days, open_log, read_period
from bot.report.grouping import SIMILAR_QUESTIONS, Similarity, similarity_for
from bot.report.summary import Report, summarize
from bot.settings import Settings
from index.files import write_atomically


def make(url: str, days: int = 7, similarity: Callable[[], tuple[Similarity | None, str]] | None = None,
         now: datetime | None = None) -> Report:
    """The report of the last `days` days of the log at `url`.

    Args:
        url: the question log's SQLAlchemy URL (HOIBAO_DATABASE_URL).
        days: days in the report, today included.
        similarity: called once the questions are read (no model is loaded for a log that is not
            there): a Similarity grouping near-duplicates by meaning too, or None, and the note saying
            how they were grouped. None: folded text only.
        now: the end of the period and the time the report says it was made (tests, the docs'
            screenshot); the current time when None.
    Raises:
        ReportError (NoQuestionLog, LogUnreachable, EmptyPeriod): one line saying what to do.
    """
    engine = open_log(url)
    try:
        period = last_days(days, now)
        asked = read_period(engine, period)
        if not asked:
            raise EmptyPeriod(period, extent(engine).last)
        follows = follower_counts(engine)
    finally:
        engine.dispose()
    grouping, note = similarity() if similarity else similarity_for(None, "không dùng mô hình embedding")
    report = summarize(asked, period, grouping, note, made_at=now)  # now given: a reproducible page
    return replace(report, follows=tuple(follows))


def follower_counts(engine) -> list[tuple[str, int]]:
    """(topic, followers) from the follows table; none in a log older than the followers' migration."""
    from sqlalchemy import inspect

    from bot.followers.store import FollowStore

    if "follows" not in inspect(engine).get_table_names():
        return []
    return FollowStore(engine, b"").counts()


def similarity_from_settings(settings: Settings) -> tuple[Similarity | None, str]:
    """The configured embedder as a Similarity, when its grouping cut was measured and it loads.

    The model is not loaded when no cut is known for it; a model that fails to load leaves the
    report grouping by folded text, and the note says why.
    """
    from bot.service import embedder_from_settings
    from index.embed import embedder_id

    try:
        model = embedder_id(settings.embedding_backend, settings.embedding_model)
    except Exception as exc:  # noqa: BLE001 - any reason is reported, never fatal here
        return similarity_for(None, f"mô hình không dùng được ({exc})")
    if model not in SIMILAR_QUESTIONS:
        return similarity_for(None, f"chưa đo ngưỡng gộp cho mô hình {model}")
    try:
        embedder = embedder_from_settings(settings)
    except Exception as exc:  # noqa: BLE001
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return similarity_for(None, f"không tải được mô hình {model} ({reason})")
    return similarity_for(embedder)


def write(report: Report, out_dir: Path) -> Path:
    """out_dir/report.html, replaced whole (a reader never opens half a page)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    write_atomically(path, html.page(report))
    return path
