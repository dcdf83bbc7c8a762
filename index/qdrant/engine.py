"""Every call hoibao makes to Qdrant, behind one small class, with failures turned into hoibao errors.

`Engine` is the narrow surface the Qdrant backend uses (collections, one alias flip, points, one
batched query, scrolls). `ClientEngine` implements it with qdrant-client, for a server or cluster
(QDRANT_URL, QDRANT_API_KEY) or qdrant-client's embedded local mode (QDRANT_PATH: a directory, or
":memory:"). `index.qdrant.edge.EdgeEngine` implements it on qdrant-edge (the real engine in process),
which the conformance tests use when it is installed.

Filters are plain mappings, `{"article_id": "a", "chunk": 0}` (every key must match; a list value
matches any of its items), so that callers never see an engine's own filter types.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from index.errors import HoibaoError

DENSE, SPARSE = "dense", "bm25"  # the named vectors of a hoibao collection
# Payload fields with an index on a server (filters on them, ordering by row).
KEYWORD_FIELDS = ("kind", "article_id", "article_hash", "name")
INTEGER_FIELDS = ("row", "chunk")
# HNSW as the FAISS backend builds it (index/faiss_index.py: M=32, efSearch=128); ef_construct at
# Qdrant's recommended 100+ (FAISS uses 80).
HNSW_M, HNSW_EF_CONSTRUCT, HNSW_EF = 32, 128, 128
FULL_SCAN_KB = 10_000  # Qdrant's default: below ~6,500 vectors of 384 floats a search is exact
TIMEOUT_SECONDS = 60

Filter = Mapping[str, object]
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where the Qdrant index lives: a server (url, api_key) or an embedded store (path), and the alias."""

    url: str = ""
    api_key: str = field(default="", repr=False)
    path: str = ""
    collection: str = "hoibao"  # HOIBAO_QDRANT_COLLECTION: the alias bots read through

    @property
    def where(self) -> str:
        """The setting that points at the store, for messages."""
        return f"QDRANT_URL={self.url}" if self.url else f"QDRANT_PATH={self.path}"


class QdrantError(HoibaoError):
    """Qdrant could not be used; the message names the setting to fix."""


class QdrantUnreachable(QdrantError):
    def __init__(self, target: Target, detail: str) -> None:
        super().__init__(
            f"Cannot reach Qdrant at {target.url} ({detail}). Start the server or fix QDRANT_URL; "
            "HOIBAO_INDEX_BACKEND=faiss uses the index files instead."
        )


class QdrantUnauthorized(QdrantError):
    def __init__(self, target: Target, status: int) -> None:
        given = "the API key given" if target.api_key else "a request without an API key"
        super().__init__(
            f"Qdrant at {target.url} refused {given} (HTTP {status}). Set QDRANT_API_KEY to the server's key "
            "(a read-only key is enough for the bots; `hoibao index build` needs a read-write one)."
        )


class QdrantLocked(QdrantError):
    def __init__(self, target: Target) -> None:
        super().__init__(
            f"QDRANT_PATH={target.path} is open in another process: qdrant-client's local mode serves one "
            "process at a time. Stop the other one, or run a Qdrant server and set QDRANT_URL instead."
        )


class QdrantFailed(QdrantError):
    def __init__(self, target: Target, what: str, detail: str) -> None:
        super().__init__(f"Qdrant ({target.where}) failed to {what}: {detail}")


class CollectionMissing(QdrantError):
    def __init__(self, target: Target, name: str) -> None:
        self.name = name
        super().__init__(
            f"Qdrant ({target.where}) has no collection {name}: it was dropped or never built. "
            "Rebuild with `hoibao index build`, then restart the bots."
        )


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
    def create(self, name: str, dim: int) -> None:
        """A hoibao collection: dense (dim, cosine, HNSW) and sparse (IDF) vectors, payload indexes."""

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
              sparse_limit: int) -> tuple[list[Record], list[Record]]:
        """The dense and the sparse query in one batch request; payloads included, best first."""

    @abstractmethod
    def scroll(self, name: str, where: Filter, with_dense: bool = False, ordered: bool = False,
               page: int = 256) -> Iterator[Record]:
        """Every point matching `where` (ordered by row when `ordered`), page by page."""

    @abstractmethod
    def retrieve(self, name: str, ids: Sequence[str]) -> list[Record]: ...

    def close(self) -> None:  # noqa: B027 (optional)
        pass


def _condition(models, key: str, value: object):
    if isinstance(value, (list, tuple)):
        return models.FieldCondition(key=key, match=models.MatchAny(any=list(value)))
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


class ClientEngine(Engine):
    """qdrant-client against a server (url) or in local mode (path)."""

    def __init__(self, target: Target) -> None:
        from qdrant_client import QdrantClient, models

        self.target, self.models = target, models
        self.exact = not target.url
        # Local mode is plain Python objects: one call at a time (a /reindex beside answering threads).
        self._serial = threading.RLock() if self.exact else contextlib.nullcontext()
        with warnings.catch_warnings():
            # "Api key is used with an insecure connection": a deployment choice (a private network).
            warnings.simplefilter("ignore", UserWarning)
            try:
                if target.url:
                    self.client = QdrantClient(url=target.url, api_key=target.api_key or None,
                                               timeout=TIMEOUT_SECONDS, check_compatibility=False)
                elif target.path == ":memory:":
                    self.client = QdrantClient(":memory:")
                else:
                    self.client = QdrantClient(path=target.path)
            except RuntimeError as exc:
                if "already accessed" in str(exc):
                    raise QdrantLocked(target) from None
                raise QdrantFailed(target, "open the local store", str(exc)[:200]) from None
        self._call("list collections", self.client.get_collections)  # reachable, and the key accepted

    def _call(self, what: str, fn: Callable[..., T], *args, collection: str | None = None, **kwargs) -> T:
        from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

        try:
            with self._serial:
                return fn(*args, **kwargs)
        except UnexpectedResponse as exc:
            if exc.status_code in (401, 403):
                raise QdrantUnauthorized(self.target, exc.status_code) from None
            if exc.status_code == 404 and collection:
                raise CollectionMissing(self.target, collection) from None
            detail = exc.content.decode("utf-8", "replace")[:200] if exc.content else str(exc)[:200]
            raise QdrantFailed(self.target, what, f"HTTP {exc.status_code} {detail}") from None
        except ResponseHandlingException as exc:
            raise QdrantUnreachable(self.target, f"{type(exc.source).__name__}: {exc.source}"[:200]) from None
        except ValueError as exc:  # local mode: "Collection x not found"
            if collection and "not found" in str(exc):
                raise CollectionMissing(self.target, collection) from None
            raise QdrantFailed(self.target, what, str(exc)[:200]) from None
        except Exception as exc:  # httpx and grpc errors that qdrant-client passes through
            if "connect" in type(exc).__name__.lower() or "timeout" in type(exc).__name__.lower():
                raise QdrantUnreachable(self.target, f"{type(exc).__name__}: {exc}"[:200]) from None
            raise

    def _filter(self, where: Filter | None):
        if not where:
            return None
        return self.models.Filter(must=[_condition(self.models, k, v) for k, v in where.items()])

    def collections(self) -> list[str]:
        return [c.name for c in self._call("list collections", self.client.get_collections).collections]

    def alias_target(self, alias: str) -> str | None:
        aliases = self._call("list aliases", self.client.get_aliases).aliases
        return next((a.collection_name for a in aliases if a.alias_name == alias), None)

    def create(self, name: str, dim: int) -> None:
        m = self.models
        self._call("create a collection", self.client.create_collection, name,
                   vectors_config={DENSE: m.VectorParams(size=dim, distance=m.Distance.COSINE)},
                   sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
                   hnsw_config=m.HnswConfigDiff(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT))
        if self.exact:
            return  # local mode has no payload indexes (and warns about them)
        for key in KEYWORD_FIELDS:
            self._call("index a payload field", self.client.create_payload_index, name, key,
                       m.PayloadSchemaType.KEYWORD, collection=name)
        for key in INTEGER_FIELDS:
            self._call("index a payload field", self.client.create_payload_index, name, key,
                       m.IntegerIndexParams(type=m.IntegerIndexType.INTEGER, lookup=True, range=True),
                       collection=name)

    def drop(self, name: str) -> None:
        self._call("drop a collection", self.client.delete_collection, name)

    def flip(self, alias: str, name: str) -> None:
        m = self.models
        actions = []
        if self.alias_target(alias) is not None:
            actions.append(m.DeleteAliasOperation(delete_alias=m.DeleteAlias(alias_name=alias)))
        actions.append(m.CreateAliasOperation(create_alias=m.CreateAlias(collection_name=name, alias_name=alias)))
        self._call("switch the alias", self.client.update_collection_aliases, actions, collection=name)

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        m = self.models
        structs = []
        for p in points:
            vector: dict[str, object] = {}
            if p.dense is not None:
                vector[DENSE] = np.asarray(p.dense, dtype=np.float32).tolist()
            if p.sparse is not None:
                vector[SPARSE] = m.SparseVector(indices=p.sparse[0], values=p.sparse[1])
            structs.append(m.PointStruct(id=p.id, vector=vector, payload=p.payload))
        self._call("store points", self.client.upsert, name, structs, wait=True, collection=name)

    def delete(self, name: str, where: Filter) -> None:
        selector = self.models.FilterSelector(filter=self._filter(where))
        self._call("delete points", self.client.delete, name, selector, wait=True, collection=name)

    def delete_ids(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            selector = self.models.PointIdsList(points=list(ids))
            self._call("delete points", self.client.delete, name, selector, wait=True, collection=name)

    def set_sparse(self, name: str, vectors: Sequence[tuple[str, list[int], list[float]]]) -> None:
        m = self.models
        points = [m.PointVectors(id=pid, vector={SPARSE: m.SparseVector(indices=i, values=v)}) for pid, i, v in vectors]
        self._call("update sparse vectors", self.client.update_vectors, name, points, wait=True, collection=name)

    def count(self, name: str, where: Filter | None = None) -> int:
        found = self._call("count points", self.client.count, name, count_filter=self._filter(where), exact=True,
                           collection=name)
        return int(found.count)

    def query(self, name, dense, dense_limit, sparse, sparse_limit):
        m = self.models
        params = None if self.exact else m.SearchParams(hnsw_ef=max(HNSW_EF, dense_limit))
        requests = [m.QueryRequest(query=np.asarray(dense, dtype=np.float32).tolist(), using=DENSE,
                                   limit=dense_limit, with_payload=True, params=params)]
        if sparse:
            requests.append(m.QueryRequest(query=m.SparseVector(indices=sparse, values=[1.0] * len(sparse)),
                                           using=SPARSE, limit=sparse_limit, with_payload=True))
        answers = self._call("search", self.client.query_batch_points, name, requests, collection=name)
        found = [[Record(str(p.id), p.payload or {}, score=float(p.score)) for p in a.points] for a in answers]
        return found[0], found[1] if sparse else []

    def scroll(self, name, where, with_dense=False, ordered=False, page=256):
        m = self.models
        with_vectors = [DENSE] if with_dense else False
        offset, start = None, None
        while True:
            if ordered:
                order = m.OrderBy(key="row", direction=m.Direction.ASC, start_from=start)
                points, _ = self._call("read points", self.client.scroll, name, scroll_filter=self._filter(where),
                                       limit=page, with_payload=True, with_vectors=with_vectors, order_by=order,
                                       collection=name)
                nxt = None if len(points) < page else points[-1].payload["row"] + 1
            else:
                points, nxt = self._call("read points", self.client.scroll, name, scroll_filter=self._filter(where),
                                         limit=page, offset=offset, with_payload=True, with_vectors=with_vectors,
                                         collection=name)
            for p in points:
                yield Record(str(p.id), p.payload or {}, _dense_of(p.vector) if with_dense else None)
            if nxt is None or not points:
                return
            offset, start = nxt, nxt

    def retrieve(self, name, ids):
        found = self._call("read points", self.client.retrieve, name, list(ids), with_payload=True,
                           collection=name)
        return [Record(str(p.id), p.payload or {}) for p in found]

    def close(self) -> None:
        self.client.close()


def _dense_of(vector) -> np.ndarray | None:
    if isinstance(vector, dict):
        vector = vector.get(DENSE)
    return None if vector is None else np.asarray(vector, dtype=np.float32)


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
