"""The stored-index seam: what the Searcher and the answerer need of a built index, whatever holds it.

Two implementations, chosen by HOIBAO_INDEX_BACKEND through `index.backend`:

- `index.store.StoredIndex` (faiss, the default): files in a build directory, memory-mapped by each
  bot process (FAISS for the dense side, `LexicalIndex` arrays for BM25, the paragraph table as JSON).
- `index.qdrant.store.QdrantIndex` (qdrant): one Qdrant collection per build holding every chunk's
  dense vector, every paragraph's BM25 sparse vector and the paragraph as payload, plus metadata
  points (manifest, term statistics, accent model), so a bot replica needs nothing on its own disk.

The seam sits above `index.dense.DenseIndex` (vectors only) because a distributed backend has to
move more than vectors: BM25 and the paragraph table are the other ≈ 250 MB per 100k paragraphs
(docs/sizing.md), and Qdrant answers the dense and the sparse query in one round trip. Fusion stays
in `index.search` (one rule for both backends), so their rankings agree.

Contract:

- `rankings(question, vector, candidates, articles=None)`: the dense ranking (paragraph rows by their best chunk's
  cosine; the chunks over-fetched 2 × candidates, as many paragraphs as that gives up to `candidates`)
  and the BM25 ranking (up to `candidates` rows with a score > 0), best first, and the `Paragraph`
  of every row in either. A row is an int naming one paragraph of this index, stable while it is loaded.
- `lexical.vocab` answers `term in vocab` for folded terms; `lexical.idf(term)` the BM25 IDF
  (unseen terms weigh like the rarest seen ones).
- `manifest`, `accents` (None for indexes built before accents were restored), `embedder_id`.
- `paragraphs_of(article_id)` in reading order; `iter_paragraphs()` in index order.
- `describe()`: where the index lives, for `hoibao index info` (backend, location, counts).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

import numpy as np

from index.accents import AccentModel
from index.corpus import Paragraph
from index.manifest import Manifest


def best_per_paragraph(chunk_hits: list[tuple[int, float]], chunk_paragraph) -> list[tuple[int, float]]:
    """Chunk hits → paragraph hits, keeping each paragraph's best chunk, order preserved."""
    seen: dict[int, float] = {}
    for chunk, score in chunk_hits:
        row = int(chunk_paragraph[chunk])
        if row not in seen:
            seen[row] = score
    return list(seen.items())


class TermStats(Protocol):
    vocab: Container[str]

    def idf(self, term: str) -> float: ...


@dataclass(frozen=True)
class Rankings:
    """The two rankings before fusion, and the paragraphs they name."""

    dense: list[tuple[int, float]]
    lexical: list[tuple[int, float]]
    paragraphs: Mapping[int, Paragraph] | Sequence[Paragraph]  # indexed by row


class SearchIndex(ABC):
    """A loaded index as the Searcher and the answerer see it; see the module docstring."""

    backend: ClassVar[str]
    manifest: Manifest
    lexical: TermStats
    accents: AccentModel | None

    @property
    def embedder_id(self) -> str:
        return self.manifest.embedder.id

    @abstractmethod
    def rankings(self, question: str, vector: np.ndarray, candidates: int,
                 articles: frozenset[str] | None = None) -> Rankings:
        """Dense and BM25 paragraph rankings for one question (its text and its query vector), over
        the whole index or only `articles`."""

    @abstractmethod
    def paragraphs_of(self, article_id: str) -> list[Paragraph]:
        """The article's paragraphs in reading order."""

    @abstractmethod
    def iter_paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, in index order (the answerer reads the first few for example questions)."""

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """Backend and location: {"backend": "faiss", "directory": ...} or {"backend": "qdrant", ...}."""


class ScopedIndex(SearchIndex):
    """One index seen through a filter: only `articles` are searched, listed and named.

    What a question about one article gets (`hoibao ask --article`, a deep-linked chat): the answerer
    over it sees an index of that article alone, so "ai viết bài này?" names its author for sure.
    """

    def __init__(self, index: SearchIndex, articles: frozenset[str]) -> None:
        self.inner, self.articles = index, articles
        self.backend = index.backend  # type: ignore[misc]
        self.lexical, self.accents = index.lexical, index.accents
        kept = {aid: meta for aid, meta in index.manifest.articles.items() if aid in articles}
        self.manifest = replace(index.manifest, articles=kept)

    def rankings(self, question: str, vector: np.ndarray, candidates: int,
                 articles: frozenset[str] | None = None) -> Rankings:
        wanted = self.articles if articles is None else self.articles & articles
        return self.inner.rankings(question, vector, candidates, wanted)

    def paragraphs_of(self, article_id: str) -> list[Paragraph]:
        return self.inner.paragraphs_of(article_id) if article_id in self.articles else []

    def iter_paragraphs(self) -> Iterator[Paragraph]:
        for article_id in self.manifest.articles:
            yield from self.inner.paragraphs_of(article_id)

    def describe(self) -> dict[str, object]:
        return {**self.inner.describe(), "articles": sorted(self.articles)}
