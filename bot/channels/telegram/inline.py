"""Telegram inline mode: "@hoibao_bot câu hỏi" in any chat gives up to three answer cards.

Each card is one citation of the same answer the chats get (the same answer core): the first
carries the answer line, the others the next sources; choosing one sends the rendered answer (the
quoted paragraph, its source and link) into that chat. Telegram sends a query per keystroke, so a
short per-user cache keeps retyping and backspacing from asking the core again, and Telegram
itself caches the results for CACHE_SECONDS. Inline mode is switched on with @BotFather's /setinline
(docs/telegram.md).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import messages
from bot.channels.render import telegram_html
from bot.chat import check_question, clean_question
from bot.core.answer import Answer
from bot.core.outcome import NOT_FOUND, UNSURE

log = logging.getLogger("hoibao.telegram")

CARDS = 3
CACHE_SECONDS = 300  # how long Telegram may keep the results of one query (the same for every user)
USER_CACHE_SECONDS = 60.0  # how long this bot keeps a user's recent queries
USER_CACHE_SIZE = 5_000
MIN_CHARS = 4  # shorter queries are still being typed
DESCRIPTION_CHARS = 120
TITLE_CHARS = 100


class RecentQueries:
    """(user, query) → answer for USER_CACHE_SECONDS, bounded (the least recent goes first)."""

    def __init__(self, ttl: float = USER_CACHE_SECONDS, size: int = USER_CACHE_SIZE, clock=time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._items: OrderedDict[tuple[int, str], tuple[float, Answer]] = OrderedDict()

    def get(self, user: int, query: str) -> Answer | None:
        item = self._items.get((user, query))
        if item is None or self.clock() - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, user: int, query: str, answer: Answer) -> None:
        self._items.pop((user, query), None)
        self._items[(user, query)] = (self.clock(), answer)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def cards(answer: Answer) -> list[InlineQueryResultArticle]:
    """Up to three cards for one answer; none when nothing was found."""
    if answer.status == NOT_FOUND or not answer.citations:
        return []
    found = []
    key = hashlib.blake2b(answer.searched.encode(), digest_size=8).hexdigest()
    for i, citation in enumerate(answer.citations[:CARDS]):
        paragraph = citation.paragraph
        if i == 0 and answer.status == UNSURE:
            title = messages.INLINE_UNSURE
        elif i == 0 and answer.answer:
            title = f"Trả lời: {answer.answer}"
        else:
            title = f"Nguồn {i + 1}: {paragraph.title}"
        found.append(InlineQueryResultArticle(
            id=f"{key}-{i}", title=_cut(title, TITLE_CHARS),
            description=_cut(f"Đoạn {paragraph.number}: {paragraph.text}", DESCRIPTION_CHARS),
            input_message_content=InputTextMessageContent(telegram_html(answer, i), parse_mode=ParseMode.HTML),
            url=paragraph.url or None))
    return found


async def inline_query(update: Update, context) -> None:
    """Answer an inline query with the answer core's cards (cached per user for a minute)."""
    query = update.inline_query
    text = clean_question(query.query or "") if isinstance(query.query, str) else ""
    found: list[InlineQueryResultArticle] = []
    if len(text) >= MIN_CHARS and not check_question(text, context.bot_data.settings.max_question_chars):
        recent: RecentQueries = context.bot_data.inline_cache
        user = query.from_user.id if query.from_user else 0
        answer = recent.get(user, text)
        if answer is None:
            answer = await asyncio.to_thread(context.bot_data.service.answer, text)
            recent.put(user, text, answer)
        found = cards(answer)
    try:
        await query.answer(found, cache_time=CACHE_SECONDS, is_personal=False)
    except BadRequest as exc:  # answered too late (the reader typed on), or a forged query id
        log.info("inline query not answered: %s", exc)
