"""Telegram's 👍 / 👎 buttons under an answer (`bot.channels.feedback` holds the rules).

Each button carries a `Rating` object through PTB's arbitrary callback data:
Telegram only sees an opaque id, so forged or stale data never reaches the
handler as a Rating (it arrives as `InvalidCallbackData`), and a replayed one
is the same vote again, which changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.channels.feedback import DOWN, THUMBS, UP
from bot.core.answer import Answer


@dataclass(frozen=True)
class Rating:
    """A 👍 (+1) or 👎 (-1) on the answer the question log knows as `asked`, showing citation `shown`."""

    asked: str
    value: int
    answer: Answer
    shown: int  # the citation the message shows, so the keyboard can be rebuilt as it was


def rating_row(asked: str | None, answer: Answer, shown: int, votes: tuple[int, int]) -> list[list[InlineKeyboardButton]]:
    """The 👍 / 👎 row (each with its count once someone tapped it), or no row when nothing is logged."""
    if not asked:
        return []
    return [[InlineKeyboardButton(f"{THUMBS[value]} {count}" if count else THUMBS[value],
                                  callback_data=Rating(asked, value, answer, shown))
             for value, count in ((UP, votes[0]), (DOWN, votes[1]))]]
