"""The console channel (`hoibao chat`, `make run` without a token): the channel core on a terminal.

Lines are read from standard input in a helper thread, so Ctrl-C and SIGTERM
stop the chat the same way they stop the bots (`bot.channels.runtime.until_stopped`).
The sentence that answers is bold only on a terminal, and never with NO_COLOR
(https://no-color.org); the one log line per question goes at DEBUG here, so
nothing comes between a question and its answer.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TextIO

from bot import messages
from bot.channels.core import ChannelCore, Chat
from bot.channels.render import terminal
from bot.channels.runtime import until_stopped
from bot.core.answer import Answer
from bot.service import AnswerService
from bot.settings import Settings

BANNER = "Hỏi Báo — gõ câu hỏi về các bài báo (Ctrl-D hoặc 'exit' để thoát)."
PROMPT = "\n? "
EXIT_WORDS = {"exit", "quit", "thoát"}
TITLES_SHOWN = 5
Companion = Callable[[Settings, AnswerService, asyncio.Event], Awaitable[None]]  # (settings, service, stop)


def operator_settings(settings: Settings) -> Settings:
    """The console is the operator's: no rate limit unless HOIBAO_CONSOLE_RATE_LIMIT_PER_MINUTE sets one
    (the bots keep HOIBAO_RATE_LIMIT_PER_MINUTE for their readers)."""
    limit = settings.console_rate_limit_per_minute or UNLIMITED
    return settings.model_copy(update={"rate_limit_per_minute": limit})


UNLIMITED = 10**9  # questions a minute: more than a terminal or a pipe can send


def wants_color(stream: TextIO, environ: Mapping[str, str] = os.environ) -> bool:
    """ANSI codes only for a terminal, and not when NO_COLOR is set to anything but ''."""
    return stream.isatty() and not environ.get("NO_COLOR")


class ConsoleChat(Chat):
    """The one chat of the terminal."""

    limit = sys.maxsize

    def __init__(self, out: TextIO, color: bool) -> None:
        super().__init__("console", "console")
        self.out, self.color = out, color

    async def send(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def send_answer(self, answer: Answer) -> None:
        await self.send(terminal(answer, color=self.color))


def read_lines(fd: int, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """The lines of `fd` as they come (None at the end), read by a daemon thread.

    `os.read` rather than `sys.stdin`: a thread blocked in a buffered read would
    hold the buffer's lock when the interpreter exits, and that aborts it.
    """
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    encoding = getattr(sys.stdin, "encoding", None) or "utf-8"

    def put(line: str | None) -> None:
        loop.call_soon_threadsafe(lines.put_nowait, line)

    def pump() -> None:
        decoder, pending = codecs.getincrementaldecoder(encoding)(errors="replace"), ""
        with contextlib.suppress(OSError, RuntimeError):  # the input closed under us; the chat already ended
            while chunk := os.read(fd, 65536):
                pending += decoder.decode(chunk)
                *complete, pending = pending.split("\n")
                for line in complete:
                    put(line.removesuffix("\r"))
            pending += decoder.decode(b"", final=True)
            if pending:
                put(pending)
            put(None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return lines


async def next_line(lines: asyncio.Queue[str | None], stop: asyncio.Event) -> str | None:
    """The next line, or None at the end of the input or when asked to stop."""
    getting, stopping = asyncio.ensure_future(lines.get()), asyncio.ensure_future(stop.wait())
    await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    for task in (getting, stopping):
        task.cancel()
    return None if stop.is_set() or getting.cancelled() else getting.result()


async def serve(settings: Settings, service: AnswerService, stop: asyncio.Event | None = None, *,
                stdin_fd: int = 0, out: TextIO | None = None, beside: Sequence[Companion] = ()) -> None:
    """Chat until Ctrl-D, 'exit', Ctrl-C/SIGTERM or `stop` being set.

    Args:
        settings: the chat limits.
        service: the answer service.
        stop: set it to stop; when None, SIGINT/SIGTERM stop the chat.
        stdin_fd: where the questions come from, one per line.
        out: where the replies go (standard output).
        beside: tasks run while the chat lasts, as `hoibao run` adds the seeds watcher and the publish hook.
    """
    out = out or sys.stdout
    core = ChannelCore(service, operator_settings(settings), messages.CONSOLE_HELP, log_level=logging.DEBUG)
    chat = ConsoleChat(out, wants_color(out))
    print(BANNER, file=out)
    for title in service.titles()[:TITLES_SHOWN]:
        print(f"  • {title}", file=out)
    async with until_stopped(stop) as stop:
        tasks = [asyncio.create_task(task(settings, service, stop)) for task in beside]
        try:
            await _chat(core, chat, out, read_lines(stdin_fd, asyncio.get_running_loop()), stop)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)


async def _chat(core: ChannelCore, chat: ConsoleChat, out: TextIO, lines: asyncio.Queue[str | None],
                stop: asyncio.Event) -> None:
    while True:
        print(PROMPT, end="", file=out, flush=True)
        line = await next_line(lines, stop)
        if line is None:
            print(file=out)
            return
        if line.strip().lower() in EXIT_WORDS:
            return
        await core.message(chat, line)


def run(settings: Settings, service: AnswerService, beside: Sequence[Companion] = ()) -> None:
    """`hoibao chat` (and `hoibao run` without a token, with `beside`)."""
    asyncio.run(serve(settings, service, beside=beside))
