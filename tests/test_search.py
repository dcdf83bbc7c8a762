"""Hybrid retrieval: fusion (pure), the dense weight per question, and the real seed index."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.search import (
    DENSE_WEIGHT,
    DENSE_WEIGHT_RESTORED,
    DENSE_WEIGHT_UNACCENTED,
    Searcher,
    best_per_paragraph,
    dense_weight_for,
    fuse,
)
from index.text import tokens

# --- fuse ---------------------------------------------------------------------------


def test_fuse_dense_only_keeps_dense_order_scaled_to_its_weight():
    fused = fuse([(4, 0.9), (2, 0.8), (7, 0.5)], [], dense_weight=0.7)
    assert [row for row, _ in fused] == [4, 2, 7]
    assert fused[0][1] == pytest.approx(0.7)
    assert fused[1][1] == pytest.approx(0.7 * 0.3 / 0.4)
    assert fused[2][1] == pytest.approx(0.0)


def test_fuse_lexical_only_scales_by_the_best_bm25():
    fused = fuse([], [(3, 12.0), (1, 6.0)], dense_weight=0.7)
    assert fused == [(3, pytest.approx(0.3)), (1, pytest.approx(0.15))]


def test_fuse_a_paragraph_found_by_both_sides_wins():
    dense = [(1, 0.90), (2, 0.85), (3, 0.60)]
    lexical = [(3, 10.0), (2, 8.0), (5, 1.0)]
    fused = dict(fuse(dense, lexical, dense_weight=0.5))
    assert fused[2] == pytest.approx(0.5 * 0.25 / 0.30 + 0.5 * 0.8)
    assert fused[1] == pytest.approx(0.5)
    assert fused[3] == pytest.approx(0.5)
    assert fused[5] == pytest.approx(0.05)
    assert max(fused, key=fused.get) == 2


def test_fuse_weight_decides_which_side_leads():
    dense = [(1, 0.9), (2, 0.5)]
    lexical = [(2, 9.0), (1, 1.0)]
    assert fuse(dense, lexical, dense_weight=DENSE_WEIGHT)[0][0] == 1
    assert fuse(dense, lexical, dense_weight=DENSE_WEIGHT_UNACCENTED)[0][0] == 2
    assert [row for row, _ in fuse(dense, lexical, dense_weight=1.0)] == [1, 2]
    assert [row for row, _ in fuse(dense, lexical, dense_weight=0.0)] == [2, 1]


def test_fuse_is_sorted_best_first_and_empty_when_nothing_found():
    fused = fuse([(1, 0.9), (2, 0.7), (3, 0.1)], [(3, 5.0), (9, 4.0)])
    scores = [score for _, score in fused]
    assert scores == sorted(scores, reverse=True)
    assert {row for row, _ in fused} == {1, 2, 3, 9}
    assert fuse([], []) == []


def test_best_per_paragraph_keeps_each_paragraphs_best_chunk():
    import numpy as np

    chunk_paragraph = np.array([0, 0, 1, 2, 2])
    hits = [(1, 0.9), (3, 0.8), (0, 0.7), (4, 0.6), (2, 0.5)]
    assert best_per_paragraph(hits, chunk_paragraph) == [(0, 0.9), (2, 0.8), (1, 0.5)]


# --- dense weight per question ------------------------------------------------------

VOCAB = set(tokens(
    "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin. Ai là người đứng đầu? "
    "Cầu Rồng phun lửa vào tối thứ Bảy."
))


@pytest.mark.parametrize(
    "question, weight",
    [
        ("Bí thư Đảng ủy phường Phước Mỹ là ai?", DENSE_WEIGHT),
        ("Đ", DENSE_WEIGHT),
        ("bi thu dang uy phuong phuoc my la ai", DENSE_WEIGHT_UNACCENTED),
        ("BI THU PHUONG PHUOC MY LA AI", DENSE_WEIGHT_UNACCENTED),
        ("cau rong phun lua khi nao", DENSE_WEIGHT_UNACCENTED),
        ("Who is the party secretary of Phuoc My ward?", DENSE_WEIGHT),
        ("When does the Dragon Bridge breathe fire?", DENSE_WEIGHT),
        ("", DENSE_WEIGHT),
    ],
)
def test_dense_weight_for(question, weight):
    assert dense_weight_for(question, VOCAB.__contains__) == weight


# --- the real seed index ------------------------------------------------------------


ENGLISH_QUESTION = "Who is the party secretary of Phuoc My ward?"


@pytest.mark.parametrize(
    "question",
    [
        "Bí thư Đảng ủy phường Phước Mỹ là ai?",
        "bi thu dang uy phuong phuoc my la ai",
        pytest.param(
            ENGLISH_QUESTION,
            marks=pytest.mark.xfail(
                reason="cross-lingual: the 4-bit mE5 barely prefers paragraph 9 (cosine 0.769 vs 0.764) "
                "while BM25 on 'phuoc my' prefers the shorter paragraph 8, so 8 wins the fusion by 0.003; "
                "strict: a ranking change that puts 9 first shows up as XPASS, to be looked at",
                raises=AssertionError,
                strict=True,
            ),
        ),
    ],
)
def test_seed_top_paragraph_names_the_secretary(searcher, question):
    hits = searcher.search(question, top_k=5)
    top = hits[0].paragraph
    assert "Nguyễn Huy Bình" in top.text
    assert top.number == 9
    assert top.source == "000_2c5cdd79dcb8f4d0.txt"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.row for h in hits}) == len(hits)


def test_seed_english_question_finds_the_secretary_near_the_top(searcher):
    hits = searcher.search(ENGLISH_QUESTION, top_k=2)
    assert any(h.paragraph.number == 9 and "Nguyễn Huy Bình" in h.paragraph.text for h in hits)


# Some keyboards send decomposed Vietnamese (a vowel, then combining marks): the search reads NFC first.
def test_seed_nfd_question_ranks_like_nfc(searcher):
    import unicodedata

    question = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
    nfc = [(h.row, h.score) for h in searcher.search(question, top_k=5)]
    nfd = [(h.row, h.score) for h in searcher.search(unicodedata.normalize("NFD", question), top_k=5)]
    assert [row for row, _ in nfd] == [row for row, _ in nfc]  # the whole ranking, not just its top row
    assert [score for _, score in nfd] == pytest.approx([score for _, score in nfc])


def test_seed_unaccented_question_gets_its_accents_back_for_the_dense_side(searcher):
    typed = "bi thu dang uy phuong phuoc my la ai"
    assert searcher.dense_side(typed) == ("bí thư đảng ủy phường phước mỹ là ai", DENSE_WEIGHT_RESTORED)
    accented = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
    assert searcher.dense_side(accented) == (accented, DENSE_WEIGHT)
    assert searcher.dense_side("Who is the party secretary of Phuoc My ward?")[1] == DENSE_WEIGHT


def test_an_index_without_an_accent_model_leans_on_bm25(searcher):
    # Indexes built before the accent model existed: unaccented questions as before.
    old = Searcher(replace(searcher.index, accents=None), searcher.embedder)
    typed = "bi thu dang uy phuong phuoc my la ai"
    assert old.dense_side(typed) == (typed, DENSE_WEIGHT_UNACCENTED)


def test_seed_hits_carry_both_component_scores(searcher):
    [top] = searcher.search("Bí thư Đảng ủy phường Phước Mỹ là ai?", top_k=1)
    assert 0 < top.dense <= 1
    assert top.lexical > 0


def test_an_nfd_question_gets_the_nfc_answer(answerer):
    """Through the answerer too (eval and library callers bypass the chat's NFC): the same answer, the same
    names read from the question (a decomposed 'Phước' used to split at its marks and lose the name)."""
    import unicodedata

    question = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
    composed, decomposed = answerer.answer(question), answerer.answer(unicodedata.normalize("NFD", question))
    assert decomposed.to_json("") == composed.to_json("")
    assert composed.status == "answered" and "Nguyễn Huy Bình" in composed.answer
