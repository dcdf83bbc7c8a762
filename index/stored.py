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

- `rankings(question, vector, candidates)`: the dense ranking (paragraph rows by their best chunk's
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
from dataclasses import dataclass
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
    def rankings(self, question: str, vector: np.ndarray, candidates: int) -> Rankings:
        """Dense and BM25 paragraph rankings for one question (its text and its query vector)."""

    @abstractmethod
    def paragraphs_of(self, article_id: str) -> list[Paragraph]:
        """The article's paragraphs in reading order."""

    @abstractmethod
    def iter_paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, in index order (the answerer reads the first few for example questions)."""

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """Backend and location: {"backend": "faiss", "directory": ...} or {"backend": "qdrant", ...}."""
