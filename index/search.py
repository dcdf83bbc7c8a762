"""Hybrid retrieval: dense and lexical (folded BM25) rankings, fused per paragraph, and the
`SearchIndex` protocol the Searcher reads them from.

Two implementations of `SearchIndex`, chosen by HOIBAO_INDEX_BACKEND through `index.backend`:

- `index.faiss.store.StoredIndex` (faiss, the default): files in a build directory, memory-mapped by each
  bot process (FAISS for the dense side, `LexicalIndex` arrays for BM25, the paragraph table as JSON).
- `index.qdrant.store.QdrantIndex` (qdrant): one Qdrant collection per build holding every chunk's
  dense vector, every paragraph's BM25 sparse vector and the paragraph as payload, plus metadata
  points (manifest, term statistics, accent model), so a bot replica needs nothing on its own disk.

The seam sits above `index.faiss.dense.DenseIndex` (vectors only) because a distributed backend has to
move more than vectors: BM25 and the paragraph table are the other ≈ 250 MB per 100k paragraphs
(docs/sizing.md), and Qdrant answers the dense and the sparse query in one round trip. Fusion stays
here (one rule for both backends), so their rankings agree.

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
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Protocol

import numpy as np

from index.accents import AccentModel
from index.corpus import Paragraph
from index.embed import Embedder
from index.manifest import Manifest
from index.text import has_diacritics, nfc, tokens


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
        """The same search over only these articles (a filter inside the backend: `ScopedIndex`).

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

    def query_vector(self, question: str, dense_text: str | None = None) -> np.ndarray:
        # Attention cost grows with the square of the length: a 1,000-character
        # message took 1.9 s to embed on 2 cores, a 300-character one ~0.1 s.
        # Questions are short; BM25 still sees the whole text.
        text = self.dense_side(question)[0] if dense_text is None else dense_text
        return self.embedder.embed_queries([text[:MAX_QUERY_CHARS]])[0]

    def ranked(self, question: str, vector: np.ndarray) -> Rankings:
        """The dense and the lexical paragraph rankings before fusion, with their paragraphs."""
        return self.index.rankings(question, vector, self.candidates)

    def hits(self, rows: list[tuple[int, float]], ranked: Rankings) -> list[Hit]:
        dense_scores, lexical_scores = dict(ranked.dense), dict(ranked.lexical)
        return [
            Hit(ranked.paragraphs[row], row, score, dense_scores.get(row, 0.0), lexical_scores.get(row, 0.0))
            for row, score in rows
        ]

    def by_method(self, question: str, depth: int = 10) -> dict[str, list[Paragraph]]:
        """The top paragraphs of the fused, BM25-only and dense-only rankings (for evaluation)."""
        question = nfc(question)
        text, weight = self.dense_side(question)
        ranked = self.ranked(question, self.query_vector(question, text))
        fused = fuse(ranked.dense, ranked.lexical, weight)
        return {
            method: [ranked.paragraphs[row] for row, _ in rows[:depth]]
            for method, rows in (("hybrid", fused), ("bm25", ranked.lexical), ("dense", ranked.dense))
        }

    def search(self, question: str, top_k: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        """The top_k paragraphs for `question`, fused; NFC first, so a question typed in decomposed form
        (combining marks, as some keyboards send it) is embedded and matched like its composed twin."""
        question = nfc(question)
        text, weight = self.dense_side(question)
        if vector is None:
            vector = self.query_vector(question, text)
        ranked = self.ranked(question, vector)
        fused = fuse(ranked.dense, ranked.lexical, weight)
        return self.hits(fused[:top_k], ranked)
