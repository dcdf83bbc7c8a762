"""/stats, for Telegram admins: the editors' report as text, and the questions-per-day chart as a photo.

The report is read and drawn in a worker thread (the database, the grouping's embeddings and
matplotlib never block the event loop), with the embedder the bot already has loaded.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot import messages
from bot.channels.render import TELEGRAM_LIMIT
from bot.channels.telegram.handlers import Context
from bot.service import AnswerService
from bot.settings import Settings

log = logging.getLogger("hoibao.telegram")

DAYS = 7  # /stats alone; "/stats 30" for another period
MAX_DAYS = 366
CAPTION_LIMIT = 1024  # a photo caption, in UTF-16 units after entity parsing (Bot API sendPhoto)
USAGE = f"Dùng: /stats hoặc /stats <số ngày> (1–{MAX_DAYS}), ví dụ /stats 30."


def _days(args: list[str] | None) -> int | None:
    if not args:
        return DAYS
    if len(args) == 1 and args[0].isdecimal() and 1 <= int(args[0]) <= MAX_DAYS:
        return int(args[0])
    return None


def summary_and_chart(settings: Settings, service: AnswerService, days: int) -> tuple[str, bytes | None, str]:
    """The text (within a message's limit), the per-day chart (None when it cannot be drawn) and its
    caption. Raises ReportError."""
    from bot.report import charts
    from bot.report.build import make
    from bot.report.grouping import similarity_for
    from bot.report.plain import fitted

    report = make(settings.database_url, days, lambda: similarity_for(service.embedder))
    dates = report.period.dates
    caption = (f"Câu hỏi mỗi ngày theo kết quả, {dates[0]:%d/%m}–{dates[-1]:%d/%m/%Y}: "
               f"{report.total} câu hỏi.")[:CAPTION_LIMIT]
    return fitted(report, TELEGRAM_LIMIT), charts.drawn(charts.per_day, report.days), caption


async def stats(update: Update, context: Context) -> None:
    """Admins only (TELEGRAM_ADMIN_IDS), as /reindex: anyone else gets the same polite refusal."""
    from bot.report.data import LogUnreachable, ReportError

    data, message = context.bot_data, update.effective_message
    if not update.effective_user or update.effective_user.id not in data.settings.telegram_admin_ids:
        await message.reply_text(messages.ADMIN_ONLY)
        return
    days = _days(context.args)
    if days is None:
        await message.reply_text(USAGE)
        return
    try:
        text, chart, caption = await asyncio.to_thread(summary_and_chart, data.settings, data.service, days)
    except ReportError as exc:
        log.log(logging.WARNING if isinstance(exc, LogUnreachable) else logging.INFO, "/stats: %s", exc)
        await message.reply_text(exc.vi)
        return
    await message.reply_text(text)
    if chart is not None:
        await message.reply_photo(chart, caption=caption)
