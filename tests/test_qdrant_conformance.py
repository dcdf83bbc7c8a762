"""Conformance: the Qdrant backend and the FAISS backend return the same top paragraphs.

The Qdrant side runs on qdrant-edge (Qdrant's own engine, in process, behind index.qdrant.edge) when
qdrant-edge-py is installed, and on qdrant-client's local mode (a pure-Python reimplementation). Both sides hold the very same vectors
(the FAISS index is exported, `hoibao index export --to qdrant`), so any difference is the backend's:
BM25 as sparse vectors with Qdrant's IDF, chunk → paragraph folding, the payload, the fusion inputs.
Where two paragraphs tie (fused scores within 1e-5) their order may differ.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client (pip install 'hoibao[qdrant]')")

from index.backend import Location, export_to_qdrant  # noqa: E402
from index.corpus import Article, Paragraph  # noqa: E402
from index.faiss import store  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from index.qdrant import edge  # noqa: E402
from index.qdrant import engines as qengine  # noqa: E402
from index.qdrant.target import Target  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.text import content_hash, fold, nfc  # noqa: E402
from tests.conftest import DATA, SHARED_DATA  # noqa: E402
from tests.test_store import HashEmbedder  # noqa: E402

ENGINE = "qdrant-edge" if edge.available() else "qdrant-client local mode"
TIE = 1e-5
ZALO = SHARED_DATA / "zalo_qa_vi.json"
SAMPLE_QUESTIONS = 50


@pytest.fixture(params=[ENGINE, "qdrant-client local mode"] if edge.available() else [ENGINE])
def qdrant(request, tmp_path):
    target = Target(path=str(tmp_path / "qdrant"), collection="hoibao")
    if request.param == "qdrant-edge":
        qengine.register(target, edge.EdgeEngine(tmp_path / "qdrant", target))
    yield Location(tmp_path / "index", "qdrant", target)
    qengine.forget(target)


def assert_same_top(faiss: Searcher, qdrant: Searcher, questions: list[str], k: int = 5) -> int:
    """Top-k paragraphs agree for every question (ties aside); returns how many questions were compared."""
    for question in questions:
        a, b = faiss.search(question, top_k=k), qdrant.search(question, top_k=k)
        assert len(a) == len(b), question
        for rank, (x, y) in enumerate(zip(a, b)):
            if x.paragraph != y.paragraph:
                assert abs(x.score - y.score) < TIE, f"{ENGINE}, {question!r} rank {rank + 1}: {x} vs {y}"
            assert x.score == pytest.approx(y.score, abs=TIE), (question, rank)
            assert x.lexical == pytest.approx(y.lexical, rel=1e-4, abs=1e-5), (question, rank)
    return len(questions)


def test_seed_questions(qdrant, seed_index_dir, embedder):
    export_to_qdrant(seed_index_dir, qdrant)
    faiss = Searcher(store.load(seed_index_dir, embedder.id), embedder)
    mine = Searcher(qdrant.load(embedder.id), embedder)
    questions = [json.loads(line)["q"] for line in (DATA / "seed_dev_qa.jsonl").read_text("utf-8").splitlines()
                 if line.strip()]
    assert assert_same_top(faiss, mine, questions + [fold(q) for q in questions]) == 16


@pytest.mark.skipif(not edge.available(), reason="int8 quantisation runs only in qdrant-edge (local mode ignores it)")
def test_int8_quantisation_with_rescoring_keeps_the_rankings(tmp_path, seed_index_dir, embedder):
    from index.qdrant.target import Storage

    target = Target(path=str(tmp_path / "qdrant"), storage=Storage(on_disk=True, quantization="int8"))
    engine = edge.EdgeEngine(tmp_path / "qdrant", target, indexing_threshold_kb=1)
    qengine.register(target, engine)
    try:
        location = Location(tmp_path / "index", "qdrant", target)
        collection, _ = export_to_qdrant(seed_index_dir, location)
        assert engine.optimize(collection)  # indexed and quantised now, as a large collection would be
        faiss = Searcher(store.load(seed_index_dir, embedder.id), embedder)
        mine = Searcher(location.load(embedder.id), embedder)
        questions = [json.loads(line)["q"] for line in (DATA / "seed_dev_qa.jsonl").read_text("utf-8").splitlines()
                     if line.strip()]
        assert assert_same_top(faiss, mine, questions) == 8
        # The quantised vectors are really searched: without rescoring the scores drift from the originals'.
        qe, vector = engine.qe, embedder.embed_queries([questions[0]])[0].tolist()
        scores = {rescore: [p.score for p in engine._shard(collection).query(qe.QueryRequest(
            limit=5, query=qe.Query.Nearest(vector, using="dense"),
            params=qe.SearchParams(quantization=qe.QuantizationSearchParams(rescore=rescore))))]
            for rescore in (False, True)}
        assert scores[False] != pytest.approx(scores[True], abs=1e-6)
    finally:
        qengine.forget(target)


def zalo_sample() -> tuple[list[Article], list[str]]:
    """The paragraphs of zalo_qa_vi's first articles, until they hold SAMPLE_QUESTIONS distinct questions
    (consecutive windows of one article compete with each other), and those questions."""
    if not ZALO.exists():
        pytest.skip(f"{ZALO} is not there (the development corpus is read from ../shared/data, never copied)")
    data = json.loads(ZALO.read_text("utf-8"))["data"]
    articles, questions = [], {}
    for a_i, entry in enumerate(data):
        if len(questions) >= SAMPLE_QUESTIONS:
            break
        title = nfc(entry.get("title") or f"Bài {a_i}")
        for p_i, para in enumerate(entry["paragraphs"]):
            aid = f"z{a_i:04d}p{p_i:03d}"
            paragraph = Paragraph(aid, title, "zalo_qa_vi.json", 1, nfc(para["context"]))
            articles.append(Article(aid, "zalo_qa_vi.json", title, [paragraph], content_hash(paragraph.text)))
            questions.update(dict.fromkeys(nfc(qa["question"]) for qa in para["qas"]))
    return articles, list(questions)[:SAMPLE_QUESTIONS]


def _zalo(qdrant, tmp_path, embedder) -> int:
    articles, questions = zalo_sample()
    build_faiss(tmp_path / "unused", tmp_path / "faiss", embedder, articles=articles, progress=False)
    export_to_qdrant(tmp_path / "faiss", qdrant)
    faiss = Searcher(store.load(tmp_path / "faiss", embedder.id), embedder)
    mine = Searcher(qdrant.load(embedder.id), embedder)
    return assert_same_top(faiss, mine, questions + [fold(q) for q in questions])


def test_zalo_sample_bm25_and_fusion(qdrant, tmp_path):
    """Real text and questions, placeholder vectors (HashEmbedder): BM25, IDF and fusion, quickly."""
    assert _zalo(qdrant, tmp_path, HashEmbedder()) == 2 * SAMPLE_QUESTIONS


@pytest.mark.slow
def test_zalo_sample_with_the_real_embedder(qdrant, tmp_path, embedder):
    assert _zalo(qdrant, tmp_path, embedder) == 2 * SAMPLE_QUESTIONS
