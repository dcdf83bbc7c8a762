"""Readers' feedback rules shared by the channels: which replies rate an answer, one vote per reader."""

from __future__ import annotations

import pytest

from bot.channels.feedback import LastAnswers, Votes, feedback_value


@pytest.mark.parametrize(("text", "value"), [
    ("👍", 1), ("👎", -1), (" 👍🏻 ", 1), ("👍👍", 1), ("👎️", -1),
    ("đúng", 1), ("ĐÚNG", 1), ("Đúng!", 1), ("dung", 1), ("  DUNG. ", 1), ("đúng rồi", 1), ("dung roi", 1),
    ("sai", -1), ("Sai!!", -1), (" sai rồi ", -1), ("SAI ROI", -1), ("«sai»", -1),
])
def test_replies_that_rate(text, value):
    assert feedback_value(text) == value


@pytest.mark.parametrize("text", [
    None, "", "   ", "...", "dùng", "đừng", "sái", "sài", "đúng không?", "sai ở đâu?", "Ai là bí thư?", "👍" * 50,
    "🙂", "đúng sai",
])
def test_other_texts_are_questions(text):
    assert feedback_value(text) is None


def test_one_vote_per_reader_the_latest_stands():
    votes = Votes(max_answers=2)
    assert votes.cast("a", 1, 1) and not votes.cast("a", 1, 1)
    assert votes.tally("a") == (1, 0)
    assert votes.cast("a", 1, -1) and votes.tally("a") == (0, 1)
    assert votes.cast("a", 2, 1) and votes.tally("a") == (1, 1)
    votes.cast("b", 1, 1)
    votes.cast("c", 1, 1)  # the oldest answer is forgotten: memory stays bounded
    assert votes.tally("a") == (0, 0) and votes.tally(None) == (0, 0)


def test_the_last_answer_is_forgotten_after_its_time_or_the_next_question():
    now = [0.0]
    last = LastAnswers(ttl=60, clock=lambda: now[0], max_chats=2)
    last.remember("chat", "q1")
    assert last.get("chat") == "q1"
    now[0] = 61
    assert last.get("chat") is None
    last.remember("chat", "q2")
    last.remember("chat", None)  # a refused question in between
    assert last.get("chat") is None
    for chat in ("a", "b", "c"):
        last.remember(chat, chat)
    assert last.get("a") is None and last.get("c") == "c"
