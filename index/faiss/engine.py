"""`DenseIndex` on FAISS: one `dense.faiss` file per build, inner product over normalised vectors.

The only module that imports faiss: `FaissIndex(kind, dim)` is an empty index, `FaissIndex.load`
reopens a saved one. A fresh build writes the plain index
(IndexFlatIP, IndexHNSWFlat or IndexIVFPQ) whose positions are the ids. Stable
ids after a `delete` need an id map: flat and HNSW cannot drop a vector without
shifting the others (HNSW not at all), so they are rebuilt from their stored
vectors inside an IndexIDMap2; IVF-PQ keeps ids in its lists and removes natively.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from index.errors import DenseIndexUnfit
from index.faiss.dense import DenseIndex
from index.manifest import KINDS

HNSW_M = 32
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 80
PQ_PARTS, PQ_BITS = 48, 8
# FAISS trains 2**8 codes per sub-quantiser and asks for 39 training vectors per code;
# with fewer it warns once per sub-quantiser (48 lines), and below 256 it fails.
IVFPQ_MIN_VECTORS = 39 * 2**PQ_BITS


def _rows(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, vectors.shape[-1])


def _kind_of(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexIDMap2):
        return _kind_of(faiss.downcast_index(index.index))
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVF):
        return "ivfpq"
    return "flat"


class FaissIndex(DenseIndex):
    files = ("dense.faiss",)

    def __init__(self, kind: str, dim: int, index: faiss.Index | None = None, mapped: bool = False) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown index type {kind!r}: use auto, flat, hnsw or ivfpq")
        self.kind, self.dim = kind, dim
        self._index = index
        self._mapped = mapped  # memory-mapped from a file: copied into memory before any change

    def validate(self, count: int) -> None:
        if self.kind != "ivfpq":
            return
        advice = "Set HOIBAO_INDEX_TYPE=auto (exact search below 25,000 chunks, HNSW above), flat or hnsw."
        if self.dim % PQ_PARTS:
            raise DenseIndexUnfit(
                f"HOIBAO_INDEX_TYPE=ivfpq splits each vector into {PQ_PARTS} parts and needs a dimension "
                f"divisible by {PQ_PARTS}; the embedder gives {self.dim}. {advice}"
            )
        if count < IVFPQ_MIN_VECTORS:
            raise DenseIndexUnfit(
                f"HOIBAO_INDEX_TYPE=ivfpq needs at least {IVFPQ_MIN_VECTORS:,} vectors to train its quantisers; "
                f"this corpus has {count:,} chunks. {advice}"
            )

    def _empty(self, n_train: int) -> faiss.Index:
        if self.kind == "flat":
            return faiss.IndexFlatIP(self.dim)
        if self.kind == "hnsw":
            index = faiss.IndexHNSWFlat(self.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
            return index
        n_list = max(1, int(4 * np.sqrt(n_train)))
        index = faiss.IndexIVFPQ(faiss.IndexFlatIP(self.dim), self.dim, n_list, PQ_PARTS, PQ_BITS,
                                 faiss.METRIC_INNER_PRODUCT)
        index.nprobe = min(n_list, 32)
        return index

    def build(self, vectors: np.ndarray) -> None:
        self.validate(len(vectors))
        index = self._empty(len(vectors))
        if self.kind == "ivfpq":
            index.train(_rows(vectors))
        if len(vectors):
            index.add(_rows(vectors))
        self._index, self._mapped = index, False

    def _writable(self) -> faiss.Index:
        if self._index is None:
            if self.kind == "ivfpq":
                raise ValueError("an ivfpq index must be built (trained) before vectors are added")
            self._index = self._empty(0)
        elif self._mapped:
            # A memory-mapped index views the file: FAISS aborts the process on resizing it.
            self._index = faiss.deserialize_index(faiss.serialize_index(self._index))
            self._mapped = False
        return self._index

    def ids(self) -> np.ndarray:
        """Every id in the index, in storage order."""
        index = self._index
        if index is None:
            return np.zeros(0, dtype=np.int64)
        if isinstance(index, faiss.IndexIDMap2):
            return faiss.vector_to_array(index.id_map).astype(np.int64)
        if isinstance(index, faiss.IndexIVF) and index.ntotal:
            lists = index.invlists
            return np.concatenate([
                faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).astype(np.int64)
                for i in range(index.nlist) if lists.list_size(i)
            ])
        return np.arange(index.ntotal, dtype=np.int64)

    def add(self, vectors: np.ndarray) -> list[int]:
        index = self._writable()
        ids = self.ids()
        start = int(ids.max()) + 1 if len(ids) else 0
        new = np.arange(start, start + len(vectors), dtype=np.int64)
        if isinstance(index, (faiss.IndexIDMap2, faiss.IndexIVF)):
            index.add_with_ids(_rows(vectors), new)
        else:
            index.add(_rows(vectors))  # positions are the ids: start == ntotal
        return new.tolist()

    def delete(self, ids: Sequence[int]) -> None:
        index = self._writable()
        gone = np.asarray(sorted(set(ids)), dtype=np.int64)
        if isinstance(index, faiss.IndexIVF):
            index.remove_ids(gone)
            return
        all_ids = self.ids()
        keep = ~np.isin(all_ids, gone)
        vectors = index.reconstruct_n(0, index.ntotal)[keep]
        mapped = faiss.IndexIDMap2(self._empty(int(keep.sum())))
        if keep.any():
            mapped.add_with_ids(_rows(vectors), all_ids[keep])
        self._index = mapped

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        queries = _rows(queries)
        k = min(k, self.count())
        if k == 0:
            return [[] for _ in range(len(queries))]
        scores, ids = self._index.search(queries, k)
        return [[(int(i), float(s)) for i, s in zip(row_ids, row_scores) if i >= 0]
                for row_ids, row_scores in zip(ids, scores)]

    def reconstruct(self) -> np.ndarray | None:
        """The stored vectors in id order; None for IVF-PQ, which keeps only compressed codes."""
        index = self._index
        if self.kind == "ivfpq":
            return None
        if index is None:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = index.reconstruct_n(0, index.ntotal) if not isinstance(index, faiss.IndexIDMap2) else \
            faiss.downcast_index(index.index).reconstruct_n(0, index.ntotal)
        return vectors[np.argsort(self.ids(), kind="stable")]

    def count(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def recall_at_k(self, vectors: np.ndarray, k: int = 10, sample: int = 200, seed: int = 0) -> float:
        if self.kind == "flat" or len(vectors) == 0:
            return 1.0
        rng = np.random.default_rng(seed)
        rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
        queries = _rows(vectors[rows])
        exact = faiss.IndexFlatIP(vectors.shape[1])
        exact.add(_rows(vectors))
        k = min(k, len(vectors))
        _, truth = exact.search(queries, k)
        _, found = self._index.search(queries, k)
        return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))

    def params(self) -> dict[str, object]:
        if self.kind == "hnsw":
            return {"M": HNSW_M, "efSearch": HNSW_EF_SEARCH}
        if self.kind == "ivfpq":
            return {"pq_parts": PQ_PARTS, "pq_bits": PQ_BITS}
        return {}

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / self.files[0]))

    @classmethod
    def load(cls, directory: Path) -> "FaissIndex":
        # Memory-mapped: several bot processes on one index share its pages.
        index = faiss.read_index(str(directory / cls.files[0]), faiss.IO_FLAG_MMAP_IFC)
        return cls(_kind_of(index), index.d, index, mapped=True)
