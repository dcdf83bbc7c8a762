"""Telegram's side of the readers' desk: the choice buttons under a summary or the latest news.

"Hỏi về bài này" under each listed article, and the articles offered when a summary request names
none clearly, each carry a `Choose` object through PTB's arbitrary callback data (Telegram only
sees an opaque id; a forged or stale button arrives as InvalidCallbackData).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import Forbidden

from bot.channels.render import split_message
from bot.desk.reply import Reply

BUTTON_CHARS = 60  # a button's label is cut to this many characters (Telegram shows one line)


@dataclass(frozen=True)
class Choose:
    """A choice button: do `action` ("ask", "summary") with `article`."""

    action: str
    article: str


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per choice; for the latest news, numbered like the list above it."""
    if not reply.choices:
        return None
    rows = []
    for i, choice in enumerate(reply.choices, 1):
        label = f"{i}. {choice.label}" if reply.kind != "latest" else f"{choice.label} ({i})"
        if len(label) > BUTTON_CHARS:
            label = label[: BUTTON_CHARS - 1] + "…"
        rows.append([InlineKeyboardButton(label, callback_data=Choose(choice.action, choice.article))])
    return InlineKeyboardMarkup(rows)


async def send_reply(message: Message, reply: Reply, limit: int) -> None:
    """The reply's text (cut at sentences past `limit`), the buttons under its last part."""
    parts = [reply.text] if len(reply.text) <= limit else split_message(reply.text, limit)
    for part in parts[:-1]:
        await message.reply_text(part)
    await message.reply_text(parts[-1], reply_markup=keyboard(reply))


def start_pushes(application, followers, settings, stop: asyncio.Event) -> asyncio.Task:
    """The Telegram push sender of topics to follow, as a task until `stop`; woken when pushes are queued."""
    from bot.followers.sender import Blocked, Limits

    async def send(address: str, text: str) -> None:
        try:
            await application.bot.send_message(int(address), text)
        except Forbidden as exc:  # blocked, kicked, or the user deleted their account
            raise Blocked(str(exc)) from None

    sender = followers.sender("telegram", send, Limits(settings.follow_telegram_per_second,
                                                       per_chat_hour=settings.follow_max_per_hour))
    loop = asyncio.get_running_loop()
    followers.on_queued(lambda: loop.call_soon_threadsafe(sender.wake.set))
    return asyncio.create_task(sender.run(stop), name="telegram-pushes")
