"""Run every configured chat channel in one event loop (`hoibao run`)."""

from __future__ import annotations

import asyncio

from bot.service import AnswerService
from bot.settings import Settings


async def serve_all(settings: Settings, service: AnswerService) -> None:
    """Telegram and Zalo side by side, sharing one answer service; stops on SIGINT/SIGTERM."""
    servers = []
    if settings.telegram_bot_token:
        from bot import telegram

        servers.append(telegram.serve(settings, service))
    if settings.zalo_bot_token:
        from bot import zalo

        servers.append(zalo.serve(settings, service))
    await asyncio.gather(*servers)
