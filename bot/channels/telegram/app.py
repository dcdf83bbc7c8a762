"""The Telegram channel: a python-telegram-bot v22 Application over the channel core.

This module only wires (`bot.channels.telegram.handlers` holds the handlers,
`bot.channels.telegram.updates` the webhook server and the drain). Polling by
default; a webhook guarded by a secret token when TELEGRAM_WEBHOOK_URL is set.
On stop, no new updates are taken and those received are answered for up to
HOIBAO_DRAIN_SECONDS. The token lives only inside PTB's Bot: it is never
logged or shown.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import TYPE_CHECKING

import httpx
from aiohttp import web
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    ContextTypes,
    Defaults,
    InvalidCallbackData,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import messages
from bot.channels import credentials
from bot.channels.core import ChannelCore
from bot.channels.runtime import redact_token, until_stopped
from bot.channels.telegram import errors, inline, readers, stats
from bot.channels.telegram import handlers
from bot.channels.telegram.updates import BotApplication, DrainingUpdates, drain, start_webhook
from bot.followers.service import Followers
from bot.questionlog.channel import ChannelLog
from bot.service import AnswerService
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.questionlog.writer import QuestionLog

log = logging.getLogger("hoibao.telegram")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits
BUTTONS_KEPT = 2000  # keyboards whose data PTB keeps; an older button is "expired"
# PTB logs its base URL (which embeds the token) at DEBUG; httpx logs request URLs at INFO.
_URL_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater", "telegram.ext.Application", "httpx")


# PTB's tracebacks an operator needs as one line: the rate limiter giving up on a reply after its 429
# retries (the update's error handler says it again), the last getUpdates at shutdown timing out, the
# polling loop stopping on a token revoked while running.
errors.quiet_tracebacks({"telegram.ext.AIORateLimiter": logging.WARNING,
                                  "telegram.ext.Updater": logging.WARNING, "telegram.ext": logging.ERROR})


def build_application(settings: Settings, service: AnswerService, questions: QuestionLog | None = None,
                      flood_limit: bool = True, followers: Followers | None = None) -> Application:
    """The Application with every handler wired; `serve` runs it.

    `flood_limit=False` leaves out the rate limiter that keeps the bot under Telegram's flood
    limits: only for tests that drive the handlers faster than Telegram would (the fuzz).
    """
    token = credentials.token(settings, credentials.TELEGRAM)
    redact_token(token, _URL_LOGGERS)
    # PTB makes bot_data by calling its type without arguments: the partial carries what was built once.
    bot_data = functools.partial(handlers.BotData, settings, service, ChannelCore(
        service, settings, messages.HELP, questions=ChannelLog(questions, "telegram"), followers=followers,
        platform="telegram"))

    # Connection failures are retried by the transport (the request never left); 429s by the rate limiter.
    request = HTTPXRequest(connection_pool_size=64, httpx_kwargs={
        "transport": httpx.AsyncHTTPTransport(retries=3, limits=httpx.Limits(max_connections=64))})
    builder = (ApplicationBuilder().application_class(BotApplication).token(token)
               .base_url(settings.telegram_base_url).request(request))
    if flood_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = (
        builder
        .defaults(Defaults(do_quote=True, allow_sending_without_reply=True,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .arbitrary_callback_data(BUTTONS_KEPT)
        .context_types(ContextTypes(bot_data=bot_data))  # type: ignore[arg-type]
        .concurrent_updates(DrainingUpdates())
        .build()
    )
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    application.add_handlers([
        CommandHandler(list(messages.COMMANDS), handlers.command),  # start, help, sources, ask
        CommandHandler("reindex", handlers.reindex),
        CommandHandler("stats", stats.stats),
        CallbackQueryHandler(handlers.more_sources, pattern=handlers.MoreSources),
        CallbackQueryHandler(handlers.rate, pattern=handlers.Rating),
        CallbackQueryHandler(handlers.choose, pattern=readers.Choose),
        InlineQueryHandler(inline.inline_query),
        CallbackQueryHandler(handlers.expired_button, pattern=InvalidCallbackData),
        MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, handlers.question),
        MessageHandler(new_messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                       handlers.not_text),
    ])
    # Group 1: after every command handler above (and any added later), for the commands none of them took.
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, handlers.unknown_command), group=1)
    application.add_error_handler(handlers.on_error)
    return application


async def start_updates(application: Application, settings: Settings, secret: str | None) -> web.AppRunner | None:
    """A webhook (with `secret`; its server is returned) when TELEGRAM_WEBHOOK_URL is set, else long polling."""
    url = settings.telegram_webhook_url
    if not url or secret is None:
        await application.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES,
                                                error_callback=errors.polling_failed(settings))
        log.info("Telegram bot @%s is polling", application.bot.username)
        return None
    with errors.startup(settings, "webhook"):
        runner = await start_webhook(application, url, secret, settings.telegram_webhook_listen,
                                     settings.telegram_webhook_port, ALLOWED_UPDATES)
    log.info("Telegram bot @%s receives updates on its webhook (port %s)", application.bot.username,
             settings.telegram_webhook_port)
    return runner


async def serve(settings: Settings, service: AnswerService, stop: asyncio.Event | None = None,
                questions: QuestionLog | None = None, followers: Followers | None = None) -> None:
    """Run the bot until SIGINT/SIGTERM, `stop` being set, or cancellation; then drain (module doc).

    Args:
        settings: the token, base URL, webhook and chat settings.
        service: the answer service, shared with other channels.
        stop: set it to stop; when None, SIGINT/SIGTERM stop the bot.
        questions: the question log (`bot.questionlog`); None records nothing and shows no 👍/👎.
    """
    application = build_application(settings, service, questions, followers=followers)
    secret = None
    if settings.telegram_webhook_url:
        secret = credentials.webhook_secret(settings.telegram_webhook_secret, credentials.TELEGRAM_SECRET)
    async with until_stopped(stop) as stop, application:  # initialize … shutdown
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in messages.COMMANDS.items()])
        webhook = await start_updates(application, settings, secret)
        watch = errors.PollingWatch(application, stop)
        pushing = None
        try:
            await application.start()
            if followers is not None:
                pushing = readers.start_pushes(application, followers, settings, stop)
            await stop.wait()
        finally:
            if pushing is not None:
                await pushing  # ends between two messages once `stop` is set
            if application.updater.running:  # polling ends; the updates it fetched are answered below
                await watch.stop_polling(application.updater)
            if webhook:
                await webhook.cleanup()
            if application.running:
                await drain(application, settings.drain_seconds)
    watch.check()
