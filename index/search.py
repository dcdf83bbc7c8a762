"""Hybrid retrieval: dense and lexical (folded BM25) rankings, fused per paragraph.

The rankings come from the loaded index (`index.stored.SearchIndex`: FAISS files or Qdrant); the
fusion rule lives here, one for every backend, so both rank alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.corpus import Paragraph
from index.embed import Embedder
from index.stored import Rankings, ScopedIndex, SearchIndex, best_per_paragraph  # noqa: F401 (re-exported)
from index.text import has_diacritics, tokens


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    row: int
    score: float  # fused
    dense: float  # best chunk cosine for this paragraph (0 when not retrieved densely)
    lexical: float  # BM25 score (0 when no term matched)


# Measured on zalo_qa_vi (384 distinct answerable questions, `hoibao eval`):
# a convex mix of normalised scores beat reciprocal-rank fusion (recall@1 0.73
# vs 0.69). Without diacritics the dense model is near useless (recall@1 0.13),
# so unaccented Vietnamese questions lean on BM25 (0.62 vs 0.32 with RRF).
DENSE_WEIGHT = 0.7
DENSE_WEIGHT_UNACCENTED = 0.1
# An unaccented question is taken as Vietnamese typed without diacritics (not,
# say, English, where the dense side is the only one that understands it) when
# this share of its syllables are known to the lexical index.
UNACCENTED_VOCAB_SHARE = 0.6
# …unless its diacritics could be restored from the index's own text (index.accents): then
# the dense side embeds the restored question and counts as much as BM25. Measured
# (benchmarks/accent_restore.py, recall@1 unaccented): zalo_qa_vi 0.622 → 0.727 (0.732
# accented), mlqa_vi_dev 0.726 → 0.759 (0.771); 0.3 and 0.7 did worse on one of the two.
DENSE_WEIGHT_RESTORED = 0.5
MAX_QUERY_CHARS = 300


def dense_weight_for(question: str, known: Callable[[str], bool]) -> float:
    """How much the dense ranking counts for this question (the rest is BM25)."""
    if has_diacritics(question):
        return DENSE_WEIGHT
    toks = tokens(question)
    if toks and sum(known(t) for t in toks) / len(toks) >= UNACCENTED_VOCAB_SHARE:
        return DENSE_WEIGHT_UNACCENTED
    return DENSE_WEIGHT


def fuse(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], dense_weight: float = DENSE_WEIGHT
) -> list[tuple[int, float]]:
    """Fused (row, score) best first: w·minmax(dense) + (1−w)·bm25/max(bm25)."""
    fused: dict[int, float] = {}
    if dense:
        high, low = dense[0][1], min(s for _, s in dense)
        for row, score in dense:
            fused[row] = dense_weight * (score - low) / (high - low + 1e-9)
    if lexical:
        top = lexical[0][1]
        for row, score in lexical:
            fused[row] = fused.get(row, 0.0) + (1 - dense_weight) * score / top
    return sorted(fused.items(), key=lambda item: -item[1])


class Searcher:
    """Ranked paragraphs for a question, over one loaded index and its embedder."""

    def __init__(self, index: SearchIndex, embedder: Embedder, candidates: int = 50) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates

    def scoped(self, articles: frozenset[str] | set[str], candidates: int | None = None) -> "Searcher":
        """The same search over only these articles (a filter inside the backend, see `index.stored`).

        Everything that holds the returned searcher (the answerer) sees an index of those articles
        alone: its rankings, its manifest, its paragraphs. `candidates`: paragraphs per ranking, when
        every paragraph of a few articles is wanted (topics to follow score each new article).
        """
        inner = self.index.inner if isinstance(self.index, ScopedIndex) else self.index
        return Searcher(ScopedIndex(inner, frozenset(articles)), self.embedder, candidates or self.candidates)

    def dense_side(self, question: str) -> tuple[str, float]:
        """What the dense side embeds and how much it counts, decided once per question.

        An unaccented Vietnamese question gets its diacritics back (index.accents) and the
        restored weight; when the restoration is unsure (English) it is embedded as typed.
        """
        weight = dense_weight_for(question, self.index.lexical.vocab.__contains__)
        if self.index.accents is None or weight != DENSE_WEIGHT_UNACCENTED:
            return question, weight
        restored = self.index.accents.dense_query(question)
        return restored, DENSE_WEIGHT_RESTORED if restored != question else weight

    def dense_text(self, question: str) -> str:
        return self.dense_side(question)[0]

    def dense_weight(self, question: str) -> float:
        return self.dense_side(question)[1]

    def query_vector(self, question: str, dense_text: str | None = None) -> np.ndarray:
        # Attention cost grows with the square of the length: a 1,000-character
        # message took 1.9 s to embed on 2 cores, a 300-character one ~0.1 s.
        # Questions are short; BM25 still sees the whole text.
        text = self.dense_text(question) if dense_text is None else dense_text
        return self.embedder.embed_queries([text[:MAX_QUERY_CHARS]])[0]

    def ranked(self, question: str, vector: np.ndarray) -> Rankings:
        """The dense and the lexical paragraph rankings before fusion, with their paragraphs."""
        return self.index.rankings(question, vector, self.candidates)

    def rankings(self, question: str, vector: np.ndarray) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The dense and the lexical paragraph rankings, before fusion."""
        ranked = self.ranked(question, vector)
        return ranked.dense, ranked.lexical

    def hits(self, rows: list[tuple[int, float]], ranked: Rankings) -> list[Hit]:
        dense_scores, lexical_scores = dict(ranked.dense), dict(ranked.lexical)
        return [
            Hit(ranked.paragraphs[row], row, score, dense_scores.get(row, 0.0), lexical_scores.get(row, 0.0))
            for row, score in rows
        ]

    def by_method(self, question: str, depth: int = 10) -> dict[str, list[Paragraph]]:
        """The top paragraphs of the fused, BM25-only and dense-only rankings (for evaluation)."""
        text, weight = self.dense_side(question)
        ranked = self.ranked(question, self.query_vector(question, text))
        fused = fuse(ranked.dense, ranked.lexical, weight)
        return {
            method: [ranked.paragraphs[row] for row, _ in rows[:depth]]
            for method, rows in (("hybrid", fused), ("bm25", ranked.lexical), ("dense", ranked.dense))
        }

    def search(self, question: str, top_k: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        text, weight = self.dense_side(question)
        if vector is None:
            vector = self.query_vector(question, text)
        ranked = self.ranked(question, vector)
        fused = fuse(ranked.dense, ranked.lexical, weight)
        return self.hits(fused[:top_k], ranked)
