"""`Engine` on qdrant-edge: Qdrant's own engine in process (segments, HNSW, the sparse index and its IDF).

qdrant-edge holds one shard per directory and has no collections or aliases; this adapter keeps one
shard per collection under a root directory and the aliases in `aliases.json` beside them (replaced
atomically, like the alias flip it stands for). Used by the conformance tests when qdrant-edge-py
installs: unlike qdrant-client's local mode (a pure-Python reimplementation) it runs the server's code.
Of a collection's layout (`Storage`) it honours on-disk originals and int8 quantisation; shards and
replicas belong to a cluster and do not apply to one in-process shard.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from index.files import write_atomically
from index.qdrant.engine import (
    DENSE, FULL_SCAN_KB, HNSW_EF, HNSW_EF_CONSTRUCT, HNSW_M, INTEGER_FIELDS, KEYWORD_FIELDS, OVERSAMPLING, SPARSE,
    Engine, Filter, Point, Record,
)
from index.qdrant.errors import CollectionMissing
from index.qdrant.target import Storage, Target


def available() -> bool:
    try:
        import qdrant_edge  # noqa: F401
    except ImportError:
        return False
    return True


class EdgeEngine(Engine):
    def __init__(self, root: Path, target: Target | None = None, indexing_threshold_kb: int | None = None) -> None:
        """`indexing_threshold_kb`: index (HNSW, quantisation) segments from this size on, when `optimize` runs.

        Qdrant's default (20 MB) leaves a small test collection unindexed and unquantised; the int8 test
        lowers it so that searches really go through the quantised vectors.
        """
        import qdrant_edge as qe

        self.qe, self.root, self.indexing_threshold_kb = qe, Path(root), indexing_threshold_kb
        self.root.mkdir(parents=True, exist_ok=True)
        self.target = target or Target(path=str(root))
        self.exact = False
        self._shards: dict[str, object] = {}
        self._lock = threading.RLock()

    # -- collections and aliases ------------------------------------------------------------------
    def _aliases(self) -> dict[str, str]:
        path = self.root / "aliases.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    def collections(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def alias_target(self, alias: str) -> str | None:
        return self._aliases().get(alias)

    def _shard(self, name: str):
        with self._lock:
            shard = self._shards.get(name)
            if shard is None:
                if not (self.root / name).is_dir():
                    raise CollectionMissing(self.target, name)
                shard = self._shards[name] = self.qe.EdgeShard.load(str(self.root / name))
            return shard

    def create(self, name: str, dim: int, storage: Storage | None = None) -> None:
        qe, storage = self.qe, storage or Storage()
        quantization = None
        if storage.quantized:
            quantization = qe.ScalarQuantizationConfig(qe.ScalarType.Int8, always_ram=True)
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine, on_disk=storage.on_disk or None,
                                                quantization_config=quantization)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
            hnsw_config=qe.HnswIndexConfig(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCT,
                                           full_scan_threshold=self.indexing_threshold_kb or FULL_SCAN_KB),
            optimizers=None if self.indexing_threshold_kb is None else qe.EdgeOptimizersConfig(
                indexing_threshold=self.indexing_threshold_kb, default_segment_number=1),
        )
        with self._lock:
            shard = self._shards[name] = qe.EdgeShard.create(str(self.root / name), config)
        for key in KEYWORD_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Keyword))
        for key in INTEGER_FIELDS:
            shard.update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Integer))

    def optimize(self, name: str) -> bool:
        """Merge and index the collection's segments now (Qdrant's optimiser runs in the background)."""
        return bool(self._shard(name).optimize())

    def drop(self, name: str) -> None:
        with self._lock:
            shard = self._shards.pop(name, None)
            if shard is not None:
                shard.close()
            shutil.rmtree(self.root / name, ignore_errors=True)

    def flip(self, alias: str, name: str) -> None:
        if not (self.root / name).is_dir():
            raise CollectionMissing(self.target, name)
        aliases = {**self._aliases(), alias: name}
        write_atomically(self.root / "aliases.json", json.dumps(aliases))

    # -- points -----------------------------------------------------------------------------------
    def _filter(self, where: Filter | None):
        if not where:
            return None
        qe = self.qe
        conditions = [
            qe.FieldCondition(k, match=qe.MatchAny(list(v)) if isinstance(v, (list, tuple)) else qe.MatchValue(v))
            for k, v in where.items()
        ]
        return qe.Filter(must=conditions)

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        qe = self.qe
        built = []
        for p in points:
            vector: dict[str, object] = {}
            if p.dense is not None:
                vector[DENSE] = np.asarray(p.dense, dtype=np.float32).tolist()
            if p.sparse is not None:
                vector[SPARSE] = qe.SparseVector(list(p.sparse[0]), list(p.sparse[1]))
            built.append(qe.Point(p.id, vector, p.payload))
        self._shard(name).update(qe.UpdateOperation.upsert_points(built))

    def delete(self, name: str, where: Filter) -> None:
        self._shard(name).update(self.qe.UpdateOperation.delete_points_by_filter(self._filter(where)))

    def delete_ids(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            self._shard(name).update(self.qe.UpdateOperation.delete_points(list(ids)))

    def set_sparse(self, name: str, vectors) -> None:
        qe = self.qe
        updates = [qe.PointVectors(pid, {SPARSE: qe.SparseVector(list(i), list(v))}) for pid, i, v in vectors]
        self._shard(name).update(qe.UpdateOperation.update_vectors(updates))

    def count(self, name: str, where: Filter | None = None) -> int:
        return int(self._shard(name).count(self.qe.CountRequest(exact=True, filter=self._filter(where))))

    def query(self, name, dense, dense_limit, sparse, sparse_limit, where=None):
        qe = self.qe
        only = self._filter(where)
        requests = [qe.QueryRequest(limit=dense_limit, query=qe.Query.Nearest(
            np.asarray(dense, dtype=np.float32).tolist(), using=DENSE), with_payload=True, filter=only,
            params=qe.SearchParams(hnsw_ef=max(HNSW_EF, dense_limit), quantization=qe.QuantizationSearchParams(
                rescore=True, oversampling=OVERSAMPLING)))]
        if sparse:
            requests.append(qe.QueryRequest(limit=sparse_limit, query=qe.Query.Nearest(
                qe.SparseVector(list(sparse), [1.0] * len(sparse)), using=SPARSE), with_payload=True, filter=only))
        answers = self._shard(name).query_batch(qe.QueryBatchRequest(requests))
        found = [[Record(str(p.id), dict(p.payload or {}), score=float(p.score)) for p in a] for a in answers]
        return found[0], found[1] if sparse else []

    def scroll(self, name, where, with_dense=False, ordered=False, page=256) -> Iterator[Record]:
        qe = self.qe
        shard = self._shard(name)
        offset, start = None, None
        while True:
            order = qe.OrderBy("row", direction=qe.Direction.Asc, start_from=start) if ordered else None
            points, nxt = shard.scroll(qe.ScrollRequest(offset=None if ordered else offset, limit=page,
                                                        filter=self._filter(where), with_payload=True,
                                                        with_vector=[DENSE] if with_dense else False, order_by=order))
            for p in points:
                vector = (p.vector or {}).get(DENSE) if with_dense else None
                yield Record(str(p.id), dict(p.payload or {}),
                             None if vector is None else np.asarray(vector, dtype=np.float32))
            if ordered:
                nxt = None if len(points) < page else points[-1].payload["row"] + 1
            if nxt is None or not points:
                return
            offset, start = nxt, nxt

    def retrieve(self, name, ids):
        found = self._shard(name).retrieve(list(ids), with_payload=True, with_vector=False)
        return [Record(str(p.id), dict(p.payload or {})) for p in found]

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()
