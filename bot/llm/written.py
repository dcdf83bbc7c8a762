"""`write`: the written answer for an Answer, checked, or the reason the extractive one stays.

Only an answered question reaches the model: unsure and not-found answers (and
so every off-topic question) are decided before, by the answerability model.
Synchronous, like the rest of the answer path (channels call it in a worker
thread); the request runs on its own short-lived event loop.

A `Listener` (Telegram's streaming) hears, from that worker thread, when the
model is asked and each time the reply's longest run of complete sentences
that passes the check grows: unchecked text never reaches it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.answer import Answer
from bot.core.outcome import ANSWERED
from bot.llm import OFF, prompt
from bot.llm.check import check
from bot.llm.client import TOO_LONG, ChatModel, WriteFailed
from bot.llm.slots import slots_for
from bot.settings import Settings
from index.text import sentence_spans

NOT_ANSWERABLE, BUSY = "not_answerable", "busy"
# A longer reply is `too_long` whatever HOIBAO_LLM_MAX_TOKENS allows: three sentences are far shorter, and a
# Telegram message (4096 characters) must still hold the short answer, the quoted paragraph and its source.
MAX_CHARS = 1500

log = logging.getLogger("hoibao.llm")


class Listener(Protocol):
    """What a streaming channel hears, called from the worker thread that writes."""

    def started(self, answer: Answer) -> None:
        """The model is being asked about `answer` (its extractive part is final)."""

    def checked(self, text: str) -> None:
        """The reply so far, cut after its last complete sentence, passes the check."""


@dataclass(frozen=True)
class Written:
    """The outcome of one `write`: the checked text to send, or the fallback reason; and what it cost."""

    text: str | None
    fallback: str | None
    reply: str | None = None  # what the model said, unchecked (for evaluation only; never sent)
    model_seconds: float = 0.0  # the request, from sending it to the reply's end
    first_piece_seconds: float | None = None
    check_seconds: float = 0.0  # the final check and, when streaming, the checks of the growing reply


def model_from(settings: Settings) -> ChatModel | None:
    """The configured model, or None when written answers are off."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return ChatModel(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_seconds,
                     settings.llm_max_tokens)


def write(answer: Answer, settings: Settings, chat: Hashable | None = None,
          listener: Listener | None = None) -> Written:
    """The checked written answer, or the reason there is none.

    Args:
        answer: the decided extractive answer; only an answered one with citations is written.
        settings: the model's settings and caps.
        chat: counts against the per-chat cap (None: only against the process's).
        listener: hears the checked reply as it grows (Telegram), or None (send once complete).
    """
    model = model_from(settings)
    if model is None:
        return Written(None, OFF)
    if answer.status != ANSWERED or not answer.citations:
        return Written(None, NOT_ANSWERABLE)
    paragraphs = [c.paragraph.text for c in answer.citations]
    with slots_for(settings).hold(chat) as free:
        if not free:
            log.info("written answer not sent: %s (prompt %s)", BUSY, prompt.VERSION)
            return Written(None, BUSY)
        if listener is not None:
            _tell(listener.started, answer)
        progress = _Progress(paragraphs, listener)
        started = time.perf_counter()
        try:
            text = asyncio.run(model.complete(prompt.messages(answer), on_piece=progress.add))
        except WriteFailed as exc:
            log.info("written answer not sent: %s (prompt %s)", exc, prompt.VERSION)
            return Written(None, exc.reason, None, time.perf_counter() - started, progress.first_at,
                           progress.check_seconds)
        model_seconds = time.perf_counter() - started
    checked_at = time.perf_counter()
    reason = TOO_LONG if len(text) > MAX_CHARS else check(text, paragraphs)
    check_seconds = progress.check_seconds + time.perf_counter() - checked_at
    if reason:
        log.info("written answer not sent: %s (prompt %s)", reason, prompt.VERSION)
        return Written(None, reason, text, model_seconds, progress.first_at, check_seconds)
    return Written(text, None, text, model_seconds, progress.first_at, check_seconds)


class _Progress:
    """The reply as it streams: reports its longest checked run of complete sentences when it grows."""

    def __init__(self, paragraphs: Sequence[str], listener: Listener | None) -> None:
        self.paragraphs, self.listener = paragraphs, listener
        self.text = ""
        self.tried = 0  # end of the longest complete prefix checked so far
        self.started = time.perf_counter()
        self.first_at: float | None = None
        self.check_seconds = 0.0

    def add(self, piece: str) -> None:
        if self.first_at is None:
            self.first_at = time.perf_counter() - self.started
        self.text += piece
        if self.listener is None or len(self.text) > MAX_CHARS:
            return
        spans = sentence_spans(self.text)
        end = spans[-1][0] if len(spans) > 1 else 0  # the last sentence may not be complete yet
        if end <= self.tried:
            return
        self.tried = end
        prefix = self.text[:end].strip()
        began = time.perf_counter()
        passes = check(prefix, self.paragraphs) is None
        self.check_seconds += time.perf_counter() - began
        if passes:
            _tell(self.listener.checked, prefix)


def _tell(callback: Callable, value: object) -> None:
    """A listener's failure (its event loop gone at shutdown…) never costs the reader the answer."""
    try:
        callback(value)
    except Exception as exc:
        log.warning("streaming listener failed: %s", type(exc).__name__)
