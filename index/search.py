"""Hybrid retrieval: dense (FAISS) and lexical (folded BM25) rankings, fused per paragraph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.corpus import Paragraph
from index.dense import search_dense
from index.embed import Embedder
from index.store import StoredIndex


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    row: int
    score: float  # fused
    dense: float  # best chunk cosine for this paragraph (0 when not retrieved densely)
    lexical: float  # BM25 score (0 when no term matched)


def best_per_paragraph(chunk_hits: list[tuple[int, float]], chunk_paragraph: np.ndarray) -> list[tuple[int, float]]:
    """Chunk hits → paragraph hits, keeping each paragraph's best chunk, order preserved."""
    seen: dict[int, float] = {}
    for chunk, score in chunk_hits:
        row = int(chunk_paragraph[chunk])
        if row not in seen:
            seen[row] = score
    return list(seen.items())


def rrf(rankings: list[list[int]], weights: list[float], k: int = 60) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: sum of w / (k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused


def fuse(
    dense: list[tuple[int, float]],
    lexical: list[tuple[int, float]],
    dense_weight: float = 1.0,
    lexical_weight: float = 1.0,
    k: int = 60,
) -> list[tuple[int, float]]:
    """Fused (row, score), best first; ties broken by the lexical then dense order."""
    fused = rrf([[r for r, _ in dense], [r for r, _ in lexical]], [dense_weight, lexical_weight], k)
    return sorted(fused.items(), key=lambda item: -item[1])


class Searcher:
    """Ranked paragraphs for a question, over one loaded index and its embedder."""

    def __init__(self, index: StoredIndex, embedder: Embedder, candidates: int = 50, rrf_k: int = 60) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k

    def query_vector(self, question: str) -> np.ndarray:
        return self.embedder.embed_queries([question])[0]

    def search(self, question: str, top_k: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        if vector is None:
            vector = self.query_vector(question)
        # Over-fetch chunks: several chunks may belong to one paragraph.
        chunk_hits = search_dense(self.index.dense, vector, self.candidates * 2)
        dense = best_per_paragraph(chunk_hits, self.index.chunk_paragraph)[: self.candidates]
        lexical = self.index.lexical.search(question, self.candidates)
        dense_scores = dict(dense)
        lexical_scores = dict(lexical)
        fused = fuse(dense, lexical, k=self.rrf_k)[:top_k]
        return [
            Hit(self.index.paragraphs[row], row, score, dense_scores.get(row, 0.0), lexical_scores.get(row, 0.0))
            for row, score in fused
        ]
