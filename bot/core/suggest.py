"""Questions to suggest for one article (a deep link's greeting): only those the bot answers from it.

Candidates are the questions newsroom readers ask most (amounts, dates, who, where), each offered
only when the article holds its trigger words (general Vietnamese news vocabulary, nothing about
one article). Each is then asked, scoped to the article, and kept only when the bot answers it
with a short phrase (answer_form "phrase": typed, whole, and sure) from that article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.core.answer_line import PHRASE
from bot.core.outcome import ANSWERED
from index.corpus import Paragraph
from index.text import fold

# (folded trigger words, all needed; the question)
TEMPLATES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("von",), "Tổng vốn đầu tư là bao nhiêu?"),
    (("kinh phi",), "Kinh phí là bao nhiêu?"),
    (("dai", "met"), "Công trình dài bao nhiêu mét?"),
    (("ca",), "Có bao nhiêu ca mắc?"),
    (("gia",), "Giá mới là bao nhiêu?"),
    (("hoan thanh",), "Khi nào hoàn thành?"),
    (("khoi cong",), "Khởi công khi nào?"),
    (("nha thau",), "Nhà thầu nào thi công?"),
    (("chu tich",), "Chủ tịch là ai?"),
    (("giam doc",), "Giám đốc là ai?"),
    (("tu vong",), "Bao nhiêu người tử vong?"),
    (("van dong vien",), "Ai về nhất?"),
    (("hoc sinh",), "Có bao nhiêu học sinh?"),
    (("tu ngay",), "Áp dụng từ ngày nào?"),
)


def candidates(paragraphs: Iterable[Paragraph]) -> list[str]:
    text = f" {' '.join(fold(p.text) for p in paragraphs)} "
    return [q for words, q in TEMPLATES if all(f" {w} " in text for w in words)]


def suggested(paragraphs: list[Paragraph], answer: Callable[[str], object], limit: int = 3) -> list[str]:
    """Up to `limit` questions that `answer` (scoped to the article) answers with a phrase from it."""
    ids = {p.article_id for p in paragraphs}
    kept: list[str] = []
    for question in candidates(paragraphs):
        if len(kept) >= limit:
            break
        reply = answer(question)
        cited = reply.citations[0].paragraph if reply.citations else None
        # A phrase, never a sentence: the phrase model was sure of it, and it has the type asked for
        # (a number with its unit for "bao nhiêu", a time for "khi nào", a name for "ai").
        if (reply.status == ANSWERED and reply.answer_form == PHRASE and cited is not None
                and cited.article_id in ids and reply.answer in cited.text):
            kept.append(question)
    return kept
