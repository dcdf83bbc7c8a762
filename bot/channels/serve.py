"""Run the configured chat bots in one event loop (`hoibao telegram`, `hoibao zalo`, `hoibao run`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.channels import credentials, index_follow, refresh_task
from bot.channels.credentials import Platform
from bot.questionlog.writer import QuestionLog
from bot.runtime import until_stopped
from bot.service import AnswerService
from bot.settings import Settings

Server = Callable[..., Awaitable[None]]  # (settings, service, stop, questions=…)


def _server(platform: Platform) -> Server:
    """The platform's `serve`, imported only when that platform runs (PTB is a large import)."""
    if platform is credentials.TELEGRAM:
        from bot.channels import telegram

        return telegram.serve
    from bot.channels import zalo

    return zalo.serve


async def serve_all(settings: Settings, service: AnswerService, platforms: list[Platform],
                    stop: asyncio.Event | None = None) -> None:
    """The bots side by side, sharing one answer service and one stop event.

    When one bot fails, the others are stopped cleanly and the failure is raised. The question log
    (HOIBAO_DATABASE_URL) is shared by the bots and flushed when they have stopped. Beside them, the
    background refresh of the followed sources (bot.channels.refresh_task).
    """
    credentials.check(settings, platforms)
    questions = QuestionLog.from_settings(settings)
    async with until_stopped(stop) as stop:
        tasks = [asyncio.create_task(_server(p)(settings, service, stop, questions=questions), name=p.name)
                 for p in platforms]
        tasks.append(asyncio.create_task(refresh_task.run(settings, service, stop), name="refresh"))
        tasks.append(asyncio.create_task(index_follow.run(settings, service, stop), name="index-follow"))
        try:
            await asyncio.gather(*tasks)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            if questions:
                await asyncio.to_thread(questions.close)


def run(settings: Settings, platforms: list[Platform], make_service: Callable[[], AnswerService]) -> None:
    """Check the tokens and webhook secrets, then make the service (slow: it may build the index) and serve
    until Ctrl-C or SIGTERM."""
    credentials.check(settings, platforms)
    asyncio.run(serve_all(settings, make_service(), platforms))
