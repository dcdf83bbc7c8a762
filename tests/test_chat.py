"""What every channel shares: input checks, rate limits, per-chat history, one log line."""

from __future__ import annotations

import logging

import pytest

from bot import messages
from bot.chat import ChatHistory, Conversations, RateLimiter, check_question, clean_question
from bot.service import AnswerService
from tests.conftest import states


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        (None, messages.EMPTY),
        ("", messages.EMPTY),
        ("   \n\t ", messages.EMPTY),
        ("😀😀🎉", messages.SYMBOLS_ONLY),
        ("?!… ---", messages.SYMBOLS_ONLY),
        ("x" * 1001, messages.too_long(1000)),
        ("Ai là bí thư?", None),
        ("2023?", None),
    ],
)
def test_check_question(text, reply):
    assert check_question(text, 1000) == reply


def test_clean_question_normalises():
    nfd = "Phu\u031bo\u031b\u0301c  Mỹ\x00\n là ai?"
    assert clean_question(nfd) == "Phước Mỹ là ai?"


def test_rate_limit_is_per_user_and_slides():
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.allow("u1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("u2")
    assert limiter.retry_after("u1") > 0
    clock.now += 61
    assert limiter.allow("u1")


def test_history_is_bounded_and_expires():
    clock = Clock()
    history = ChatHistory(turns=2, ttl=60, clock=clock)
    for q in ("một", "hai", "ba"):
        history.add(1, q)
    assert history.get(1) == ["hai", "ba"]
    assert history.get(2) == []
    clock.now += 61
    assert history.get(1) == []


@pytest.fixture
def conversations(settings):
    settings.rate_limit_per_minute = 3
    return Conversations(AnswerService(settings), settings, Clock())


def test_conversation_answers_follows_up_and_logs_without_text(conversations, caplog):
    with caplog.at_level(logging.INFO, logger="hoibao.chat"):
        first = conversations.ask(7, 70, "Bí thư Đảng ủy phường Phước Mỹ là ai?")
        second = conversations.ask(7, 70, "Còn phường An Hải Tây thì sao?")
    assert states(first, "Nguyễn Huy Bình")
    assert states(second, "Phạm Đình Nam")
    lines = [r.getMessage() for r in caplog.records if r.name == "hoibao.chat"]
    assert len(lines) == 2
    assert all("chat=7" in line and "found=True" in line and "latency_ms=" in line for line in lines)
    assert not any("Phước" in line or "An Hải" in line for line in lines)


def test_history_is_per_chat(conversations):
    conversations.ask(1, 10, "Bí thư Đảng ủy phường Phước Mỹ là ai?")
    other = conversations.ask(2, 20, "Còn phường An Hải Tây thì sao?")
    same = conversations.ask(1, 10, "Còn phường An Hải Tây thì sao?")
    assert other.searched == "Còn phường An Hải Tây thì sao?"  # chat 2 has no history: read as typed
    assert same.searched != same.question and states(same, "Phạm Đình Nam")  # chat 1's own history is used


def test_an_nfd_question_is_answered_as_its_nfc_form(conversations):
    import unicodedata

    question = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
    typed = conversations.ask(1, 10, unicodedata.normalize("NFD", question))
    assert typed.question == question and states(typed, "Nguyễn Huy Bình")


def test_conversation_refuses_politely(conversations):
    assert conversations.ask(1, 1, "🙂") == messages.SYMBOLS_ONLY
    for _ in range(3):
        assert not isinstance(conversations.ask(1, 1, "Bí thư Quận ủy Sơn Trà là ai?"), str)
    reply = conversations.ask(1, 1, "Bí thư Quận ủy Sơn Trà là ai?")
    assert isinstance(reply, str) and "nhanh quá" in reply


async def test_chat_locks_keep_one_chat_in_order_and_forget_idle_chats():
    import asyncio

    from bot.channels.runtime import ChatLocks

    locks, order = ChatLocks(), []

    async def handle(chat: int, name: str, delay: float) -> None:
        async with locks.hold(chat):
            order.append(f"{name}+")
            await asyncio.sleep(delay)
            order.append(f"{name}-")

    await asyncio.gather(handle(1, "a", 0.05), handle(1, "b", 0), handle(2, "c", 0.01))
    assert order.index("a-") < order.index("b+")  # same chat: strictly one after the other
    assert order.index("c+") < order.index("a-")  # other chat: side by side
    assert len(locks) == 0
