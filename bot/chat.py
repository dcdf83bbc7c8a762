"""What every chat channel decides the same way: input checks, rate limits, history.

The channel core (`bot.channels.core`) calls these for Telegram, Zalo and the
console; none of it knows a platform.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import messages
from bot.core.followup import Turn, current_article
from bot.core.outcome import NOT_FOUND
from bot.core.scope import Scopes, scoped_answer
from bot.desk.dates import article_day, window
from bot.desk.intents import LATEST, SUMMARY, intent_of
from bot.desk.reply import Desk, Reply
from bot.llm import OFF
from index.text import fold, has_letters_or_digits, nfc

if TYPE_CHECKING:
    from bot.core.answer import Answer
    from bot.llm.written import Listener
    from bot.service import AnswerService
    from bot.settings import Settings

log = logging.getLogger("hoibao.chat")

# Users whose rate-limit window, and chats whose history, are kept in memory: past it the least
# recently seen are forgotten (a forgotten chat's next follow-up is read without its history).
TRACKED_USERS = 10_000
TRACKED_CHATS = 10_000


def check_question(text: str | None, max_chars: int) -> str | None:
    """A polite reply when `text` cannot be a question, else None."""
    if text is None or not text.strip():
        return messages.EMPTY
    if len(text) > max_chars:
        return messages.too_long(max_chars)
    if not has_letters_or_digits(text):
        return messages.SYMBOLS_ONLY
    return None


def clean_question(text: str) -> str:
    """NFC, single-spaced, without control characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in nfc(text))
    return " ".join(text.split())


class RateLimiter:
    """At most `per_minute` questions per user in any sliding 60 s window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 max_users: int = TRACKED_USERS) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.max_users = max_users
        self._events: OrderedDict[int | str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, user: int | str) -> bool:
        now = self.clock()
        with self._lock:
            events = self._events.pop(user, deque())
            while events and now - events[0] >= 60:
                events.popleft()
            allowed = len(events) < self.per_minute
            if allowed:
                events.append(now)
            self._events[user] = events
            while len(self._events) > self.max_users:
                self._events.popitem(last=False)
            return allowed

    def retry_after(self, user: int | str) -> int:
        """Seconds until `user` may ask again (0 if now)."""
        with self._lock:
            events = self._events.get(user)
            if not events or len(events) < self.per_minute:
                return 0
            return max(1, int(60 - (self.clock() - events[0])) + 1)


class ChatHistory:
    """The last few questions of each chat, forgotten after `ttl` seconds of silence."""

    def __init__(self, turns: int, ttl: float, clock: Callable[[], float] = time.monotonic,
                 max_chats: int = TRACKED_CHATS) -> None:
        self.turns = turns
        self.ttl = ttl
        self.clock = clock
        self.max_chats = max_chats
        self._chats: OrderedDict[int | str, tuple[float, list[str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, chat: int | str) -> list["Turn | str"]:
        with self._lock:
            entry = self._chats.get(chat)
            if entry is None:
                return []
            seen, questions = entry
            if self.clock() - seen > self.ttl:
                del self._chats[chat]
                return []
            return list(questions)

    def add(self, chat: int | str, question: "Turn | str") -> None:
        if self.turns == 0:
            return
        with self._lock:
            _, questions = self._chats.pop(chat, (0.0, []))
            questions = (questions + [question])[-self.turns :]
            self._chats[chat] = (self.clock(), questions)
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)


class Conversations:
    """One question from any channel: checks, rate limit, history, answer, one log line.

    Synchronous (the answer is CPU work): channels call `ask` through
    `asyncio.to_thread`. Returns the Answer, or a str to send instead. The log
    line is INFO for the bots' operators; the console, whose reader sees every
    answer on the same terminal, passes DEBUG.
    """

    def __init__(self, service: "AnswerService", settings: "Settings", clock: Callable[[], float] = time.monotonic,
                 log_level: int = logging.INFO) -> None:
        self.service = service
        self.settings = settings
        self.log_level = log_level
        self.max_chars = settings.max_question_chars
        self.rate = RateLimiter(settings.rate_limit_per_minute, clock)
        self.history = ChatHistory(settings.history_turns, settings.history_ttl_seconds, clock)
        self.scopes = Scopes()  # chats about one article (bot.core.scope)
        self.desk = Desk(service, settings.timezone, settings.latest_count)

    def current(self, chat: int | str) -> str | None:
        """The chat's article: the one it is scoped to, else the one its last answer cited."""
        scope = self.scopes.get(chat)
        return scope.article if scope else current_article(self.history.get(chat))

    def request(self, chat: int | str, user: int | str, text: str | None) -> "Reply | str | None":
        """A summary or the latest news when `text` asks for one (bot.desk.intents), else None."""
        intent = intent_of(text or "") if text and len(text) <= self.max_chars else None
        if intent is None or intent.kind not in (SUMMARY, LATEST):
            return None
        if not self.rate.allow(user):
            return messages.rate_limited(self.rate.retry_after(user))
        reply = self.desk.reply(intent, clean_question(text or ""), self.current(chat))
        scope = self.scopes.get(chat)
        if reply.article and not (scope and scope.strict):  # the summarised article becomes the chat's
            self.scopes.set(chat, reply.article)
        log.log(self.log_level, "request chat=%s kind=%s", chat, reply.kind)
        return reply

    def choose(self, chat: int | str, action: str, article: str) -> "Reply | str":
        """A choice button: summarise `article`, or make it the chat's article ("Hỏi về bài này")."""
        meta = self.service.article(article)
        if meta is None:
            return messages.SOURCES_EXPIRED
        if action == "summary":
            reply = self.desk.summary_of(meta.title, article)
            self.scopes.set(chat, article)
            return reply
        self.scopes.set(chat, article)
        return messages.now_about(meta.title)

    def open_link(self, chat: int | str, key: str) -> str | None:
        """A deep link's key: the chat is now about that article; the greeting, None for an unknown key."""
        from bot.desk.links import find

        article = find(self.service.catalog_items(), key)
        if article is None:
            return None
        self.scopes.set(chat, article)
        meta = self.service.article(article)
        return messages.article_greeting(meta.title, self.service.article_examples(article, 3))

    def _dated(self, question: str) -> frozenset[str] | None:
        """The articles of the days a question names ("hôm qua ai…"), None when it names none or none match.

        Only news-cycle words narrow an ordinary question: in "khởi công tháng 8 năm 2025?" the month is
        the event's, not the day the article came out.
        """
        days = window(question, self.desk.now())
        if days is None or not days.recent:
            return None
        found = frozenset(aid for aid, meta in self.service.catalog_items()
                          if days.holds(article_day(meta.date, self.desk.zone)))
        return found or None

    def ask(self, chat: int | str, user: int | str, text: str | None,
            listener: "Listener | None" = None) -> "Answer | str":
        """`listener`: a channel that streams written answers (Telegram) hears the checked reply grow."""
        problem = check_question(text, self.max_chars)
        if problem:
            return problem
        if not self.rate.allow(user):
            return messages.rate_limited(self.rate.retry_after(user))
        question = clean_question(text or "")
        started = time.perf_counter()
        history = self.history.get(chat)
        dated = self._dated(question)  # "hôm qua ai…": the open search looks at those days' articles first

        def ask(article: str | None) -> "Answer":
            found = self.service.answer(question, history, article=article, articles=None if article else dated)
            if dated and not article and found.status == NOT_FOUND:  # nothing those days: the whole index
                found = self.service.answer(question, history)
            return found

        answer, left = scoped_answer(self.scopes.get(chat), ask)
        if left:
            self.scopes.clear(chat)
        # The resolved question and the article it cited, so a chain of follow-ups keeps its subject.
        article = answer.citations[0].paragraph.article_id if answer.citations else None
        self.history.add(chat, Turn(answer.searched or question, article))
        # After the answerability decision, so an off-topic question never reaches the model.
        if self.settings.llm_base_url:
            from bot.llm.written import write  # loaded only where written answers are on

            written = write(answer, self.settings, chat, listener)
            answer = replace(answer, written=written.text, fallback=written.fallback)
        else:
            answer = replace(answer, written=None, fallback=OFF)
        log.log(self.log_level, "answered chat=%s found=%s status=%s confidence=%.2f written=%s fallback=%s "
                "latency_ms=%.0f", chat, answer.found, answer.status, answer.confidence, answer.written is not None,
                answer.fallback, (time.perf_counter() - started) * 1000)
        return answer


def addressed_question(text: str, names: list[str]) -> str | None:
    """The question in a group message that calls the bot by one of `names`, else None.

    For platforms whose updates carry no mention entities (Zalo): a message is
    addressed when it contains '@Name' anywhere, or opens with the name as a
    vocative ('Hỏi Báo ơi, …', 'hoi bao: …'). Case and accents are ignored;
    the call is removed from the question.
    """
    text = nfc(text)
    # One folded character per original character, so a match's span cuts the original text.
    folded = "".join((fold(ch) or ch)[0] for ch in text)
    for name in names:
        parts = fold(nfc(name)).split()
        if not parts:
            continue
        body = r"\s+".join(re.escape(p) for p in parts)
        match = re.search(rf"(?<![\w@])@{body}(?!\w)", folded) or re.match(
            rf"\s*{body}(?:\s+oi(?!\w))?\s*(?:[,:]|$)|\s*{body}\s+oi(?!\w)", folded)
        if match:
            rest = f"{text[: match.start()]} {text[match.end():]}"
            return re.sub(r"^[\s,:;.!\-–—]+", "", " ".join(rest.split()))
    return None
