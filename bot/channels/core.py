"""The channel core: what Telegram, Zalo and the console do the same way.

`/start` (greeting with example questions), `/help`, `/sources`, `/ask`, the
answer flow (checks → `Conversations.ask` off the event loop → render → send)
and `/reindex`'s report, each written once. A platform adapter supplies a
`Chat`: where replies go, how an answer looks there, how long a message may be.
One chat's requests are served in order (a follow-up waits for the question it
follows, and the parts of two replies never interleave); chats run side by side.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import messages
from bot.channels.feedback import LastAnswers, Votes, feedback_value
from bot.channels.render import sources_list, split_message
from bot.channels.runtime import ChatLocks
from bot.chat import Conversations
from bot.core.answer import Answer
from bot.desk.intents import FOLLOW, FOLLOWING, UNFOLLOW, intent_of
from bot.desk.reply import Reply
from bot.questionlog.channel import NO_LOG, ChannelLog
from bot.service import AnswerService, ReindexBusy
from bot.settings import Settings
from index.errors import HoibaoError

if TYPE_CHECKING:
    from bot.llm.written import Listener

log = logging.getLogger("hoibao.channels")

EXAMPLES = 3  # example questions in the /start greeting
FOLLOW_KINDS = (FOLLOW, UNFOLLOW, FOLLOWING)
# "typing…" indicators a channel sends a second, at most: under a burst nearly every answer is slow
# to come, and indicators for all of them would spend the flood budget the answers need.
TYPING_PER_SECOND = 3.0


class Budget:
    """At most `rate` takes a second, in bursts of at most `rate` (a token bucket)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.clock = rate, clock
        self.tokens, self.last = rate, clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Chat(ABC):
    """One conversation on one platform, for the update being served.

    `id` orders the chat's requests and keys its follow-up history; `user` is
    who the rate limit counts.
    """

    limit: int  # characters per message on this platform
    listener: Listener | None = None  # hears a written answer grow, to stream it (Telegram)

    def __init__(self, chat_id: int | str, user_id: int | str) -> None:
        self.id, self.user = chat_id, user_id
        self.answer_id: str | None = None  # the question log's id of the answer being sent (its 👍/👎 buttons)

    async def typing(self) -> None:
        """Show that an answer is coming; platforms that cannot, do nothing."""

    @abstractmethod
    async def send(self, text: str) -> None:
        """One message of at most `limit` characters."""

    @abstractmethod
    async def send_answer(self, answer: Answer) -> None:
        """The answer, rendered the platform's way."""

    async def send_reply(self, reply: Reply) -> None:
        """A summary or the latest news; a platform with buttons adds the reply's choices."""
        await send_text(self, reply.text)


def parse_command(text: str) -> tuple[str, str] | None:
    """('ask', 'the rest') for '/ask the rest' (or '/ask@bot …'), None when no leading command."""
    words = text.split(maxsplit=1)
    if not words or len(words[0]) < 2 or not words[0].startswith("/"):
        return None
    return words[0][1:].split("@")[0].lower(), words[1].strip() if len(words) > 1 else ""


class ChannelCore:
    """The replies every channel gives, over one answer service.

    Args:
        service: the answer service (shared by the channels of a process).
        settings: the chat limits (question length, rate limit, history).
        help_text: this platform's `/help` (how groups address the bot differs).
        log_level: of the one line per answered question (see `Conversations`).
        questions: the question log of this channel (`bot.questionlog`); without one nothing is recorded
            and no feedback is asked for.
    """

    def __init__(self, service: AnswerService, settings: Settings, help_text: str,
                 log_level: int = logging.INFO, questions: ChannelLog = NO_LOG, followers=None,
                 platform: str = "") -> None:
        self.service, self.help_text = service, help_text
        self.followers, self.platform = followers, platform  # topics to follow (bot.followers), when on
        self.typing_after = settings.typing_after_seconds
        self.typing_budget = Budget(TYPING_PER_SECOND)
        self.conversations = Conversations(service, settings, log_level=log_level)
        self.chat_locks = ChatLocks()
        self.questions, self.votes = questions, Votes()
        self.last_answers = LastAnswers(settings.history_ttl_seconds)

    async def message(self, chat: Chat, text: str, group: bool = False) -> None:
        """A text meant for the bot: a command (`/start`, `/help`, `/sources`, `/ask …`) or a question.

        Another command gets one line with the commands the bot knows in a private chat, and silence in a
        group (it may be another bot's).
        """
        command = parse_command(text)
        async with self.chat_locks.hold(chat.id):
            if await self._request(chat, text):
                return
            if command is None:
                await self._answer(chat, text)
            elif command[0] == "ask":
                await self._answer(chat, command[1])
            elif command[0] == "start":
                self.conversations.scopes.clear(chat.id)  # /start: questions go to every article again
                # A deep link (t.me/<bot>?start=<key>) greets with its article; any other key, the usual way.
                linked = await asyncio.to_thread(self.conversations.open_link, chat.id, command[1]) \
                    if command[1] else None
                examples = [] if linked else await asyncio.to_thread(self.service.examples, EXAMPLES)
                await send_text(chat, linked or messages.greeting(examples))
            elif command[0] == "sources":
                await send_text(chat, sources_list(self.service.catalog()))
            elif command[0] == "help":
                await send_text(chat, self.help_text)
            elif not group:
                await send_text(chat, messages.unknown_command(command[0]))

    async def ask(self, chat: Chat, text: str | None) -> None:
        """A question, whatever it starts with."""
        async with self.chat_locks.hold(chat.id):
            if not await self._request(chat, text):
                await self._answer(chat, text)

    async def _request(self, chat: Chat, text: str | None) -> bool:
        """A summary, the latest news (bot.desk.reply) or a follow command when `text` asks for one; False otherwise."""
        intent = intent_of(text or "") if text and len(text) <= self.conversations.max_chars else None
        if intent is not None and intent.kind in FOLLOW_KINDS:
            reply = messages.FOLLOW_OFF if self.followers is None else \
                await asyncio.to_thread(self.followers.command, self.platform, chat.id, intent)
            await send_text(chat, reply)
            return True
        reply = await asyncio.to_thread(self.conversations.request, chat.id, chat.user, text)
        if reply is None:
            return False
        if isinstance(reply, str):
            await send_text(chat, reply)
        else:
            await chat.send_reply(reply)
        return True

    async def choose(self, chat: Chat, action: str, article: str) -> None:
        """A choice button (Telegram): summarise that article, or make it the chat's ("Hỏi về bài này")."""
        async with self.chat_locks.hold(chat.id):
            reply = await asyncio.to_thread(self.conversations.choose, chat.id, action, article)
            if isinstance(reply, str):
                await send_text(chat, reply)
            else:
                await chat.send_reply(reply)

    async def not_text(self, chat: Chat) -> None:
        """Stickers, photos, voice…: a hint that the bot answers text questions."""
        async with self.chat_locks.hold(chat.id):
            await send_text(chat, messages.NOT_TEXT)

    async def _answer(self, chat: Chat, text: str | None) -> None:
        """The answer core off the event loop, the question log's row, then the reply; "typing…" only
        when the answer is slow.

        Each indicator costs a request of the platform's flood budget (Telegram: ~30 a second per
        bot), so an answer ready within `typing_after` seconds goes without one, and no more than
        TYPING_PER_SECOND are sent. A failed indicator is no reason not to answer.
        """
        if await self._feedback_reply(chat, text):
            return
        started = time.perf_counter()
        work = asyncio.ensure_future(asyncio.to_thread(self.conversations.ask, chat.id, chat.user, text, chat.listener))
        try:
            done, _ = await asyncio.wait({work}, timeout=self.typing_after)
            if not done and self.typing_budget.take():
                try:
                    await chat.typing()
                except Exception as exc:  # noqa: BLE001 (whatever the platform raised, the answer still goes)
                    log.debug("typing not shown: %s", type(exc).__name__)
            reply = await work
        finally:
            work.cancel()  # stopped while waiting (a drain past its deadline): nothing left unawaited
        asked = self.questions.asked(chat.id, chat.user, text, reply, (time.perf_counter() - started) * 1000)
        chat.answer_id = None if isinstance(reply, str) else asked
        self.last_answers.remember(chat.id, chat.answer_id)
        if isinstance(reply, str):
            await send_text(chat, reply)
        else:
            await chat.send_answer(reply)

    async def _feedback_reply(self, chat: Chat, text: str | None) -> bool:
        """👍, 👎, "đúng" or "sai" right after an answer rates it (and is thanked) instead of being asked."""
        value = feedback_value(text) if self.questions.enabled else None
        answer = self.last_answers.get(chat.id) if value is not None else None
        if value is None or answer is None:
            return False
        self.rate(answer, chat.user, value)
        await send_text(chat, messages.feedback_thanks(value))
        return True

    def rate(self, answer: str, reader: int | str, value: int) -> tuple[int, int]:
        """A reader's 👍 (+1) or 👎 (-1) on an answer, recorded once per reader (a change of mind replaces
        the vote); the answer's (👍, 👎) counts."""
        if self.votes.cast(answer, reader, value):
            self.questions.rated(answer, reader, value)
        return self.votes.tally(answer)

    async def rebuild(self) -> str:
        """Rebuild the index off the event loop; the reply for whoever asked, whatever happened.

        The old index keeps serving on any failure. An expected failure (the
        message says what to fix) is logged as a warning; anything else once,
        with its traceback.
        """
        try:
            report = await asyncio.to_thread(self.service.reindex)
        except ReindexBusy:
            return messages.REINDEX_BUSY
        except HoibaoError as exc:
            log.warning("reindex failed: %s", exc)
            return messages.reindex_failed(str(exc))
        except Exception as exc:
            log.error("reindex failed: %s", type(exc).__name__, exc_info=exc)
            return messages.reindex_failed(f"{type(exc).__name__}: {exc}")
        return messages.reindex_done(report.summary())


async def send_text(chat: Chat, text: str) -> None:
    """`text` as written when it fits one message, else cut at sentences into several."""
    for part in [text] if len(text) <= chat.limit else split_message(text, chat.limit):
        await chat.send(part)
