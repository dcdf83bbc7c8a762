"""Chunking: long paragraphs split on sentence boundaries, every piece pointing to its paragraph."""

from __future__ import annotations

from index.chunk import Chunk, chunk_paragraphs, split_long
from index.text import split_sentences


def word_count(text: str) -> int:
    return len(text.split())


LONG = (
    "Quận ủy Sơn Trà lãnh đạo triển khai đồng bộ nhiệm vụ xây dựng Đảng. "
    "Phường An Hải Tây ở TP. Đà Nẵng đã xử lý hơn 1.200 trường hợp vi phạm. "
    "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin về kế hoạch năm 2023. "
    "PGS. TS. Lê Văn A đánh giá cao kết quả. "
    "Quận ủy giao Ban Tổ chức tham mưu công tác phát triển đảng viên."
)
SHORT = "Cầu Rồng phun lửa vào tối thứ Bảy và Chủ nhật hằng tuần."


def test_short_paragraph_stays_whole():
    assert split_long(SHORT, max_tokens=50, count_tokens=word_count) == [SHORT]


def test_long_paragraph_splits_on_sentence_boundaries_within_the_window():
    window = 25
    assert word_count(LONG) > window
    pieces = split_long(LONG, max_tokens=window, count_tokens=word_count)
    assert len(pieces) > 1
    assert all(word_count(piece) <= window for piece in pieces)
    # Whole sentences only, in order, nothing lost or duplicated.
    assert [s for piece in pieces for s in split_sentences(piece)] == split_sentences(LONG)
    assert " ".join(pieces) == LONG
    # "TP." and "PGS. TS." are not sentence ends, so no piece starts with a dangling name.
    assert not any(piece.startswith(("Đà Nẵng", "TS.", "Lê Văn A")) for piece in pieces)


def test_sentence_longer_than_the_window_stays_whole():
    sentence = " ".join(["Phước Mỹ"] * 20) + "."
    assert split_long(sentence + " Câu ngắn.", max_tokens=10, count_tokens=word_count) == [sentence, "Câu ngắn."]


def test_chunks_point_to_their_paragraph_rows():
    chunks = chunk_paragraphs([SHORT, LONG, SHORT], max_tokens=25, count_tokens=word_count)
    rows = [c.paragraph for c in chunks]
    assert rows[0] == 0 and rows[-1] == 2
    assert rows == sorted(rows)
    assert chunks[0] == Chunk(0, SHORT)
    assert chunks[-1] == Chunk(2, SHORT)
    middle = [c for c in chunks if c.paragraph == 1]
    assert len(middle) > 1
    assert " ".join(c.text for c in middle) == LONG
    assert all(c.text in LONG for c in middle)


def test_chunks_with_the_real_tokenizer_fit_the_window(embedder):
    window = 48
    paragraph = " ".join([LONG] * 3)
    assert embedder.count_tokens(paragraph) > window
    chunks = chunk_paragraphs([paragraph], max_tokens=window, count_tokens=embedder.count_tokens)
    assert len(chunks) > 1
    assert all(c.paragraph == 0 for c in chunks)
    assert all(embedder.count_tokens(c.text) <= window for c in chunks)


def _recounting_split(text: str, max_tokens: int, count_tokens) -> list[str]:
    """The packing as it was, re-counting the growing piece at every sentence: the reference."""
    if count_tokens(text) <= max_tokens:
        return [text]
    pieces, current = [], []
    for sentence in split_sentences(text):
        if current and count_tokens(" ".join(current + [sentence])) > max_tokens:
            pieces.append(" ".join(current))
            current = [sentence]
        else:
            current.append(sentence)
    return pieces + ([" ".join(current)] if current else [])


def test_counting_each_sentence_once_gives_the_same_pieces_with_the_real_tokenizer(embedder):
    from tests.conftest import SEEDS
    from index.corpus import load_articles

    paragraphs = [p.text for a in load_articles(SEEDS).articles for p in a.paragraphs]
    texts = paragraphs + [" ".join(paragraphs), LONG, SHORT, LONG + "  "]
    counted: list[str] = []

    def counting(text: str) -> int:
        counted.append(text)
        return embedder.count_tokens(text)

    for window in (24, 64, 128, 480):
        for text in texts:
            assert split_long(text, window, embedder.count_tokens) == _recounting_split(text, window, embedder.count_tokens)
    split_long(" ".join(paragraphs), 480, counting)
    new = sum(map(len, counted))
    counted.clear()
    _recounting_split(" ".join(paragraphs), 480, counting)
    # A long text in a 480-token window (the 1.8 MB article): each sentence once, plus a few exact counts
    # at the window's edge, against re-counting every piece at every sentence.
    assert new < 0.7 * sum(map(len, counted))  # 0.56 here; far less with shorter sentences
