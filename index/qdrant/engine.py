"""Every call hoibao makes to Qdrant, behind one small class, and the one engine per store a process opens.

`Engine` is the narrow surface the Qdrant backend uses (collections, one alias flip, points, one
batched query, scrolls). `index.qdrant.client.ClientEngine` implements it with qdrant-client (a
server, or the embedded local mode); `index.qdrant.edge.EdgeEngine` on qdrant-edge (the real engine
in process), which the conformance tests use when it is installed. Failures reach callers as the
errors in `index.qdrant.errors`.

Filters are plain mappings, `{"article_id": "a", "chunk": 0}` (every key must match; a list value
matches any of its items), so that callers never see an engine's own filter types.
"""

from __future__ import annotations

import atexit
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index import redact
from index.qdrant.errors import QdrantError

DENSE, SPARSE = "dense", "bm25"  # the named vectors of a hoibao collection
# Payload fields with an index on a server (filters on them, ordering by row).
KEYWORD_FIELDS = ("kind", "article_id", "article_hash", "name")
INTEGER_FIELDS = ("row", "chunk")
# HNSW as the FAISS backend builds it (index/faiss_index.py: M=32, efSearch=128); ef_construct at
# Qdrant's recommended 100+ (FAISS uses 80).
HNSW_M, HNSW_EF_CONSTRUCT, HNSW_EF = 32, 128, 128
FULL_SCAN_KB = 10_000  # Qdrant's default: below ~6,500 vectors of 384 floats a search is exact
TIMEOUT_SECONDS = 60
# With int8 quantisation a search preselects limit × OVERSAMPLING candidates on the quantised vectors
# and rescores them with the originals, so the ranking is the originals' (docs/sizing.md).
OVERSAMPLING = 2.0
QUANTIZATIONS = ("none", "int8")

Filter = Mapping[str, object]


@dataclass(frozen=True)
class Storage:
    """How a build lays a new collection out on a cluster (HOIBAO_QDRANT_SHARDS, _REPLICAS, _ON_DISK, _QUANTIZATION).

    Read when a full build creates a collection; a collection keeps the layout it was created with.
    """

    shards: int = 1  # shard_number
    replicas: int = 1  # replication_factor
    on_disk: bool = False  # original dense vectors on disk (memory-mapped) instead of in RAM
    quantization: str = "none"  # none, or int8: scalar quantisation kept in RAM, searches rescore with originals

    @property
    def quantized(self) -> bool:
        return self.quantization == "int8"


@dataclass(frozen=True)
class Target:
    """Where the Qdrant index lives: a server (url, api_key) or an embedded store (path), and the alias."""

    url: str = ""
    api_key: str = field(default="", repr=False)
    path: str = ""
    collection: str = "hoibao"  # HOIBAO_QDRANT_COLLECTION: the alias bots read through
    storage: Storage = field(default_factory=Storage)  # for the collections a full build creates

    @property
    def where(self) -> str:
        """The setting that points at the store, for messages."""
        return f"QDRANT_URL={self.shown_url}" if self.url else f"QDRANT_PATH={self.path}"

    @property
    def shown_url(self) -> str:
        """The server's URL without the credentials it may carry (http://user:password@host)."""
        return redact.url(self.url)


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


# One engine per store per process: qdrant-client's local mode locks its directory, so a bot that
# rebuilds (/reindex) must reuse the client it answers with; a server client is reused for its pool.
_engines: dict[tuple[str, str, str], Engine] = {}
_engines_lock = threading.Lock()


def connect(target: Target) -> Engine:
    """The engine for `target`, opened once per process."""
    key = (target.url, target.path, target.api_key)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            try:
                import qdrant_client  # noqa: F401
            except ImportError:
                raise QdrantError(
                    "HOIBAO_INDEX_BACKEND=qdrant needs the qdrant-client package: pip install 'hoibao[qdrant]'."
                ) from None
            from index.qdrant.client import ClientEngine

            engine = ClientEngine(target)
            _engines[key] = engine
        return engine


def forget(target: Target) -> None:
    """Close and forget `target`'s engine (tests; a store that was removed)."""
    with _engines_lock:
        engine = _engines.pop((target.url, target.path, target.api_key), None)
    if engine is not None:
        engine.close()


def register(target: Target, engine: Engine) -> None:
    """Use `engine` for `target` from now on (the qdrant-edge adapter in the conformance tests)."""
    with _engines_lock:
        _engines[(target.url, target.path, target.api_key)] = engine


@atexit.register
def _close_all() -> None:
    """Close every engine before the interpreter tears down (local mode's own finaliser fails then)."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        try:
            engine.close()
        except Exception:  # closing at exit: nothing left to report to
            pass
