"""Run every configured chat channel in one event loop (`hoibao run`)."""

from __future__ import annotations

import asyncio
import signal

from bot.service import AnswerService
from bot.settings import Settings


async def serve_all(settings: Settings, service: AnswerService) -> None:
    """Telegram and Zalo side by side, sharing one answer service.

    One stop event for both: if each channel hooked SIGTERM itself, the last
    hook would win and only that channel would stop cleanly.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    servers = []
    if settings.telegram_bot_token:
        from bot.channels import telegram

        servers.append(telegram.serve(settings, service, stop))
    if settings.zalo_bot_token:
        from bot.channels import zalo

        servers.append(zalo.serve(settings, service, stop))
    try:
        await asyncio.gather(*servers)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
