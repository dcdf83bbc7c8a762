"""Every call hoibao makes to Qdrant, behind one small class.

`Engine` is the narrow surface the Qdrant backend uses (collections, one alias flip, points, one
batched query, scrolls). `index.qdrant.client.ClientEngine` implements it with qdrant-client (a
server, or the embedded local mode); `index.qdrant.edge.EdgeEngine` on qdrant-edge (the real engine
in process), which the conformance tests use when it is installed. Failures reach callers as the
errors in `index.qdrant.errors`; `index.qdrant.engines.connect` opens one engine per store.

Filters are plain mappings, `{"article_id": "a", "chunk": 0}` (every key must match; a list value
matches any of its items), so that callers never see an engine's own filter types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.qdrant.target import Storage, Target

DENSE, SPARSE = "dense", "bm25"  # the named vectors of a hoibao collection
# Payload fields with an index on a server (filters on them, ordering by row).
KEYWORD_FIELDS = ("kind", "article_id", "article_hash", "name")
INTEGER_FIELDS = ("row", "chunk")
# HNSW as the FAISS backend builds it (index/faiss/engine.py: M=32, efSearch=128); ef_construct at
# Qdrant's recommended 100+ (FAISS uses 80).
HNSW_M, HNSW_EF_CONSTRUCT, HNSW_EF = 32, 128, 128
FULL_SCAN_KB = 10_000  # Qdrant's default: below ~6,500 vectors of 384 floats a search is exact
TIMEOUT_SECONDS = 60
# With int8 quantisation a search preselects limit × OVERSAMPLING candidates on the quantised vectors
# and rescores them with the originals, so the ranking is the originals' (docs/sizing.md).
OVERSAMPLING = 2.0

Filter = Mapping[str, object]


@dataclass(frozen=True)
class Record:
    id: str
    payload: dict[str, Any]
    dense: np.ndarray | None = None
    score: float = 0.0


@dataclass(frozen=True)
class Point:
    id: str
    payload: dict[str, Any]
    dense: np.ndarray | None = None  # None: a metadata point (no vectors)
    sparse: tuple[list[int], list[float]] | None = None  # (term ids, tf parts): a paragraph's first chunk


class Engine(ABC):
    """What the Qdrant backend calls; one per store (server, local directory), shared by threads."""

    target: Target
    exact: bool  # searches are brute force (local mode): the HNSW search parameters do not apply

    @abstractmethod
    def collections(self) -> list[str]: ...

    @abstractmethod
    def alias_target(self, alias: str) -> str | None:
        """The collection `alias` points at; None when there is no such alias."""

    @abstractmethod
    def create(self, name: str, dim: int, storage: Storage | None = None) -> None:
        """A hoibao collection: dense (dim, cosine, HNSW) and sparse (IDF) vectors, payload indexes, laid out
        as `storage` says (as far as the engine can: see each engine's docstring)."""

    @abstractmethod
    def drop(self, name: str) -> None: ...

    @abstractmethod
    def flip(self, alias: str, name: str) -> None:
        """Point `alias` at collection `name` in one atomic call (created, or moved from another)."""

    @abstractmethod
    def upsert(self, name: str, points: Sequence[Point]) -> None: ...

    @abstractmethod
    def delete(self, name: str, where: Filter) -> None: ...

    @abstractmethod
    def delete_ids(self, name: str, ids: Sequence[str]) -> None: ...

    @abstractmethod
    def set_sparse(self, name: str, vectors: Sequence[tuple[str, list[int], list[float]]]) -> None:
        """Replace the sparse vectors of these points (id, term ids, tf parts)."""

    @abstractmethod
    def count(self, name: str, where: Filter | None = None) -> int:
        """Exact count of points matching `where`."""

    @abstractmethod
    def query(self, name: str, dense: np.ndarray, dense_limit: int, sparse: list[int],
              sparse_limit: int, where: Filter | None = None) -> tuple[list[Record], list[Record]]:
        """The dense and the sparse query in one batch request; payloads included, best first; only the
        points matching `where` when given (one article's: `hoibao ask --article`)."""

    @abstractmethod
    def scroll(self, name: str, where: Filter, with_dense: bool = False, ordered: bool = False,
               page: int = 256) -> Iterator[Record]:
        """Every point matching `where` (ordered by row when `ordered`), page by page."""

    @abstractmethod
    def retrieve(self, name: str, ids: Sequence[str]) -> list[Record]: ...

    def close(self) -> None:  # noqa: B027 (optional)
        pass
