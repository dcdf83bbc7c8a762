"""Growing corpora: resumable builds, the automatic index-type switch, memory-mapped loads."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from index import manifest as manifest_mod
from index.checkpoint import CHECKPOINT_EVERY
from index.errors import BuildInterrupted, DenseIndexUnfit, IndexNotBuilt
from index.faiss import store
from index.faiss.build import build_faiss
from index.faiss.engine import FaissIndex
from index.manifest import choose_type


class CountingEncoder:
    """Deterministic plumbing encoder (not for quality claims): counts what it embeds."""

    id = "test:counting"
    dim = 16
    max_tokens = 512

    def __init__(self, fail_after_batches: int | None = None) -> None:
        self.embedded = 0
        self.batches = 0
        self.fail_after = fail_after_batches

    def _vec(self, text: str) -> np.ndarray:
        seed = int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts):
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C mid-build
        self.batches += 1
        self.embedded += len(texts)
        return np.stack([self._vec(t) for t in texts])

    embed_queries = embed_passages

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def write_corpus(seeds, articles: int, paragraphs: int) -> None:
    seeds.mkdir(exist_ok=True)
    for a in range(articles):
        body = "\n\n".join(f"Đoạn {p} của bài {a} nói về chủ đề số {a * 100 + p}." for p in range(paragraphs))
        (seeds / f"bai-{a:03d}.txt").write_text(f"Bài số {a}\n\n{body}\n", encoding="utf-8")


def test_interrupted_build_resumes_from_its_checkpoint(tmp_path):
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    write_corpus(seeds, articles=10, paragraphs=10)  # 100 chunks, 25 batches of 4
    interrupted = CountingEncoder(fail_after_batches=CHECKPOINT_EVERY * 2 + 3)
    with pytest.raises(BuildInterrupted) as caught:  # a KeyboardInterrupt that says what a rerun finds
        build_faiss(seeds, index_dir, interrupted, batch_size=4, progress=False)
    with pytest.raises(IndexNotBuilt):
        store.read_manifest(index_dir)  # nothing half-built is visible
    saved = CHECKPOINT_EVERY * 2 * 4
    assert caught.value.kept == saved
    assert str(caught.value) == (
        f"Build interrupted: the {saved} vectors embedded so far are kept in {index_dir}/{next(index_dir.glob('.partial-*')).name}, "
        "and rerunning `hoibao index build` resumes from them; there is no index yet."
    )
    resumed = CountingEncoder()
    report = build_faiss(seeds, index_dir, resumed, batch_size=4, progress=False)
    assert resumed.embedded == 100 - saved
    assert report.chunks == 100
    # The checkpoint's vectors count as reused, not as embedded by this run.
    assert (report.embedded, report.reused, report.resumed) == (100 - saved, saved, saved)
    assert f"({100 - saved} embedded, {saved} reused; flat index)" in report.summary()
    assert f"Resumed an interrupted build: {saved} of the reused vectors were embedded by it." in report.summary()
    # The resumed vectors are the ones a clean build makes.
    clean = build_faiss(seeds, tmp_path / "clean", CountingEncoder(), batch_size=4, progress=False)
    a = store.load(index_dir).vectors
    b = store.load(clean.directory.parent).vectors
    assert np.allclose(a, b)
    assert not list(index_dir.glob(".partial-*")), "the checkpoint is removed once the build is published"


def test_index_type_switches_to_approximate_past_the_threshold(tmp_path, monkeypatch):
    assert choose_type(10) == "flat"
    assert choose_type(manifest_mod.APPROXIMATE_FROM) == "hnsw"
    assert choose_type(10, "ivfpq") == "ivfpq"
    monkeypatch.setattr(manifest_mod, "APPROXIMATE_FROM", 50)
    seeds = tmp_path / "seeds"
    write_corpus(seeds, articles=6, paragraphs=10)
    report = build_faiss(seeds, tmp_path / "index", CountingEncoder(), progress=False)
    assert report.index_type == "hnsw"
    loaded = store.load(tmp_path / "index")
    assert loaded.dense.kind == "hnsw"
    assert loaded.manifest.dense.recall_at_10_vs_exact >= 0.95
    assert "recall@10" in report.summary()


def test_approximate_recall_is_measured_against_exact():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat, hnsw = FaissIndex("flat", 32), FaissIndex("hnsw", 32)
    flat.build(vectors)
    hnsw.build(vectors)
    assert flat.recall_at_k(vectors) == 1.0
    assert hnsw.recall_at_k(vectors) >= 0.95


def test_loaded_index_is_memory_mapped(seed_index):
    assert isinstance(seed_index.vectors, np.memmap)
    assert seed_index.dense.count() == seed_index.manifest.counts.chunks


def test_renamed_article_keeps_its_vectors(tmp_path):
    seeds, index_dir = tmp_path / "seeds", tmp_path / "index"
    write_corpus(seeds, articles=3, paragraphs=4)
    build_faiss(seeds, index_dir, CountingEncoder(), progress=False)
    (seeds / "bai-001.txt").rename(seeds / "bai-moi.md")
    encoder = CountingEncoder()
    report = build_faiss(seeds, index_dir, encoder, progress=False)
    assert (encoder.embedded, report.reused, report.articles) == (0, 12, 3)
    assert "bai-moi.md" in store.read_manifest(index_dir).articles


def test_ivfpq_on_a_small_corpus_fails_before_embedding(tmp_path):
    seeds = tmp_path / "seeds"
    write_corpus(seeds, articles=2, paragraphs=3)
    encoder = CountingEncoder()
    encoder.dim = 384
    with pytest.raises(DenseIndexUnfit) as caught:
        build_faiss(seeds, tmp_path / "index", encoder, index_type="ivfpq", progress=False)
    assert str(caught.value) == (
        "HOIBAO_INDEX_TYPE=ivfpq needs at least 9,984 vectors to train its quantisers; "
        "this corpus has 6 chunks. Set HOIBAO_INDEX_TYPE=auto (exact search below 25,000 chunks, HNSW above), "
        "flat or hnsw."
    )
    assert encoder.embedded == 0
    assert not (tmp_path / "index").exists()
