"""How Telegram updates reach the handlers, and how they stop: the webhook server, the update
processor that counts what is in flight, the drain on SIGTERM.

The webhook is served here (aiohttp) rather than by python-telegram-bot's own server, which
answers a body that is not JSON with a 500 and a traceback in the log and logs the text of an
update it cannot read: here a request without the secret gets 403, a body that is not a JSON
object 400, an update PTB cannot read is dropped with one warning (200, so Telegram does not
send it again and again) — none of them a traceback, none logging what users wrote.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bot.channels.runtime import report_unsent
from bot.channels.webhook import checked_body

log = logging.getLogger("hoibao.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONCURRENT_UPDATES = 256  # updates answered at once (PTB's default); the others wait their turn
CANCEL_GRACE = 1.0  # seconds the answers cut at the drain deadline get to unwind
WEBHOOK_STOP = 1.0  # seconds a stopping webhook server waits for the requests it is reading


class BotApplication(Application):
    """PTB's Application, keeping nothing per chat or user when there is no persistence.

    PTB 22 notes the id of every chat and user it sees "for the persistence" even when there is
    none, and only a persistence ever empties that set: one entry for every reader ever, for as
    long as the bot runs. (The fuzz tests check that the set stays empty.)
    """

    def _mark_for_persistence_update(self, *, update: object | None = None, job: Any = None) -> None:
        if self.persistence:
            super()._mark_for_persistence_update(update=update, job=job)


class DrainingUpdates(BaseUpdateProcessor):
    """PTB's concurrent updates, `concurrent` at a time, counting every update received and not finished.

    PTB's own limit would hold the waiting updates where nothing can count them; this one lets
    PTB start them all and holds them here, so `pending` is what a drain leaves unanswered.
    """

    def __init__(self, concurrent: int = CONCURRENT_UPDATES) -> None:
        super().__init__(2**31 - 1)  # PTB's semaphore never waits: `_slots` below does
        self.concurrent = concurrent
        self.pending = 0
        self._slots: asyncio.Semaphore | None = None

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self.concurrent)

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        assert self._slots is not None, "initialize() first"
        self.pending += 1
        started = False
        try:
            async with self._slots:
                started = True
                await coroutine
        finally:
            self.pending -= 1
            close = getattr(coroutine, "close", None)
            if not started and close:  # cut while waiting for a slot: never awaited, and no warning
                close()


def webhook_app(path: str, secret: str, application: Application) -> web.Application:
    """The endpoint Telegram POSTs updates to, feeding PTB's update queue."""

    async def receive(request: web.Request) -> web.Response:
        body = await checked_body(request, SECRET_HEADER, secret)
        if isinstance(body, web.Response):
            return body
        try:
            update = Update.de_json(body, application.bot)
            application.bot.insert_callback_data(update)
        except Exception as exc:  # noqa: BLE001 (whatever PTB makes of it, the body is not served)
            log.warning("webhook: dropped update %s that is not one python-telegram-bot reads (%s)",
                        body.get("update_id"), type(exc).__name__)
            return web.json_response({"ok": True})
        await application.update_queue.put(update)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post(path, receive)
    return app


async def start_webhook(application: Application, url: str, secret: str, listen: str, port: int,
                        allowed_updates: list[str]) -> web.AppRunner:
    """Listen on `listen:port` at the URL's path, then tell Telegram the URL and the secret."""
    runner = web.AppRunner(webhook_app(urlsplit(url).path or "/", secret, application), access_log=None,
                           shutdown_timeout=WEBHOOK_STOP)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    try:
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def drain(application: Application, seconds: float, channel: str = "telegram") -> None:
    """Stop the application: finish the updates received, for at most `seconds`.

    Updates are no longer taken (the caller stopped polling or the webhook first). Past the
    deadline the answers still in flight, including replies held by the flood-limit rate limiter,
    are counted in one log line and cut; never a traceback per message.
    """
    processor = application.update_processor
    stopping = asyncio.ensure_future(application.stop())  # waits for every update task, without end
    done, _ = await asyncio.wait({stopping}, timeout=seconds)
    if done:
        stopping.result()
        return
    report_unsent(log, channel, processor.pending if isinstance(processor, DrainingUpdates) else None, seconds)
    stopping.cancel()  # cancels the gathered update tasks with it
    await asyncio.wait({stopping}, timeout=CANCEL_GRACE)
