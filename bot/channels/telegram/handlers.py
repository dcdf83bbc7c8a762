"""The Telegram handlers: each reads the update, hands it to the channel core, replies the Telegram way.

What they share is typed (`BotData`, PTB's `context.bot_data`), and the "Xem
thêm nguồn" button carries a `MoreSources` object through PTB's arbitrary
callback data: Telegram only sees an opaque id, so a forged or stale button
arrives as `InvalidCallbackData` and gets a polite answer.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass, field

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram import Chat as TelegramChatObject
from telegram.constants import ChatAction, ChatID, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop, CallbackContext, CommandHandler, ExtBot

from bot import messages
from bot.channels.core import ChannelCore, Chat, parse_command
from bot.channels.render import TELEGRAM_LIMIT, telegram_html
from bot.channels.telegram import readers
from bot.channels.telegram.buttons import Rating, rating_row
from bot.channels.telegram.inline import RecentQueries
from bot.channels.telegram.stream import TelegramStream
from bot.core.answer import Answer
from bot.desk.reply import Reply
from bot.service import AnswerService
from bot.settings import Settings
from index.redact import KNOWN

log = logging.getLogger("hoibao.telegram")


@dataclass
class BotData:
    """`context.bot_data`: what every handler uses, built once at start-up."""

    settings: Settings
    service: AnswerService
    core: ChannelCore
    inline_cache: RecentQueries = field(default_factory=RecentQueries)  # inline mode's per-user cache


Context = CallbackContext[ExtBot[None], dict, dict, BotData]


@dataclass(frozen=True)
class MoreSources:
    """The "Xem thêm nguồn" button: show citation `index` of `answer` (kept by PTB, never sent to Telegram)."""

    answer: Answer
    index: int
    asked: str | None = None  # the question log's id of the answer: its 👍/👎 row stays under it


def more_button(answer: Answer, index: int, asked: str | None = None,
                votes: tuple[int, int] = (0, 0)) -> InlineKeyboardMarkup | None:
    """The button that shows citation `index` (when there is one) and the 👍/👎 row (when logged)."""
    rows = rating_row(asked, answer, index - 1, votes)
    if index < len(answer.citations):
        rows.insert(0, [InlineKeyboardButton(messages.MORE_SOURCES, callback_data=MoreSources(answer, index, asked))])
    return InlineKeyboardMarkup(rows) if rows else None


class TelegramChat(Chat):
    """Replies quote the message they answer; answers are HTML with the "more sources" button."""

    limit = TELEGRAM_LIMIT

    def __init__(self, message: Message) -> None:
        super().__init__(message.chat_id, message.from_user.id if message.from_user else message.chat_id)
        self.message = message
        self.listener: TelegramStream = TelegramStream(message)  # a written answer streams into the reply

    async def typing(self) -> None:
        await self.message.chat.send_action(ChatAction.TYPING)

    async def send(self, text: str) -> None:
        await self.message.reply_text(text)

    async def send_reply(self, reply: Reply) -> None:
        await readers.send_reply(self.message, reply, self.limit)

    async def send_answer(self, answer: Answer) -> None:
        markup = more_button(answer, 1, self.answer_id)
        if not await self.listener.finish(answer, markup):  # streamed: the final edit was the answer
            await self.message.reply_html(telegram_html(answer), reply_markup=markup)


def entity_text(message: Message, entity: MessageEntity) -> str:
    """The entity's text; "" when its offsets cut a character in two (only a forged update does)."""
    try:
        return message.parse_entity(entity)
    except UnicodeError:
        return ""


def addressed_text(message: Message, bot: Bot) -> str | None:
    """The question in a message meant for the bot; None for group chatter not addressed to it."""
    handle = f"@{bot.username}"
    text = re.sub(re.escape(handle), " ", message.text or "", flags=re.IGNORECASE).strip()
    if message.chat.type == ChatType.PRIVATE:
        return text
    mentioned = any(
        (e.type == MessageEntity.MENTION and entity_text(message, e).lower() == handle.lower())
        or (e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == bot.id)
        for e in message.entities
    )
    replied = message.reply_to_message
    if not mentioned and not (replied and replied.from_user and replied.from_user.id == bot.id):
        return None
    return text


def in_group(message: Message) -> bool:
    return message.chat.type != ChatType.PRIVATE


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def well_formed(update: Update) -> bool:
    """The fields the handlers read have the types Telegram sends.

    PTB does not check types: an update forged on the webhook by someone holding its secret (or a
    Bot API change) could carry a list for a chat id, a number for a text.
    """
    chat, user, message, query = update.effective_chat, update.effective_user, update.effective_message, \
        update.callback_query
    if chat is not None and not (_is_id(chat.id) and isinstance(chat.type, str)):
        return False
    if user is not None and not (_is_id(user.id) and isinstance(user.is_bot, bool)):
        return False
    if query is not None and not isinstance(query.id, str):
        return False
    if message is None:
        return True
    replied = message.reply_to_message
    return (_is_id(message.message_id) and isinstance(message.chat, TelegramChatObject) and isinstance(message.text, str | None)
            and all(isinstance(e, MessageEntity) and isinstance(e.type, str) and _is_id(e.offset) and _is_id(e.length)
                    and (e.user is None or _is_id(e.user.id)) for e in message.entities)
            and (replied is None or replied.from_user is None or _is_id(replied.from_user.id)))


async def gate(update: Update, context: Context) -> None:
    """Drop updates from other bots, and malformed ones; refuse chats outside the allow-list (admins
    always pass)."""
    if not well_formed(update):
        log.warning("update %s dropped: a field of the wrong type", update.update_id)
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    if user and user.is_bot and user.id != ChatID.ANONYMOUS_ADMIN:
        raise ApplicationHandlerStop
    settings = context.bot_data.settings
    allowed = settings.telegram_allowed_chats
    if allowed and chat and chat.id not in allowed and not (user and user.id in settings.telegram_admin_ids):
        if update.callback_query:
            await answer_press(update.callback_query, messages.NOT_ALLOWED)
        elif update.message and chat.type == ChatType.PRIVATE:
            await update.message.reply_text(messages.NOT_ALLOWED)
        raise ApplicationHandlerStop


async def command(update: Update, context: Context) -> None:
    """/start, /help, /sources and /ask (the way to ask in a group without mentioning the bot)."""
    message = update.effective_message
    await context.bot_data.core.message(TelegramChat(message), message.text or "", group=in_group(message))


async def unknown_command(update: Update, context: Context) -> None:
    """A command no handler of the bot takes (mistyped, or one it lacks): one line with those it knows.

    Registered in a later group than the commands, so it sees every command and answers only those no
    CommandHandler knows; in a group, only those addressed to this bot (`/x@bot`).
    """
    message = update.effective_message
    words = (message.text or "").split(maxsplit=1)
    command = parse_command(message.text or "")
    known = {name for group in context.application.handlers.values() for handler in group
             if isinstance(handler, CommandHandler) for name in handler.commands}
    addressed = words and words[0].lower().endswith(f"@{context.bot.username}".lower())
    if command is None or command[0] in known or (in_group(message) and not addressed):
        return
    await context.bot_data.core.message(TelegramChat(message), message.text or "")


async def question(update: Update, context: Context) -> None:
    """Any text in private; in groups only when mentioned or replied to."""
    text = addressed_text(update.effective_message, context.bot)
    if text is not None:
        await context.bot_data.core.ask(TelegramChat(update.effective_message), text)


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice…: a hint that the bot answers text questions."""
    await context.bot_data.core.not_text(TelegramChat(update.effective_message))


async def more_sources(update: Update, context: Context) -> None:
    """The "Xem thêm nguồn" button: show the next cited paragraph in place of the last one."""
    query = update.callback_query
    wanted = query.data
    if not isinstance(wanted, MoreSources):  # PTB hands a press without data to every button handler
        await expired_button(update, context)
        return
    await answer_press(query)
    try:
        await query.edit_message_text(telegram_html(wanted.answer, wanted.index), parse_mode=ParseMode.HTML,
                                      reply_markup=more_button(wanted.answer, wanted.index + 1, wanted.asked,
                                                               context.bot_data.core.votes.tally(wanted.asked)))
    except BadRequest as exc:
        # A double press shows the same source twice ("not modified"); a press forged onto another
        # message, or on one that can no longer be edited, changes nothing: neither is an error.
        if "not modified" not in str(exc).lower():
            log.info("button press not shown: %s", exc)


async def rate(update: Update, context: Context) -> None:
    """👍 / 👎: counted once per reader (the question log), thanked, and the counts shown on the buttons."""
    query = update.callback_query
    rating = query.data
    if not isinstance(rating, Rating):  # safe whatever the handlers' order: a press without data reaches every one
        await expired_button(update, context)
        return
    core = context.bot_data.core
    before = core.votes.tally(rating.asked)
    votes = core.rate(rating.asked, query.from_user.id, rating.value)
    with contextlib.suppress(BadRequest):  # a replayed update: its query was answered already
        await query.answer(messages.feedback_thanks(rating.value))
    if votes != before:
        with contextlib.suppress(BadRequest):  # the message is gone, or another tap already showed these counts
            await query.edit_message_reply_markup(more_button(rating.answer, rating.shown + 1, rating.asked, votes))


async def expired_button(update: Update, context: Context) -> None:
    """A button whose data PTB does not hold (forged, or from before a restart): say so, politely."""
    await answer_press(update.callback_query, messages.SOURCES_EXPIRED)


async def answer_press(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press; one Telegram no longer takes ("query is too old": answered late, after a
    flood or a restart, or a forged id) is let go, as there is nothing left to show it on."""
    try:
        await query.answer(text)
    except BadRequest as exc:
        log.info("button press not answered: %s", exc)


async def reindex(update: Update, context: Context) -> None:
    """Admins only: rebuild the index in the background, answering from the old one meanwhile."""
    data, message = context.bot_data, update.effective_message
    if not update.effective_user or update.effective_user.id not in data.settings.telegram_admin_ids:
        await message.reply_text(messages.ADMIN_ONLY)
    elif data.service.rebuilding:
        await message.reply_text(messages.REINDEX_BUSY)
    else:
        await message.reply_text(messages.REINDEX_STARTED)
        context.application.create_task(report_rebuild(data.core, message), update=update, name="reindex")


async def report_rebuild(core: ChannelCore, message: Message) -> None:
    """Tell the admin how the rebuild went, failures included."""
    await message.reply_text(await core.rebuild())


async def on_error(update: object, context: Context) -> None:
    """Log the failing update by id (no text), apologise, keep serving.

    A reader who blocked the bot (Forbidden) gets a warning line and no apology, which could not
    reach them either; a network failure or Telegram's flood limit one error line; anything
    else, a bug until shown otherwise, its traceback.
    """
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, Forbidden):
        log.warning("update %s: Telegram refused the reply: %s", update_id, KNOWN.hide(str(error)))
        return
    if isinstance(error, NetworkError) and not context.application.running:
        # Stopping: a reply cut by the drain (the request already closed) is counted in its one line.
        log.warning("update %s not answered: the bot is stopping (%s)", update_id, type(error).__name__)
        return
    if isinstance(error, (RetryAfter, TimedOut)) or type(error) is NetworkError:
        # A Bot API behind a proxy may echo the request path, which holds the token.
        log.error("update %s failed: %s: %s", update_id, type(error).__name__, KNOWN.hide(str(error)))
    else:
        log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, messages.APOLOGY)


async def choose(update: Update, context) -> None:
    """A choice button: answer the press, then the summary or "now about this article"."""
    query = update.callback_query
    if not isinstance(query.data, readers.Choose) or not isinstance(query.message, Message):  # stale or inaccessible
        await expired_button(update, context)
        return
    await answer_press(query)
    chat = TelegramChat(query.message)
    chat.user = query.from_user.id
    await context.bot_data.core.choose(chat, query.data.action, query.data.article)
