"""`Engine` on qdrant-client: a Qdrant server or cluster (QDRANT_URL, QDRANT_API_KEY), or qdrant-client's
embedded local mode (QDRANT_PATH: a directory, or ":memory:").

A collection's layout (`Storage`: shards, replicas, on-disk originals, int8 quantisation) goes to
`create_collection` as given. Local mode records only `on_disk` and ignores the rest (it keeps every
vector in Python memory and searches exactly); the settings refuse shards or replicas with QDRANT_PATH.

Every call goes through `_call`, which serialises local mode and turns qdrant-client's failures into
hoibao errors (`index.qdrant.errors.translate`).
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from index.qdrant.engine import (
    DENSE, HNSW_EF, HNSW_EF_CONSTRUCT, HNSW_M, INTEGER_FIELDS, KEYWORD_FIELDS, OVERSAMPLING, SPARSE, TIMEOUT_SECONDS,
    Engine, Filter, Point, Record,
)
from index.qdrant.errors import QdrantFailed, QdrantLocked, translate
from index.qdrant.target import Storage, Target

T = TypeVar("T")


def collection_options(models, dim: int, storage: Storage) -> dict[str, object]:
    """The `create_collection` arguments of a hoibao collection laid out as `storage` says."""
    quantization = None
    if storage.quantized:
        quantization = models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
            type=models.ScalarType.INT8, always_ram=True))
    return {
        "vectors_config": {DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE,
                                                      on_disk=storage.on_disk or None)},
        "sparse_vectors_config": {SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        "hnsw_config": models.HnswConfigDiff(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT),
        "shard_number": storage.shards,
        "replication_factor": storage.replicas,
        "quantization_config": quantization,
    }


def search_params(models, dense_limit: int):
    """HNSW search width, and rescoring with the original vectors when the collection is quantised (a
    collection without quantisation ignores it), so int8 changes memory, not rankings."""
    return models.SearchParams(hnsw_ef=max(HNSW_EF, dense_limit), quantization=models.QuantizationSearchParams(
        rescore=True, oversampling=OVERSAMPLING))


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
        with translate(self.target, what, collection), self._serial:
            return fn(*args, **kwargs)

    def _filter(self, where: Filter | None):
        if not where:
            return None
        return self.models.Filter(must=[_condition(self.models, k, v) for k, v in where.items()])

    def collections(self) -> list[str]:
        return [c.name for c in self._call("list collections", self.client.get_collections).collections]

    def alias_target(self, alias: str) -> str | None:
        aliases = self._call("list aliases", self.client.get_aliases).aliases
        return next((a.collection_name for a in aliases if a.alias_name == alias), None)

    def create(self, name: str, dim: int, storage: Storage | None = None) -> None:
        m = self.models
        self._call("create a collection", self.client.create_collection, name,
                   **collection_options(m, dim, storage or Storage()))
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

    def query(self, name, dense, dense_limit, sparse, sparse_limit, where=None):
        m = self.models
        params = None if self.exact else search_params(m, dense_limit)
        only = self._filter(where)
        requests = [m.QueryRequest(query=np.asarray(dense, dtype=np.float32).tolist(), using=DENSE,
                                   limit=dense_limit, with_payload=True, params=params, filter=only)]
        if sparse:
            requests.append(m.QueryRequest(query=m.SparseVector(indices=sparse, values=[1.0] * len(sparse)),
                                           using=SPARSE, limit=sparse_limit, with_payload=True, filter=only))
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
