"""Process plumbing every channel shares: token redaction in logs, stop signals."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Callable

from index.redact import KNOWN


class RedactToken(logging.Filter):
    """Hides every secret the process knows (`index.redact.KNOWN`) in a logger's records, tracebacks too.

    A second defence for the loggers that see URLs (Bot API URLs embed the token; httpx logs them
    at INFO, PTB at DEBUG): messages are redacted where they are made, this catches the rest.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = KNOWN.hide(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = KNOWN.hide(_TRACEBACKS.formatException(record.exc_info))
        return True


_redact = RedactToken()
_TRACEBACKS = logging.Formatter()


def redact_token(token: str, loggers: tuple[str, ...]) -> None:
    """Keep `token` out of every record of `loggers` (and out of the CLI's log output)."""
    KNOWN.add(token)
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
