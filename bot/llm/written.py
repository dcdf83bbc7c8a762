"""`write`: the written answer for an Answer, checked, or the reason the extractive one stays.

Only an answered question reaches the model: unsure and not-found answers (and
so every off-topic question) are decided before, by the answerability model.
Synchronous, like the rest of the answer path (channels call it in a worker
thread); the request runs on its own short-lived event loop.
"""

from __future__ import annotations

import asyncio
import logging

from bot.answer import Answer
from bot.llm import prompt
from bot.llm.check import check
from bot.llm.client import ChatModel, WriteFailed
from bot.outcome import ANSWERED
from bot.settings import Settings

OFF, NOT_ANSWERABLE = "off", "not_answerable"

log = logging.getLogger("hoibao.llm")


def model_from(settings: Settings) -> ChatModel | None:
    """The configured model, or None when written answers are off."""
    if not settings.llm_base_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return ChatModel(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_seconds,
                     settings.llm_max_tokens)


def write(answer: Answer, settings: Settings) -> tuple[str | None, str | None]:
    """(checked written text, None), or (None, the fallback reason)."""
    model = model_from(settings)
    if model is None:
        return None, OFF
    if answer.status != ANSWERED or not answer.citations:
        return None, NOT_ANSWERABLE
    try:
        text = asyncio.run(model.complete(prompt.messages(answer)))
    except WriteFailed as exc:
        log.info("written answer not sent: %s (prompt %s)", exc, prompt.VERSION)
        return None, exc.reason
    reason = check(text, [c.paragraph.text for c in answer.citations])
    if reason:
        log.info("written answer not sent: %s (prompt %s)", reason, prompt.VERSION)
        return None, reason
    return text, None
