"""Concurrency caps on model requests: a slow model must never pile up requests.

A request gets a slot at once or not at all: when the process already has
`HOIBAO_LLM_MAX_CONCURRENT` requests in flight, or the chat has
`HOIBAO_LLM_MAX_PER_CHAT`, the question gets the extractive answer at once
(fallback `busy`) instead of waiting behind the others. Each request holds a
worker thread for up to the timeout, so the cap also keeps threads free for the
extractive answers (Python's default pool has min(32, cores + 4) of them).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Hashable, Iterator

from bot.settings import Settings


class Slots:
    """At most `total` requests at once, and `per_chat` per chat; `hold` never waits."""

    def __init__(self, total: int, per_chat: int) -> None:
        self.total, self.per_chat = total, per_chat
        self._lock = threading.Lock()
        self._in_use = 0
        self._chats: dict[Hashable, int] = {}

    @contextlib.contextmanager
    def hold(self, chat: Hashable | None = None) -> Iterator[bool]:
        """Yields True with a slot held until the block ends, or False (and nothing held) when full.

        `chat` None (an evaluation, a benchmark) counts only against the total.
        """
        with self._lock:
            free = self._in_use < self.total and (chat is None or self._chats.get(chat, 0) < self.per_chat)
            if free:
                self._in_use += 1
                if chat is not None:
                    self._chats[chat] = self._chats.get(chat, 0) + 1
        try:
            yield free
        finally:
            if free:
                with self._lock:
                    self._in_use -= 1
                    if chat is not None:
                        left = self._chats.pop(chat) - 1
                        if left:
                            self._chats[chat] = left

    @property
    def in_use(self) -> int:
        return self._in_use


_registry: dict[tuple, Slots] = {}
_registry_lock = threading.Lock()


def slots_for(settings: Settings) -> Slots:
    """The process's slots for the configured model server: every channel and caller shares them."""
    key = (settings.llm_base_url, settings.llm_model, settings.llm_max_concurrent, settings.llm_max_per_chat)
    with _registry_lock:
        if key not in _registry:
            _registry[key] = Slots(settings.llm_max_concurrent, settings.llm_max_per_chat)
        return _registry[key]
