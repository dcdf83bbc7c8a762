"""Readers' feedback on answers, the part every channel shares (no platform library here).

A reader rates an answer 👍 (+1) or 👎 (-1): with the buttons under it on
Telegram, or on Zalo (no buttons) by replying 👍, 👎, "đúng" or "sai" right
after it. One vote per reader per answer: the same tap again changes nothing,
the other one changes the vote (a change of mind is kept, not added).
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable

from index.text import fold, has_diacritics, words

UP, DOWN = 1, -1
THUMBS = {UP: "👍", DOWN: "👎"}
# Replies that rate the answer just given: written correctly with their diacritics, or with none at all
# ("dùng" or "sái" are other words).
_WORDS = {"đúng": UP, "đúng rồi": UP, "sai": DOWN, "sai rồi": DOWN}
_FOLDED = {fold(word): value for word, value in _WORDS.items()}
_SKIN_AND_SELECTORS = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F]")


def feedback_value(text: str | None) -> int | None:
    """+1 for 👍 / đúng, -1 for 👎 / sai (any case, surrounding spaces and punctuation), else None."""
    if not text or len(text) > 40:
        return None
    kept = _SKIN_AND_SELECTORS.sub("", unicodedata.normalize("NFC", text))
    kept = "".join(ch for ch in kept if unicodedata.category(ch)[0] not in "PZC")  # punctuation, spaces, controls
    for value, thumb in THUMBS.items():
        if kept and set(kept) == {thumb}:
            return value
    said = " ".join(words(text)).lower()
    if said in _WORDS:
        return _WORDS[said]
    if not has_diacritics(said) and fold(said) in _FOLDED:
        return _FOLDED[fold(said)]
    return None


class Votes:
    """The votes on recent answers in this process, for the counts the buttons show (bounded)."""

    def __init__(self, max_answers: int = 10_000) -> None:
        self.max_answers = max_answers
        self._answers: OrderedDict[str, dict[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def cast(self, answer: str, reader: object, value: int) -> bool:
        """Whether this vote changed anything (False for the same tap again)."""
        with self._lock:
            votes = self._answers.pop(answer, {})
            changed = votes.get(reader) != value
            votes[reader] = value
            self._answers[answer] = votes
            while len(self._answers) > self.max_answers:
                self._answers.popitem(last=False)
            return changed

    def tally(self, answer: str | None) -> tuple[int, int]:
        """(👍, 👎) on `answer`."""
        with self._lock:
            votes = self._answers.get(answer, {}) if answer else {}
            return sum(v == UP for v in votes.values()), sum(v == DOWN for v in votes.values())


class LastAnswers:
    """The answer each chat was sent last, so a 👍/đúng reply right after it rates it (bounded, forgotten
    after `ttl` seconds or at the chat's next question)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic, max_chats: int = 10_000) -> None:
        self.ttl, self.clock, self.max_chats = ttl, clock, max_chats
        self._chats: OrderedDict[object, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, chat: object, answer: str | None) -> None:
        with self._lock:
            self._chats.pop(chat, None)
            if answer is not None:
                self._chats[chat] = (self.clock(), answer)
                while len(self._chats) > self.max_chats:
                    self._chats.popitem(last=False)

    def get(self, chat: object) -> str | None:
        with self._lock:
            entry = self._chats.get(chat)
            if entry is None or self.clock() - entry[0] > self.ttl:
                return None
            return entry[1]
