"""What a question gives the span finders, computed once per question: words, anchors, wants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.spans.kinds import ROLE, question_content
from bot.core.spans.lexicon import FOLDED_STOPWORDS
from index.text import fold, has_diacritics, lower_words

_ASKING = {"gi", "nao", "ai", "dau", "bao", "may"}
# Words after which a sentence gives the answer ("bàn về …", "là …", "gồm …", "do … lãnh đạo").
_ANCHOR_WORDS = frozenset("về là gồm nhằm kỳ do bởi cho của với tại ở từ bằng vào thành như để tên gọi mang".split())
_FOLDED_ANCHOR_WORDS = frozenset(fold(w) for w in _ANCHOR_WORDS)
# A "why" question is answered after a word of cause ("vì mưa lớn", "do thiếu vốn").
_WHY = re.compile(r"\b(vi sao|tai sao|vi the nao|ly do|nguyen nhan|why)\b")
_CAUSE_WORDS = ("vì", "do", "bởi", "nhờ", "tại")
_TERM = re.compile(r"\b(nhiem ky|khoa|giai doan|term)\b")
_PRICE = re.compile(r"\b(gia|bao nhieu tien|chi phi|kinh phi|von|tri gia|muc phat|luong|doanh thu|loi nhuan)\b")


@dataclass(frozen=True)
class Asked:
    text: str
    kind: str
    accented: bool  # match the sentence with accents
    words: tuple[str, ...]  # the question's words in match form (accented or folded)
    content: frozenset[str]  # its content words, in match form
    anchors: frozenset[str]  # the word before the asking phrase ("về" in "bàn về vấn đề gì"), match form
    price: bool  # asks for an amount of money
    wants_year: bool
    term: bool  # names a term of office or a period ("nhiệm kỳ", "giai đoạn")
    causes: frozenset[str]  # for a "why" question, the words of cause ("vì", "do"), match form
    left: frozenset[str]  # the two words before the asking word ("vào năm" nào)
    right: frozenset[str]  # the two words after it (ai "đã đóng")


def match_form(text: str, accented: bool) -> list[str]:
    """Lower-case words, accents kept only when the question has them."""
    words = lower_words(text)
    return words if accented else [fold(w) for w in words]


@lru_cache(maxsize=1024)
def asked(question: str, kind: str) -> Asked:
    accented = has_diacritics(question)
    words = match_form(question, accented)
    folded = [fold(w) for w in words]
    anchor_words = _ANCHOR_WORDS if accented else _FOLDED_ANCHOR_WORDS
    anchors, left, right = set(), set(), set()
    for i, word in enumerate(folded):
        if word in _ASKING:
            left.update(w for w in words[max(0, i - 2) : i] if fold(w) not in FOLDED_STOPWORDS)
            right.update(w for w in words[i + 1 : i + 3] if fold(w) not in FOLDED_STOPWORDS)
            # Anchor words before the asking word, over at most "những" and a two-word noun.
            anchors.update(w for w in words[max(0, i - 4) : i] if w in anchor_words)
    content = {w if accented else fold(w) for w in question_content(question)}
    joined = " ".join(folded)
    causes = frozenset(w if accented else fold(w) for w in _CAUSE_WORDS) if _WHY.search(joined) else frozenset()
    return Asked(
        text=question, kind=kind, accented=accented, words=tuple(words), content=frozenset(content),
        anchors=frozenset(anchors), price=bool(_PRICE.search(joined)),
        wants_year="nam nao" in joined or "what year" in joined, term=bool(_TERM.search(joined)),
        # A role question's own words ("giữ chức vụ gì") are not around its answer.
        causes=causes, left=frozenset(left) if kind != ROLE else frozenset(),
        right=frozenset(right) if kind != ROLE else frozenset(),
    )
