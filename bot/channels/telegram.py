"""The Telegram channel: a python-telegram-bot v22 Application over the answer service.

Handlers stay thin: read the update → `Conversations.ask` in a worker thread
(it is CPU work) → render HTML → reply, quoting the question. Polling by
default; a webhook guarded by a secret token when TELEGRAM_WEBHOOK_URL is set.
The token lives only inside PTB's Bot: it is never logged or shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections import OrderedDict
from urllib.parse import urlsplit

import httpx
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatID, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import messages
from bot.answer import Answer
from bot.chat import Conversations
from bot.render import TELEGRAM_LIMIT, sources_list, split_message, telegram_html
from bot.runtime import ChatLocks, on_signals, redact_token, release_signals
from bot.service import AnswerService, ReindexBusy
from bot.settings import Settings
from index.errors import HoibaoError

log = logging.getLogger("hoibao.telegram")

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
MORE = "more:"  # callback data: "more:<index of the citation to show>"
POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits
Context = ContextTypes.DEFAULT_TYPE
# PTB logs its base URL (which embeds the token) at DEBUG; httpx logs request URLs at INFO.
_URL_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater", "telegram.ext.Application", "httpx")


class AnswerStore:
    """The last answers sent, by (chat, message id), so "Xem thêm nguồn" can show their other citations."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._answers: OrderedDict[tuple[int, int], Answer] = OrderedDict()

    def put(self, chat_id: int, message_id: int, answer: Answer) -> None:
        self._answers[(chat_id, message_id)] = answer
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)

    def get(self, chat_id: int, message_id: int) -> Answer | None:
        return self._answers.get((chat_id, message_id))


def more_button(answer: Answer, index: int) -> InlineKeyboardMarkup | None:
    """The button that shows citation `index`, or None when there is no such citation."""
    if not answer.found or index >= len(answer.citations):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(messages.MORE_SOURCES, callback_data=f"{MORE}{index}")]])


def addressed_text(message: Message, bot: Bot) -> str | None:
    """The question in a message meant for the bot; None for group chatter not addressed to it."""
    handle = f"@{bot.username}"
    text = re.sub(re.escape(handle), " ", message.text or "", flags=re.IGNORECASE).strip()
    if message.chat.type == ChatType.PRIVATE:
        return text
    mentioned = any(
        (e.type == MessageEntity.MENTION and message.parse_entity(e).lower() == handle.lower())
        or (e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == bot.id)
        for e in message.entities
    )
    replied = message.reply_to_message
    if not mentioned and not (replied and replied.from_user and replied.from_user.id == bot.id):
        return None
    return text


async def answer_message(message: Message, context: Context, text: str) -> None:
    """Typing…, the answer core off the event loop, then the reply quoting the question."""
    # One chat's questions in order (a follow-up waits for the question it follows).
    async with context.bot_data["chat_locks"].hold(message.chat_id):
        await message.chat.send_action(ChatAction.TYPING)
        user_id = message.from_user.id if message.from_user else message.chat_id
        reply = await asyncio.to_thread(context.bot_data["conversations"].ask, message.chat_id, user_id, text)
        if isinstance(reply, str):
            await message.reply_text(reply)
            return
        sent = await message.reply_html(telegram_html(reply), reply_markup=more_button(reply, 1))
        context.bot_data["answers"].put(sent.chat_id, sent.message_id, reply)


# ---------------------------------------------------------------- handlers


async def gate(update: Update, context: Context) -> None:
    """Drop updates from other bots; refuse chats outside the allow-list (admins always pass)."""
    user, chat = update.effective_user, update.effective_chat
    if user and user.is_bot and user.id != ChatID.ANONYMOUS_ADMIN:
        raise ApplicationHandlerStop
    settings: Settings = context.bot_data["settings"]
    allowed = settings.telegram_allowed_chats
    if allowed and chat and chat.id not in allowed and not (user and user.id in settings.telegram_admin_ids):
        if update.callback_query:
            await update.callback_query.answer(messages.NOT_ALLOWED)
        elif update.message and chat.type == ChatType.PRIVATE:
            await update.message.reply_text(messages.NOT_ALLOWED)
        raise ApplicationHandlerStop


async def start(update: Update, context: Context) -> None:
    """Greet with example questions made from the indexed articles."""
    service: AnswerService = context.bot_data["service"]
    examples = await asyncio.to_thread(service.examples, 3)
    await update.effective_message.reply_text(messages.greeting(examples))


async def help_command(update: Update, context: Context) -> None:
    """How to ask, in private and in groups."""
    await update.effective_message.reply_text(messages.HELP)


async def sources(update: Update, context: Context) -> None:
    """The indexed articles: title, date, link."""
    service: AnswerService = context.bot_data["service"]
    for part in split_message(sources_list(service.catalog()), TELEGRAM_LIMIT):
        await update.effective_message.reply_text(part)


async def ask(update: Update, context: Context) -> None:
    """`/ask question`: the way to ask in a group without mentioning the bot."""
    await answer_message(update.effective_message, context, " ".join(context.args or []))


async def question(update: Update, context: Context) -> None:
    """Any text in private; in groups only when mentioned or replied to."""
    text = addressed_text(update.effective_message, context.bot)
    if text is not None:
        await answer_message(update.effective_message, context, text)


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice…: a hint that the bot answers text questions."""
    await update.effective_message.reply_text(messages.NOT_TEXT)


async def more_sources(update: Update, context: Context) -> None:
    """The "Xem thêm nguồn" button: show the next cited paragraph in place of the last one."""
    query = update.callback_query
    index = int(query.data.removeprefix(MORE))
    answer = context.bot_data["answers"].get(query.message.chat.id, query.message.message_id)
    if answer is None or index >= len(answer.citations):
        await query.answer(messages.SOURCES_EXPIRED if answer is None else messages.NO_MORE_SOURCES)
        return
    await query.answer()
    try:
        await query.edit_message_text(telegram_html(answer, index), parse_mode=ParseMode.HTML,
                                      reply_markup=more_button(answer, index + 1))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # a double press shows the same source twice
            raise


async def reindex(update: Update, context: Context) -> None:
    """Admins only: rebuild the index in the background, answering from the old one meanwhile."""
    settings: Settings = context.bot_data["settings"]
    service: AnswerService = context.bot_data["service"]
    message = update.effective_message
    if not update.effective_user or update.effective_user.id not in settings.telegram_admin_ids:
        await message.reply_text(messages.ADMIN_ONLY)
    elif service.rebuilding:
        await message.reply_text(messages.REINDEX_BUSY)
    else:
        await message.reply_text(messages.REINDEX_STARTED)
        context.application.create_task(rebuild(service, message), update=update, name="reindex")


async def rebuild(service: AnswerService, message: Message) -> None:
    """Run the rebuild in a worker thread and tell the admin how it went."""
    try:
        report = await asyncio.to_thread(service.reindex)
    except ReindexBusy:
        await message.reply_text(messages.REINDEX_BUSY)
    except HoibaoError as exc:
        log.warning("reindex failed: %s", exc)
        await message.reply_text(messages.reindex_failed(str(exc)))
    else:
        await message.reply_text(messages.reindex_done(report.summary()))


async def on_error(update: object, context: Context) -> None:
    """Log the failing update by id (no text), apologise, keep serving."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, messages.APOLOGY)


# ---------------------------------------------------------------- wiring


def build_application(settings: Settings, service: AnswerService) -> Application:
    """The Application with every handler wired; `serve` runs it."""
    if settings.telegram_bot_token is None:
        raise HoibaoError("TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put its token in .env.")

    redact_token(settings.telegram_bot_token.get_secret_value(), _URL_LOGGERS)

    async def post_init(application: Application) -> None:
        application.bot_data.update(settings=settings, service=service, answers=AnswerStore(), chat_locks=ChatLocks(),
                                    conversations=Conversations(service, settings))
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in messages.COMMANDS.items()])

    # Connection failures are retried by the transport (the request never left); 429s by the rate limiter.
    request = HTTPXRequest(connection_pool_size=64, httpx_kwargs={
        "transport": httpx.AsyncHTTPTransport(retries=3, limits=httpx.Limits(max_connections=64))})
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .request(request)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .defaults(Defaults(do_quote=True, allow_sending_without_reply=True,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(True)
        .post_init(post_init)
        .build()
    )
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, gate), group=-1)
    application.add_handlers([
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("sources", sources),
        CommandHandler("ask", ask),
        CommandHandler("reindex", reindex),
        CallbackQueryHandler(more_sources, pattern=rf"^{MORE}\d+$"),
        MessageHandler(new_messages & filters.TEXT & ~filters.COMMAND, question),
        MessageHandler(new_messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text),
    ])
    application.add_error_handler(on_error)
    return application


async def start_updates(application: Application, settings: Settings) -> None:
    """A webhook (with a secret token) when TELEGRAM_WEBHOOK_URL is set, else long polling."""
    url = settings.telegram_webhook_url
    if not url:
        await application.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram bot @%s is polling", application.bot.username)
        return
    secret = settings.telegram_webhook_secret
    if secret is None:
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set; using a random secret for this run")
    await application.updater.start_webhook(
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret.get_secret_value() if secret else secrets.token_urlsafe(32),
        allowed_updates=ALLOWED_UPDATES,
    )
    log.info("Telegram bot @%s receives updates on its webhook (port %s)", application.bot.username,
             settings.telegram_webhook_port)


async def serve(settings: Settings, service: AnswerService, stop: asyncio.Event | None = None) -> None:
    """Run the bot until SIGINT/SIGTERM, `stop` being set, or cancellation.

    Args:
        settings: the token, base URL, webhook and chat settings.
        service: the answer service, shared with other channels.
        stop: set it to stop; when None, SIGINT/SIGTERM stop the bot.
    """
    application = build_application(settings, service)
    hooked: list[int] = []
    if stop is None:
        stop = asyncio.Event()
        hooked = on_signals(stop.set)
    try:
        async with application:  # initialize … shutdown
            await application.post_init(application)
            await start_updates(application, settings)
            await application.start()
            try:
                await stop.wait()
            finally:
                await application.updater.stop()
                await application.stop()
    finally:
        release_signals(hooked)


def run(settings: Settings, service: AnswerService) -> None:
    """`hoibao telegram`: serve until Ctrl-C or SIGTERM."""
    asyncio.run(serve(settings, service))
