"""`bot.llm.check`: which written answers are grounded in the paragraphs they cite, with literal Vietnamese."""

from __future__ import annotations

import unicodedata

import pytest

from bot.llm.check import BAD_CITATION, UNSUPPORTED_FACT, check, cited, numbers
from bot.llm.facts import names

PARAGRAPHS = [
    "Ông Nguyễn Văn Hùng, Chủ tịch UBND TP. Đà Nẵng, cho biết cầu dài 1.200 m, khánh thành ngày 15/3/2024.",
    "Theo Sở Giao thông, lượng xe qua cầu tăng 7,5% trong quý I.",
]


@pytest.mark.parametrize("text", [
    "Cầu dài 1.200 m [1].",
    "Theo ông Nguyễn Văn Hùng, cầu khánh thành ngày 15/3/2024 [1].",
    "Ông Nguyen Van Hung cho biết cầu dài 1.200 m [1].",  # typed without accents: folded
    "Cầu ở TP. Đà Nẵng dài 1.200 m [1], lượng xe tăng 7,5% [2].",
    "Lượng xe tăng 7,5% [1, 2].",
    "Ông Nguyễn Văn Hùng cho biết cầu dài 1.200 m [1].",
])
def test_grounded_answers_pass(text):
    assert check(text, PARAGRAPHS) is None


def test_nfd_input_is_the_same_answer():
    assert check(unicodedata.normalize("NFD", "Ông Nguyễn Văn Hùng nói vậy [1]."), PARAGRAPHS) is None


@pytest.mark.parametrize("text, reason", [
    ("Cầu dài 1.500 m [1].", UNSUPPORTED_FACT),  # a number no paragraph has
    ("Cầu dài 200 m [1].", UNSUPPORTED_FACT),  # a piece of "1.200" is not "200"
    ("Cầu khánh thành ngày 16/3/2024 [1].", UNSUPPORTED_FACT),
    ("Ông Trần Văn Bình cho biết cầu dài 1.200 m [1].", UNSUPPORTED_FACT),  # an invented name
    ("Lượng xe tăng 7,5% [1].", UNSUPPORTED_FACT),  # true, but not in the paragraph cited
    ("Cầu dài 1.200 m [3].", BAD_CITATION),  # only two paragraphs were given
    ("Cầu dài 1.200 m [0].", BAD_CITATION),
    ("Cầu dài 1.200 m.", BAD_CITATION),  # uncited
    ("Mình không biết từ các bài báo này.", BAD_CITATION),
])
def test_ungrounded_answers_say_why(text, reason):
    assert check(text, PARAGRAPHS) == reason


def test_the_parts_it_compares():
    assert cited("Cầu dài [1], xe tăng [1, 2][2].") == [1, 1, 2, 2]
    assert names("Theo Sở Giao thông, cầu mới. Ông Nguyễn Văn Hùng nói.") == ["Sở Giao", "Nguyễn Văn Hùng"]
    assert numbers("dài 1.200 m, tăng 7,5%, ngày 15/3/2024") == ["1.200", "7,5", "15/3/2024"]


def test_a_number_joined_to_a_word_is_found_where_it_was_written():
    # Found by benchmarks/llm_latency.py: a reply quoting "sau Covid-19" word for word was rejected.
    paragraphs = ["Sau Covid-19, nhiều người gặp khó khăn; đội bay Su-27 bay qua lúc 9:30 ngày 15-3."]
    assert check("Sau Covid-19, nhiều người gặp khó khăn [1].", paragraphs) is None
    assert check("Đội bay Su-27 bay qua lúc 9:30 ngày 15-3 [1].", paragraphs) is None
    assert check("Sau Covid-20, nhiều người gặp khó khăn [1].", paragraphs) == UNSUPPORTED_FACT
    assert check("Đội bay bay qua lúc 30 [1].", paragraphs) == UNSUPPORTED_FACT  # a piece of "9:30"
    assert check("Đội bay bay qua ngày 3 [1].", paragraphs) == UNSUPPORTED_FACT  # a piece of "15-3"
