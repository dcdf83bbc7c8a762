"""Chats about one article: which chat is scoped to which article, and when a question leaves it.

A deep link (`t.me/<bot>?start=<key>`), the "Hỏi về bài này" button and `hoibao ask --article` make
an article the chat's own: its questions are searched in that article only. A reader who then asks
about something else leaves it: when the article holds no answer and the whole index answers
from another article, that answer is given and the scope is dropped. `/start` drops it too.
A scope set by an operator (`--article`) is strict: it is never left.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.outcome import ANSWERED

if TYPE_CHECKING:
    from bot.core.answer import Answer

TRACKED_CHATS = 10_000  # past it the least recently scoped chat goes back to the whole index


@dataclass(frozen=True)
class Scope:
    article: str
    strict: bool = False  # never left by a question about something else


class Scopes:
    """The article each chat is scoped to (bounded, thread-safe)."""

    def __init__(self, max_chats: int = TRACKED_CHATS) -> None:
        self.max_chats = max_chats
        self._chats: OrderedDict[int | str, Scope] = OrderedDict()
        self._lock = threading.Lock()

    def set(self, chat: int | str, article: str, strict: bool = False) -> None:
        with self._lock:
            self._chats.pop(chat, None)
            self._chats[chat] = Scope(article, strict)
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)

    def get(self, chat: int | str) -> Scope | None:
        with self._lock:
            return self._chats.get(chat)

    def clear(self, chat: int | str) -> None:
        with self._lock:
            self._chats.pop(chat, None)


def scoped_answer(scope: Scope | None, ask: Callable[[str | None], "Answer"]) -> tuple["Answer", bool]:
    """The answer for a chat under `scope`, and whether the chat leaves the scope.

    `ask(article)` answers over one article (or the whole index for None).
    """
    if scope is None:
        return ask(None), False
    inside = ask(scope.article)
    if scope.strict or inside.status == ANSWERED:
        return inside, False
    outside = ask(None)
    cited = outside.citations[0].paragraph.article_id if outside.citations else None
    if outside.status == ANSWERED and cited != scope.article:
        return outside, True
    return inside, False
