"""Process plumbing every channel shares: token redaction in logs, stop signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable


class RedactToken(logging.Filter):
    """Replaces bot tokens in log records with '<token>', whatever the log level.

    Bot API URLs embed the token, and httpx (INFO) and PTB (DEBUG) log URLs.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(token in message for token in self.tokens):
            for token in self.tokens:
                message = message.replace(token, "<token>")
            record.msg, record.args = message, ()
        return True


_redact = RedactToken()


def redact_token(token: str, loggers: tuple[str, ...]) -> None:
    """Keep `token` out of every record of `loggers`."""
    if token:
        _redact.tokens.add(token)
    for name in loggers:
        logger = logging.getLogger(name)
        if _redact not in logger.filters:
            logger.addFilter(_redact)


@contextlib.asynccontextmanager
async def until_stopped(stop: asyncio.Event | None = None) -> AsyncIterator[asyncio.Event]:
    """`stop` as given, or (None) a new event that SIGINT/SIGTERM set while the block runs.

    The one way a channel, or several in one process, learns it should stop: when
    they share a loop, one handler sets one event (a second hook would replace the first).
    """
    if stop is not None:
        yield stop
        return
    stop = asyncio.Event()
    hooked = on_signals(stop.set)
    try:
        yield stop
    finally:
        release_signals(hooked)


def on_signals(callback: Callable[[], None]) -> list[int]:
    """Call `callback` on SIGINT/SIGTERM; returns the signals it could hook."""
    loop, hooked = asyncio.get_running_loop(), []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, callback)
            hooked.append(sig)
    return hooked


def release_signals(hooked: list[int]) -> None:
    for sig in hooked:
        asyncio.get_running_loop().remove_signal_handler(sig)


def report_unsent(log: logging.Logger, channel: str, count: int | None, seconds: float) -> None:
    """The one line a drain that ran out of time leaves: how many answers were not sent."""
    log.warning("%s: %s answer(s) not sent: the %g s drain (HOIBAO_DRAIN_SECONDS) ended before them",
                channel, "some" if count is None else count, seconds)


class ChatLocks:
    """One asyncio lock per chat, so a chat's updates are answered in order while chats run side by side.

    A follow-up must wait for the question it follows (the history), and the
    parts of two answers must not interleave. A chat's lock is forgotten once no
    update holds or awaits it.
    """

    def __init__(self) -> None:
        self._chats: dict[object, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat: object) -> AsyncIterator[None]:
        lock, users = self._chats.get(chat, (asyncio.Lock(), 0))
        self._chats[chat] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chats[chat]
            if users == 1:
                del self._chats[chat]
            else:
                self._chats[chat] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._chats)
