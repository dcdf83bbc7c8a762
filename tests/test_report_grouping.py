"""The near-duplicate cut (SIMILAR_QUESTIONS) on the default embedder: some of the pairs it was measured on.

A wrong merge hides a question from the editors, so every "different" pair must stay apart; the
"same" pairs here are rephrasings the cut is meant to join.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.report.data import Asked
from bot.report.grouping import MAX_EMBEDDED, SIMILAR_QUESTIONS, Similarity, group, similarity_for

SAME = [
    ("Giá vàng hôm nay bao nhiêu?", "Hôm nay giá vàng là bao nhiêu vậy?"),
    ("Bao giờ khai mạc lễ hội pháo hoa?", "Lễ hội pháo hoa khai mạc ngày nào?"),
    ("Giá vàng hôm nay?", "giá vàng hôm nay thế nào"),
    ("Lương tối thiểu vùng năm 2024 là bao nhiêu?", "Mức lương tối thiểu vùng 2024?"),
    ("Có bao nhiêu ca sốt xuất huyết ở Đà Nẵng?", "Đà Nẵng có bao nhiêu ca sốt xuất huyết?"),
]
DIFFERENT = [
    ("Giá vàng hôm nay bao nhiêu?", "Giá xăng hôm nay bao nhiêu?"),
    ("Bí thư phường Phước Mỹ là ai?", "Bí thư phường An Hải Tây là ai?"),
    ("Lịch cắt điện quận Hải Châu tuần này", "Lịch cắt nước quận Hải Châu tuần này"),
    ("Ai là chủ tịch thành phố Đà Nẵng?", "Ai là bí thư thành phố Đà Nẵng?"),
    ("Điểm chuẩn đại học Đà Nẵng năm nay", "Học phí đại học Đà Nẵng năm nay"),
    ("Thời tiết Đà Nẵng ngày mai", "Thời tiết Huế ngày mai"),
    ("Lương tối thiểu vùng năm 2024 là bao nhiêu?", "Lương tối thiểu vùng năm 2023 là bao nhiêu?"),
    ("Giá vàng SJC hôm nay", "Giá vàng nhẫn hôm nay"),
    ("Trận Đà Nẵng gặp Hà Nội mấy giờ?", "Trận Đà Nẵng gặp Hà Nội tỉ số bao nhiêu?"),
]
NOW = datetime(2025, 5, 18, tzinfo=UTC)


def _asked(*questions: str) -> list[Asked]:
    return [Asked(f"{i:032x}", NOW - timedelta(minutes=i), "telegram", q, "not_found") for i, q in enumerate(questions)]


def test_the_cut_is_measured_for_the_default_embedder(embedder):
    assert embedder.id in SIMILAR_QUESTIONS


@pytest.mark.parametrize("a, b", SAME)
def test_rephrasings_are_one_question(embedder, a, b):
    similarity, _ = similarity_for(embedder)
    grouped = group(_asked(a, a, b), similarity)
    assert [(g.representative, g.count, g.phrasings) for g in grouped.groups] == [(a, 3, [a, b])]


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_questions_that_share_words_stay_apart(embedder, a, b):
    similarity, _ = similarity_for(embedder)
    grouped = group(_asked(a, b), similarity)
    assert sorted(g.representative for g in grouped.groups) == sorted([a, b])


def test_leaders_stop_a_chain_of_small_steps():
    """B is close to A and C to B, but C not to A: C starts its own group."""
    vectors = {"A": [1.0, 0.0], "B": [0.8, 0.6], "C": [0.28, 0.96]}
    similarity = Similarity(lambda texts: [vectors[t] for t in texts], threshold=0.79, model="test")
    grouped = group(_asked("A", "A", "A", "B", "B", "C"), similarity)
    assert [(g.representative, g.count) for g in grouped.groups] == [("A", 5), ("C", 1)]


def test_each_phrasing_is_embedded_once_and_only_the_most_asked_groups(monkeypatch):
    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return [[1.0, float(i)] for i, _ in enumerate(texts)]

    monkeypatch.setattr("bot.report.grouping.MAX_EMBEDDED", 2)
    similarity = Similarity(embed, threshold=0.9999, model="test")
    asked = _asked("một", "một", "một", "hai", "hai", "ba")
    assert [g.count for g in group(asked, similarity).groups] == [3, 2, 1]
    assert [g.count for g in group(asked, similarity).groups] == [3, 2, 1]
    assert calls == [["một", "hai"]]  # "ba" is past the cap; the second report reused the vectors
    assert MAX_EMBEDDED >= 1000
