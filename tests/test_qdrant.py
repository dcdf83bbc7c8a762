"""The Qdrant backend in qdrant-client's local mode: builds, incremental updates, the alias flip, the bot, errors.

Offline: every test opens its own local store (QDRANT_PATH in a temporary directory). The same
calls go to a server in tests/test_qdrant_server.py (only when QDRANT_URL is set).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("qdrant_client", reason="the Qdrant backend needs qdrant-client (pip install 'hoibao[qdrant]')")

from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.backend import BackendSettingsError, Location, export_to_qdrant  # noqa: E402
from index.faiss import store  # noqa: E402
from index.qdrant import engines as qengine  # noqa: E402
from index.qdrant import layout  # noqa: E402
from index.qdrant.client import ClientEngine  # noqa: E402
from index.qdrant.errors import QdrantUnauthorized, QdrantUnreachable  # noqa: E402
from index.qdrant.export import faiss_vectors  # noqa: E402
from index.qdrant.incremental import REWEIGHT_DRIFT  # noqa: E402
from index.qdrant.store import QdrantEmbedderMismatch, QdrantHalfBuilt, QdrantNotBuilt  # noqa: E402
from index.qdrant.target import Target  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.status import MISSING, STALE, FRESH, Wanted  # noqa: E402
from tests.conftest import states  # noqa: E402
from tests.test_store import ARTICLES, QUESTIONS, FailingEmbedder, HashEmbedder, write  # noqa: E402


@pytest.fixture
def location(tmp_path):
    """A Qdrant location in local mode, private to the test."""
    target = Target(path=str(tmp_path / "qdrant"), collection="hoibao")
    yield Location(tmp_path / "index", "qdrant", target)
    qengine.forget(target)


@pytest.fixture
def seeds(tmp_path) -> Path:
    return write(tmp_path / "seeds", ARTICLES)


def build(location: Location, seeds: Path, embedder, **options):
    return location.build(seeds, embedder, progress=False, **options)


def top(index, embedder, questions=QUESTIONS, k: int = 3) -> list[list[tuple[str, int, float]]]:
    searcher = Searcher(index, embedder)
    return [[(h.paragraph.source, h.paragraph.number, round(h.score, 4)) for h in searcher.search(q, top_k=k)]
            for q in questions]


def engine_of(location: Location):
    return qengine.connect(location.qdrant)


def collection_of(location: Location) -> str:
    return engine_of(location).alias_target(location.qdrant.collection)


# --- layout and search --------------------------------------------------------------------------


def test_a_build_writes_one_collection_behind_the_alias_and_answers_as_faiss_does(location, seeds, tmp_path, embedder):
    report = build(location, seeds, embedder)
    assert (report.articles, report.paragraphs, report.chunks, report.embedded) == (3, 5, 5, 5)
    engine, name = engine_of(location), collection_of(location)
    assert name.startswith("hoibao_") and report.directory == name
    assert "alias hoibao → " + name in report.summary()
    # 5 chunk points, the state point, and the metadata blobs.
    assert engine.count(name, {"kind": "chunk"}) == 5
    assert engine.count(name, {"kind": "chunk", "chunk": 0}) == 5
    point = next(engine.scroll(name, {"kind": "chunk", "article_id": "phuoc-my.txt", "number": 2}))
    assert point.payload["text"].startswith("Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình")
    assert point.id == layout.point_id("phuoc-my.txt", point.payload["article_hash"], 2, 0)
    assert {"title", "author", "date", "url", "row", "article_hash"} <= set(point.payload)

    faiss_dir = tmp_path / "faiss"
    Location(faiss_dir).build(seeds, embedder, progress=False)
    qdrant_index, faiss_index = location.load(embedder.id), store.load(faiss_dir, embedder.id)
    assert top(qdrant_index, embedder) == top(faiss_index, embedder)
    assert qdrant_index.manifest.counts == faiss_index.manifest.counts
    restored = [index.accents.restoration("cau rong phun lua").text for index in (qdrant_index, faiss_index)]
    assert restored == ["cầu rồng phun lửa"] * 2
    # What the answerer reads besides the rankings: term statistics and paragraphs by article.
    assert qdrant_index.lexical.idf("phuoc my") == pytest.approx(faiss_index.lexical.idf("phuoc my"))
    assert ("cau" in qdrant_index.lexical.vocab) and ("xyzzy" not in qdrant_index.lexical.vocab)
    assert qdrant_index.paragraphs_of("phuoc-my.txt") == faiss_index.paragraphs_of("phuoc-my.txt")
    assert list(qdrant_index.iter_paragraphs()) == faiss_index.paragraphs


def test_rebuilding_the_same_articles_is_idempotent(location, seeds, embedder):
    build(location, seeds, embedder)
    name = collection_of(location)
    ids = sorted(r.id for r in engine_of(location).scroll(name, {"kind": "chunk"}))
    report = build(location, seeds, embedder)
    assert report.embedded == 0 and collection_of(location) == name
    assert sorted(r.id for r in engine_of(location).scroll(name, {"kind": "chunk"})) == ids


# --- incremental builds -------------------------------------------------------------------------


def test_incremental_add_change_and_delete_in_place(location, seeds, embedder, tmp_path):
    build(location, seeds, embedder)
    engine, name = engine_of(location), collection_of(location)
    write(seeds, {"moi.txt": "Tin mới\n\nPhường Mỹ An khánh thành nhà văn hóa mới vào tháng Ba.\n"})
    (seeds / "cau-rong.txt").write_text(
        "Cầu Rồng phun lửa cuối tuần\n\nCầu Rồng phun lửa và nước vào 21 giờ 30 tối thứ Bảy.\n", "utf-8")
    (seeds / "an-hai-tay.md").unlink()
    old_hash = next(engine.scroll(name, {"article_id": "cau-rong.txt"})).payload["article_hash"]

    report = build(location, seeds, embedder)
    assert report.embedded == 2  # the new article and the changed paragraph's article (one chunk each)
    assert collection_of(location) == name  # in place: no new collection, no alias flip
    assert "Updated in place: 2 new or changed and 1 removed articles." in report.summary()
    assert engine.count(name, {"article_id": "an-hai-tay.md"}) == 0
    assert engine.count(name, {"article_id": "cau-rong.txt", "article_hash": old_hash}) == 0
    assert engine.count(name, {"kind": "chunk"}) == report.chunks == 4

    index = location.load(embedder.id)
    assert sorted(index.manifest.articles) == ["cau-rong.txt", "moi.txt", "phuoc-my.txt"]
    hits = Searcher(index, embedder).search("Nhà văn hóa mới ở phường nào?", top_k=1)
    assert hits[0].paragraph.source == "moi.txt"
    rows = [p["row"] for p in (r.payload for r in engine.scroll(name, {"kind": "chunk"}))]
    assert len(set(rows)) == len(rows)  # rows stay unique across incremental builds
    # The same articles built from scratch (FAISS) rank alike: the BM25 weights were rewritten
    # when the average length moved, and IDF is the collection's own.
    faiss_dir = tmp_path / "faiss"
    Location(faiss_dir).build(seeds, embedder, progress=False)
    questions = QUESTIONS + ["Nhà văn hóa mới ở phường nào?", "cau rong phun lua may gio"]
    assert top(index, embedder, questions) == top(store.load(faiss_dir), embedder, questions)


def test_a_moved_article_keeps_its_vectors(location, seeds, embedder):
    build(location, seeds, embedder)
    (seeds / "cau-rong.txt").rename(seeds / "cau-rong-2.txt")
    report = build(location, seeds, embedder)
    assert report.embedded == 0 and report.reused == 5
    index = location.load(embedder.id)
    assert "cau-rong-2.txt" in index.manifest.articles and "cau-rong.txt" not in index.manifest.articles


def test_a_small_drift_keeps_the_stored_weights(location, seeds, embedder, monkeypatch):
    """Below REWEIGHT_DRIFT only the changed article is written; its weights use the stored average."""
    build(location, seeds, embedder)
    engine, name = engine_of(location), collection_of(location)
    before = {r.id: r.payload for r in engine.scroll(name, {"kind": "chunk"})}
    monkeypatch.setattr("index.qdrant.incremental.REWEIGHT_DRIFT", 10.0)
    write(seeds, {"moi.txt": "Tin mới\n\nMột đoạn văn rất ngắn.\n"})
    report = build(location, seeds, embedder)
    assert not any("rewritten" in note for note in report.notes)
    index = location.load(embedder.id)
    assert index.lexical.avgdl != index.lexical.total_length / index.lexical.n_docs  # the stored average, not today's
    assert set(before) < {r.id for r in engine.scroll(name, {"kind": "chunk"})}
    assert REWEIGHT_DRIFT < 0.05


def test_an_embedder_change_forces_a_full_build(location, seeds, embedder):
    build(location, seeds, embedder)
    first = collection_of(location)
    report = build(location, seeds, HashEmbedder())
    assert report.full_reason == f"the embedder changed ({embedder.id} → fake:hash)"
    assert collection_of(location) != first
    assert location.load("fake:hash").embedder_id == "fake:hash"
    with pytest.raises(QdrantEmbedderMismatch, match="HOIBAO_EMBEDDING_BACKEND"):
        location.load(embedder.id)


def test_a_chunking_change_forces_a_full_build(location, seeds, embedder):
    build(location, seeds, embedder)
    report = build(location, seeds, embedder, max_tokens=64)
    assert report.full_reason == "the chunking parameters changed"


# --- full builds: the alias flip, rollback, failures ----------------------------------------------


def test_full_builds_flip_the_alias_keep_the_previous_collection_and_drop_older_ones(location, seeds, embedder,
                                                                                     monkeypatch):
    engine = engine_of(location)
    names = []
    for _ in range(2):
        build(location, seeds, embedder, full=True)
        names.append(collection_of(location))
    # Builds minutes apart: a replica may still search the one before the previous, so it stays.
    build(location, seeds, embedder, full=True)
    names.append(collection_of(location))
    assert len(set(names)) == 3
    assert sorted(n for n in engine.collections() if n.startswith("hoibao_")) == sorted(names)
    # Past the replicas' grace, the next build drops what is neither current nor previous.
    monkeypatch.setattr("index.qdrant.full.REPLICA_GRACE_SECONDS", -1)
    build(location, seeds, embedder, full=True)
    names.append(collection_of(location))
    hoibao = sorted(n for n in engine.collections() if n.startswith("hoibao_"))
    assert hoibao == sorted(names[2:])  # the current one and the previous one (rollback)
    names = names[1:]
    # Rollback is one alias flip back, and the previous collection answers.
    engine.flip("hoibao", names[1])
    assert location.load(embedder.id).collection == names[1]


def test_a_failed_full_build_leaves_the_alias_and_the_bot_answering(location, seeds, embedder, tmp_path, monkeypatch):
    build(location, seeds, embedder)
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=tmp_path / "index", index_backend="qdrant",
                        qdrant_path=location.qdrant.path)
    service = AnswerService(settings, embedder)
    before = service.answer(QUESTIONS[0])
    name = collection_of(location)
    with pytest.raises(RuntimeError, match="killed mid-build"):
        build(location, seeds, FailingEmbedder(embedder), full=True, batch_size=1)
    assert collection_of(location) == name
    # A failure while writing the new collection: it is dropped, the alias stays.
    original, calls = ClientEngine.upsert, []

    def failing(self, collection, points):
        calls.append(collection)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, collection, points)

    monkeypatch.setattr("index.qdrant.write.BATCH", 2)
    monkeypatch.setattr(ClientEngine, "upsert", failing)
    with pytest.raises(OSError, match="disk full"):
        build(location, seeds, embedder, full=True)
    monkeypatch.undo()
    assert collection_of(location) == name
    assert [n for n in engine_of(location).collections() if n.startswith("hoibao_")] == [name]
    after = service.answer(QUESTIONS[0])
    assert after.answer == before.answer and states(after, "Nguyễn Huy Bình")
    assert [c.paragraph for c in after.citations] == [c.paragraph for c in before.citations]
    assert AnswerService(settings, embedder).answer(QUESTIONS[0]).answer == before.answer


# --- the bot through the backend ------------------------------------------------------------------


def test_the_service_answers_and_reindexes_through_qdrant(location, seeds, embedder, tmp_path):
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=tmp_path / "index", index_backend="qdrant",
                        qdrant_path=location.qdrant.path)
    from bot.service import ensure_index

    assert ensure_index(settings, embedder) is not None  # first start: built
    service = AnswerService(settings, embedder)
    answer = service.answer(QUESTIONS[0])
    assert states(answer, "Nguyễn Huy Bình")
    assert answer.citations[0].paragraph.source == "phuoc-my.txt"
    assert not service.answer("Giá xăng hôm nay?").found
    assert {m.source for m in service.catalog()} == set(ARTICLES)
    assert service.answer("Bài về cầu Rồng đăng ngày nào?").kind.startswith("article_")
    write(seeds, {"moi.txt": "Tin mới\n\nPhường Mỹ An khánh thành nhà văn hóa mới vào tháng Ba.\n"})
    report = service.reindex()
    assert report.embedded == 1
    assert service.answer("Phường Mỹ An khánh thành gì?").citations[0].paragraph.source == "moi.txt"


def test_status_of_a_qdrant_index(location, seeds, embedder):
    wanted = Wanted(embedder.id, 480)
    assert location.status(seeds, wanted).state == MISSING
    build(location, seeds, embedder)
    status = location.status(seeds, wanted)
    assert status.state == FRESH, status.text()
    assert "Qdrant collection hoibao (QDRANT_PATH=" in status.summary
    write(seeds, {"moi.txt": "Tin mới\n\nMột đoạn.\n"})
    assert location.status(seeds, wanted).added == ("moi.txt",)
    assert location.status(seeds, replace(wanted, embedder_id="fake:hash")).state == STALE


# --- moving a FAISS index -------------------------------------------------------------------------


def test_export_copies_a_faiss_index_without_embedding(location, seed_index_dir, embedder):
    name, manifest = export_to_qdrant(seed_index_dir, location)
    assert collection_of(location) == name
    faiss_index, qdrant_index = store.load(seed_index_dir), location.load(embedder.id)
    assert qdrant_index.manifest.articles == faiss_index.manifest.articles
    assert qdrant_index.manifest.dense.type == "qdrant-hnsw"
    questions = [q for q in QUESTIONS] + ["Bí thư Quận ủy Sơn Trà là ai?", "quan son tra phat trien den nam nao"]
    assert top(qdrant_index, embedder, questions, k=5) == top(faiss_index, embedder, questions, k=5)
    stored = next(engine_of(location).scroll(name, {"kind": "chunk", "chunk": 0}, with_dense=True))
    row = stored.payload["row"]
    assert np.allclose(stored.dense, faiss_index.vectors[list(faiss_index.chunk_paragraph).index(row)], atol=1e-6)


def test_export_reconstructs_flat_vectors_and_refuses_ivfpq(seed_index_dir, tmp_path, monkeypatch):
    import shutil

    from index.faiss.engine import FaissIndex

    build_dir = tmp_path / "build"
    shutil.copytree(store.current_build(seed_index_dir), build_dir)
    expected = np.load(build_dir / "vectors.npy")
    (build_dir / "vectors.npy").unlink()
    assert np.allclose(faiss_vectors(build_dir), expected)
    monkeypatch.setattr(FaissIndex, "load", classmethod(lambda cls, directory: FaissIndex("ivfpq", 384)))
    with pytest.raises(Exception, match="ivfpq index keeps only compressed codes"):
        faiss_vectors(build_dir)


# --- errors ---------------------------------------------------------------------------------------


def test_no_index_says_how_to_build_or_export_it(location, embedder):
    with pytest.raises(QdrantNotBuilt, match="HOIBAO_QDRANT_COLLECTION.*hoibao index build.*export --to qdrant"):
        location.load(embedder.id)


def test_a_half_built_collection_is_refused_naming_the_fix(location, seeds, embedder):
    build(location, seeds, embedder)
    engine, name = engine_of(location), collection_of(location)
    victim = next(engine.scroll(name, {"kind": "chunk", "article_id": "cau-rong.txt"}))
    engine.delete_ids(name, [victim.id])
    with pytest.raises(QdrantHalfBuilt, match=r"4 chunk points, the manifest says 5.*hoibao index build --full"):
        location.load(embedder.id)
    engine.delete_ids(name, [layout.STATE_ID])
    with pytest.raises(QdrantHalfBuilt, match="no state point"):
        location.load(embedder.id)
    # The next build cannot reuse it and starts over.
    report = build(location, seeds, embedder)
    assert "cannot be reused" in report.full_reason and report.embedded == 5
    assert location.load(embedder.id).manifest.counts.chunks == 5


def test_an_interrupted_incremental_build_still_serves_and_the_rerun_converges(location, seeds, embedder, monkeypatch):
    build(location, seeds, embedder)
    write(seeds, {"moi.txt": "Tin mới\n\nPhường Mỹ An khánh thành nhà văn hóa mới vào tháng Ba.\n"})
    monkeypatch.setattr("index.qdrant.write.metadata", lambda *a, **k: (_ for _ in ()).throw(OSError("gone")))
    with pytest.raises(OSError):
        build(location, seeds, embedder)
    monkeypatch.undo()
    index = location.load(embedder.id)  # state "updating": served with the previous manifest
    assert "moi.txt" not in index.manifest.articles
    build(location, seeds, embedder)
    index = location.load(embedder.id)
    assert "moi.txt" in index.manifest.articles and index.state.status == "complete"


def test_unreachable_server_names_qdrant_url(tmp_path):
    location = Location(tmp_path, "qdrant", Target(url="http://127.0.0.1:9"))
    with pytest.raises(QdrantUnreachable, match=r"Cannot reach Qdrant at http://127.0.0.1:9 .*fix QDRANT_URL"):
        location.read_manifest()


class _Refusing(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(401 if self.headers.get("api-key") else 403)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Invalid api-key")

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_server():
    server = HTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_wrong_api_key_names_qdrant_api_key(tmp_path, refusing_server):
    location = Location(tmp_path, "qdrant", Target(url=refusing_server, api_key="wrong"))
    with pytest.raises(QdrantUnauthorized, match="refused the API key given \\(HTTP 401\\). Set QDRANT_API_KEY") as err:
        location.read_manifest()
    assert "wrong" not in str(err.value)
    no_key = Location(tmp_path, "qdrant", Target(url=refusing_server))
    with pytest.raises(QdrantUnauthorized, match="without an API key \\(HTTP 403\\)"):
        no_key.read_manifest()


def test_backend_settings_that_cannot_work_are_named(tmp_path):
    with pytest.raises(BackendSettingsError, match="needs QDRANT_URL .* or QDRANT_PATH"):
        Location(tmp_path, "qdrant").read_manifest()
    with pytest.raises(BackendSettingsError, match="Both QDRANT_URL and QDRANT_PATH"):
        Location(tmp_path, "qdrant", Target(url="http://x:6333", path=str(tmp_path))).read_manifest()


def test_shards_or_replicas_with_the_embedded_store_are_named(tmp_path):
    for name, value in (("shards", 2), ("replicas", 3)):
        settings = Settings(_env_file=None, index_backend="qdrant", qdrant_path=str(tmp_path / "q"),
                            **{f"qdrant_{name}": value})
        with pytest.raises(BackendSettingsError, match=f"^HOIBAO_QDRANT_{name.upper()}={value} needs a Qdrant cluster"):
            Location.from_settings(settings).read_manifest()


def test_the_cluster_layout_reaches_create_collection(tmp_path):
    from qdrant_client import models

    from index.qdrant.client import collection_options, search_params

    settings = Settings(_env_file=None, index_backend="qdrant", qdrant_url="http://q:6333", qdrant_shards=12,
                        qdrant_replicas=2, qdrant_on_disk=True, qdrant_quantization="int8")
    storage = Location.from_settings(settings).qdrant.storage
    options = collection_options(models, 384, storage)
    assert (options["shard_number"], options["replication_factor"]) == (12, 2)
    assert options["vectors_config"]["dense"].on_disk is True
    scalar = options["quantization_config"].scalar
    assert (scalar.type, scalar.always_ram) == (models.ScalarType.INT8, True)
    assert search_params(models, 100).quantization.rescore is True
    default = collection_options(models, 384, Location.from_settings(Settings(_env_file=None)).qdrant.storage)
    assert (default["shard_number"], default["replication_factor"], default["quantization_config"]) == (1, 1, None)
    assert default["vectors_config"]["dense"].on_disk is None


def test_local_mode_records_on_disk_and_ignores_the_cluster_options(tmp_path, seeds, embedder):
    from index.qdrant.target import Storage

    storage = Storage(on_disk=True, quantization="int8")
    location = Location(tmp_path / "index", "qdrant", Target(path=str(tmp_path / "q"), storage=storage))
    try:
        build(location, seeds, embedder)
        engine = engine_of(location)
        config = engine.client.get_collection(collection_of(location)).config
        assert config.params.vectors["dense"].on_disk is True
        assert config.quantization_config is None  # local mode searches the originals, exactly
        assert top(location.load(embedder.id), embedder)[0]
    finally:
        qengine.forget(location.qdrant)


def test_eval_builds_its_own_alias_beside_the_bots(location, seeds, embedder, tmp_path, capsys):
    import json

    from bot.evaluate.run import run_eval

    build(location, seeds, embedder)
    bots = collection_of(location)
    squad = tmp_path / "tiny.json"
    squad.write_text(json.dumps({"data": [{"title": "Cầu Rồng", "paragraphs": [
        {"context": "Cầu Rồng phun lửa và nước vào 21 giờ tối thứ Bảy, Chủ nhật hằng tuần.",
         "qas": [{"question": "Cầu Rồng phun lửa lúc mấy giờ?", "answers": [{"text": "21 giờ"}]}]},
        {"context": "Phường An Hải Tây xử lý hơn 1.200 trường hợp vi phạm trật tự đô thị.",
         "qas": [{"question": "An Hải Tây xử lý bao nhiêu trường hợp?", "answers": [{"text": "1.200"}]}]},
    ]}]}, ensure_ascii=False), "utf-8")
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=tmp_path / "index", index_backend="qdrant",
                        qdrant_path=location.qdrant.path)
    assert run_eval(squad, settings, tmp_path / "evalcache", as_json=True) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["retrieval"]["hybrid / as written"]["recall@1"] == 1.0
    engine = engine_of(location)
    assert engine.alias_target("hoibao_eval_tiny") and collection_of(location) == bots


def test_old_builds_are_dropped_only_past_the_replicas_grace():
    from index.qdrant.full import REPLICA_GRACE_SECONDS, droppable

    names = ["hoibao_20261129t100000_aaaaaa", "hoibao_20261129t115500_bbbbbb", "hoibao_20261129t120000_cccccc"]
    noon = 1_795_953_600.0  # 2026-11-29 12:00:00 UTC
    assert droppable(names, {names[2]}, noon) == [names[0]]  # 2 h old goes; 5 min old stays
    assert droppable(names, {names[2]}, noon + REPLICA_GRACE_SECONDS + 1) == names[:2]
    assert droppable(names, set(names), noon + 10 ** 6) == []
