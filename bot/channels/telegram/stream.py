"""Telegram: a written answer streamed into its message, at most one call on that message a second.

What the reader sees (the decision, docs/llm.md "Streaming on Telegram"): never
unchecked text, not even marked as a draft. A draft corrected a second later has
still been read, and a notification preview may keep it. So:

1. the model is asked only once the extractive answer is decided; if the reply is
   not complete within `GRACE` seconds, that answer is sent at once, with a
   "✍️ Đang viết câu trả lời…" line where the written answer will go;
2. as the reply streams, its longest run of complete sentences that already passes
   the grounding check (`bot.llm.written`) replaces that line, followed by "✍️…";
   one edit a second at most (Telegram's flood limits), the newest text only;
3. the final edit carries the checked answer above the short answer and the quoted
   paragraph, with the buttons; when the reply fails the check, or the model
   fails, the final edit is today's extractive answer.

A reply complete within `GRACE` (or a model that fails at once) is sent as one
message with no edits. In groups, where Telegram allows 20 messages a minute (edits
included) and PTB's rate limiter holds every call past that, step 2 is skipped:
the extractive answer at once, then one final edit. The listener's `started` and `checked` are called from the
worker thread that writes; they hop onto the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot import messages
from bot.channels.render import telegram_html
from bot.core.answer import Answer

log = logging.getLogger("hoibao.telegram")

INTERVAL = 1.0  # seconds between two calls (send, edits) on the streamed message
GRACE = 0.5  # a reply complete within it is sent once, with no edits
LIFETIME = 300.0  # a stream whose answer never comes (the answer path failed) stops waiting then


class TelegramStream:
    """One question's written answer, streamed into the reply to `message` (a `bot.llm.written.Listener`)."""

    def __init__(self, message: Message, interval: float = INTERVAL, grace: float = GRACE) -> None:
        self.message, self.interval, self.grace = message, interval, grace
        self.sentences = message.chat.type == ChatType.PRIVATE  # edits as sentences check out; else the final only
        self.loop = asyncio.get_running_loop()
        self.sent: Message | None = None  # the streamed message, once sent
        self._answer: Answer | None = None
        self._latest = self._shown = ""  # checked text: the newest, and the one on screen
        self._wake = asyncio.Event()
        self._done = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._last = 0.0  # when the last call on the message was made (monotonic)

    # ---------------------------------------------------------------- the worker thread's side

    def started(self, answer: Answer) -> None:
        self.loop.call_soon_threadsafe(self._start, answer)

    def checked(self, text: str) -> None:
        self.loop.call_soon_threadsafe(self._update, text)

    # ---------------------------------------------------------------- the event loop's side

    def _start(self, answer: Answer) -> None:
        self._answer = answer
        self._task = self.loop.create_task(self._stream(), name="telegram-stream")

    def _update(self, text: str) -> None:
        self._latest = text
        self._wake.set()

    async def finish(self, answer: Answer, markup: InlineKeyboardMarkup | None) -> bool:
        """The final edit with `answer` (written or not); False when nothing was streamed: send it as usual."""
        if self._task is None:
            return False
        self._done.set()
        self._wake.set()
        await self._task  # the first message is sent (or not) and no edit is in flight; its failure is raised
        if self.sent is None:
            return False
        await self._pace()
        self._last = time.monotonic()
        try:
            await self.sent.edit_text(telegram_html(answer), parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.warning("streamed answer not edited (%s): sent anew", exc.message)
            return False
        return True

    async def _stream(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._done.wait(), self.grace)
            return  # complete within the grace: `finish` sends one message
        self.sent = await self.message.reply_html(self._render(self._latest))
        self._last, self._shown = time.monotonic(), self._latest
        deadline = self._last + LIFETIME
        while True:
            try:
                await asyncio.wait_for((self._wake if self.sentences else self._done).wait(),
                                       max(deadline - time.monotonic(), 0))
            except TimeoutError:
                log.warning("streamed answer never finished")
                return
            if self._done.is_set():
                return
            self._wake.clear()
            await self._pace()
            if self._done.is_set() or self._latest == self._shown:
                continue
            shown, self._last = self._latest, time.monotonic()
            try:
                await self.sent.edit_text(self._render(shown), parse_mode=ParseMode.HTML)
                self._shown = shown
            except TelegramError as exc:  # the final edit will try again
                log.debug("streaming edit failed: %s", exc)

    async def _pace(self) -> None:
        """Wait until `interval` has passed since the last call on the message."""
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def _render(self, checked: str) -> str:
        assert self._answer is not None
        english = self._answer.language == "en"
        head = checked + messages.STILL_WRITING if checked else messages.WRITING_EN if english else messages.WRITING
        return telegram_html(replace(self._answer, written=head))
