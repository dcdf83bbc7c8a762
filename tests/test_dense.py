"""The dense-index seam (index.faiss.dense): the contract every implementation keeps, checked on FAISS.

Random unit vectors: plumbing, not retrieval quality.
"""

from __future__ import annotations

import numpy as np
import pytest

from index.errors import DenseIndexUnfit
from index.faiss.dense import DenseIndex
from index.faiss.engine import FaissIndex

IVFPQ_MIN_VECTORS = 39 * 256  # what FAISS asks for to train IVF-PQ's 256-code quantisers


def unit_vectors(n: int, dim: int = 48, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def built(vectors: np.ndarray, kind: str) -> FaissIndex:
    """An index of `kind` over exactly these vectors, as a build makes it (index.faiss.build)."""
    index = FaissIndex(kind, vectors.shape[1])
    index.build(vectors)
    return index


def top_ids(index: DenseIndex, queries: np.ndarray, k: int = 1) -> list[list[int]]:
    return [[i for i, _ in hits] for hits in index.search(queries, k)]


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_build_search_add_delete_keep_ids_stable(kind, tmp_path):
    vectors = unit_vectors(60)
    index = built(vectors[:50], kind)
    assert (index.kind, index.count()) == (kind, 50)
    assert top_ids(index, vectors[[3, 40]]) == [[3], [40]]  # a stored vector finds itself
    [[(_, score)]] = index.search(vectors[3], 1)
    assert score == pytest.approx(1.0, abs=1e-5)

    assert index.add(vectors[50:55]) == [50, 51, 52, 53, 54]
    index.delete([3, 51])
    assert index.count() == 53
    hits = top_ids(index, vectors[[3, 40, 51, 54]], k=53)
    assert 3 not in hits[0] and 51 not in hits[2]
    assert (hits[1][0], hits[3][0]) == (40, 54)  # the others keep their ids
    assert index.add(vectors[55:56]) == [55]

    index.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == list(index.files)
    loaded = FaissIndex.load(tmp_path)
    assert (loaded.kind, loaded.count()) == (kind, 54)
    assert top_ids(loaded, vectors[[40, 55]]) == [[40], [55]]


def test_a_loaded_index_is_copied_before_it_changes(tmp_path):
    """A memory-mapped FAISS index views its file; growing it in place would abort the process."""
    vectors = unit_vectors(20)
    built(vectors[:10], "flat").save(tmp_path)
    before = (tmp_path / "dense.faiss").read_bytes()
    loaded = FaissIndex.load(tmp_path)
    assert loaded.add(vectors[10:12]) == [10, 11]
    loaded.delete([0])
    assert (loaded.count(), top_ids(loaded, vectors[[11]])) == (11, [[11]])
    assert (tmp_path / "dense.faiss").read_bytes() == before
    assert FaissIndex.load(tmp_path).count() == 10


def test_search_returns_fewer_hits_than_k_when_the_index_is_small():
    index = FaissIndex("flat", 48)
    assert index.search(unit_vectors(2), 5) == [[], []]
    index.add(unit_vectors(3))
    assert [len(hits) for hits in index.search(unit_vectors(2, seed=1), 5)] == [3, 3]
    [hits] = index.search(unit_vectors(1, seed=2), 3)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.slow  # trains IVF-PQ on 9,984 vectors: ~30 s on two busy cores
def test_ivfpq_keeps_ids_through_delete_and_add():
    vectors = unit_vectors(IVFPQ_MIN_VECTORS + 16)
    index = built(vectors[:IVFPQ_MIN_VECTORS], "ivfpq")
    assert index.kind == "ivfpq"
    assert index.add(vectors[IVFPQ_MIN_VECTORS:]) == list(range(IVFPQ_MIN_VECTORS, IVFPQ_MIN_VECTORS + 16))
    index.delete([0, 1])
    assert index.count() == IVFPQ_MIN_VECTORS + 14
    found = {i for hits in index.search(vectors[:2], 20) for i, _ in hits}
    assert not found & {0, 1}
    assert 0.0 < index.recall_at_k(vectors) <= 1.0


@pytest.mark.parametrize("dim, count, needs", [
    (48, IVFPQ_MIN_VECTORS - 1, f"needs at least {IVFPQ_MIN_VECTORS:,} vectors"),
    (16, 100_000, "needs a dimension divisible by 48; the embedder gives 16"),
])
def test_ivfpq_says_what_it_needs(dim, count, needs):
    with pytest.raises(DenseIndexUnfit, match=needs) as caught:
        FaissIndex("ivfpq", dim).validate(count)
    assert str(caught.value).endswith("Set HOIBAO_INDEX_TYPE=auto (exact search below 25,000 chunks, HNSW above), flat or hnsw.")
    FaissIndex("hnsw", dim).validate(count)  # the other kinds take any corpus


def test_unknown_kind_names_the_choices():
    with pytest.raises(ValueError, match="use auto, flat, hnsw or ivfpq"):
        FaissIndex("bogus", 48)
