"""FAISS inner-product indexes over normalised vectors (inner product = cosine)."""

from __future__ import annotations

import faiss
import numpy as np

# Below this many chunks exact search is fast enough and costs nothing in recall.
# Measured on 2 cores (benchmarks/query_scale.py): a flat search costs 4.4 ms at
# 25k and 24 ms at 50k vectors, HNSW ~1 ms with recall@10 ≥ 0.99 at every size.
APPROXIMATE_FROM = 25_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
HNSW_EF_CONSTRUCTION = 80


def choose_type(n_vectors: int, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    return "flat" if n_vectors < APPROXIMATE_FROM else "hnsw"


def build_dense(vectors: np.ndarray, index_type: str) -> faiss.Index:
    dim = vectors.shape[1]
    if index_type == "flat":
        index = faiss.IndexFlatIP(dim)
    elif index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif index_type == "ivfpq":
        n_list = max(1, int(4 * np.sqrt(len(vectors))))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFPQ(quantizer, dim, n_list, 48, 8, faiss.METRIC_INNER_PRODUCT)
        index.train(np.ascontiguousarray(vectors, dtype=np.float32))
        index.nprobe = min(n_list, 32)
    else:
        raise ValueError(f"unknown index type {index_type!r}: use auto, flat, hnsw or ivfpq")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Top-k (row, cosine) for one normalised query vector, best first."""
    k = min(k, index.ntotal)
    if k == 0:
        return []
    scores, rows = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]


def recall_at_k(index: faiss.Index, vectors: np.ndarray, k: int = 10, sample: int = 200, seed: int = 0) -> float:
    """Recall@k of `index` against exact search, with stored vectors as queries."""
    if index_kind(index) == "flat" or len(vectors) == 0:
        return 1.0
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    queries = np.ascontiguousarray(vectors[rows], dtype=np.float32)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(np.ascontiguousarray(vectors, dtype=np.float32))
    k = min(k, len(vectors))
    _, truth = exact.search(queries, k)
    _, found = index.search(queries, k)
    return float(np.mean([len(set(t) & set(f)) / k for t, f in zip(truth, found)]))


def index_kind(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVF):
        return "ivfpq"
    return "flat"
