"""The question log as a channel core sees it: one channel's questions and readers' feedback.

The adapter at the edge: the channel core hands it what it already has (the
chat, the reader, the text, the reply) and gets back the id the feedback
buttons carry. Without a log (HOIBAO_DATABASE_URL=off, the console, tests) it
records nothing and returns None, and no feedback is offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.chat import clean_question
from bot.core.answer import Answer

if TYPE_CHECKING:
    from bot.questionlog.writer import QuestionLog

REFUSED = "refused"  # the outcome of input the answer core never saw (empty, too long, rate-limited…)


class ChannelLog:
    def __init__(self, log: "QuestionLog | None", channel: str) -> None:
        self.log, self.channel = log, channel

    @property
    def enabled(self) -> bool:
        return self.log is not None

    def asked(self, chat: object, user: object, text: str | None, reply: Answer | str,
              latency_ms: float) -> str | None:
        """One question and what the bot replied (an Answer, or the refusal it sent); the row's id."""
        if self.log is None:
            return None
        question = clean_question(text or "")
        if isinstance(reply, str):
            return self.log.record(channel=self.channel, chat=chat, user=user, question=question, outcome=REFUSED,
                                   latency_ms=latency_ms)
        cited = reply.citations[0].paragraph if reply.citations else None
        return self.log.record(
            channel=self.channel, chat=chat, user=user, question=question, outcome=reply.status,
            latency_ms=latency_ms, confidence=reply.confidence,
            article_id=cited.article_id if cited else None, article_title=cited.title if cited else None,
            paragraph=cited.number if cited else None, written=reply.written is not None, fallback=reply.fallback,
        )

    def rated(self, question_id: str, user: object, value: int) -> None:
        """A reader's 👍 (+1) or 👎 (-1) on the answer `question_id`."""
        if self.log is not None:
            self.log.feedback(channel=self.channel, question_id=question_id, user=user, value=value)


NO_LOG = ChannelLog(None, "")
