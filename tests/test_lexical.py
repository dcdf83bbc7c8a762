"""BM25 over folded syllables: unaccented queries, NFD text, persistence without pickle."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from index.lexical import LexicalIndex

DOCUMENTS = [
    "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin về kế hoạch năm 2023.",
    "Phường An Hải Tây đã xử lý hơn 1.200 trường hợp vi phạm trật tự đô thị.",
    "Cầu Rồng phun lửa và nước vào tối thứ Bảy, Chủ nhật hằng tuần.",
    "Bí thư Quận ủy Sơn Trà Phạm Trường Sơn cho rằng cần đẩy nhanh tiến độ.",
]


def test_unaccented_query_matches_accented_text():
    lexical = LexicalIndex.build(DOCUMENTS)
    hits = lexical.search("bi thu dang uy phuong phuoc my la ai", k=4)
    assert hits[0][0] == 0
    assert lexical.search("cau rong phun lua", k=4)[0][0] == 2
    assert lexical.search("DANG UY PHUONG PHUOC MY", k=4)[0][0] == 0


def test_accented_unaccented_and_nfd_queries_score_identically():
    lexical = LexicalIndex.build(DOCUMENTS)
    accented = lexical.scores("Bí thư Đảng ủy phường Phước Mỹ là ai?")
    np.testing.assert_array_equal(accented, lexical.scores("bi thu dang uy phuong phuoc my la ai"))
    np.testing.assert_array_equal(accented, lexical.scores(unicodedata.normalize("NFD", "Bí thư Đảng ủy phường Phước Mỹ là ai?")))


def test_nfd_documents_index_like_nfc_ones():
    nfc = LexicalIndex.build(DOCUMENTS)
    nfd = LexicalIndex.build([unicodedata.normalize("NFD", d) for d in DOCUMENTS])
    assert nfd.vocab == nfc.vocab
    np.testing.assert_allclose(nfd.scores("phường Phước Mỹ"), nfc.scores("phường Phước Mỹ"))


def test_bigrams_rank_the_exact_phrase_higher():
    lexical = LexicalIndex.build([
        "Phường Mỹ An và phường Phước Ninh cùng họp.",  # both syllables, not as a phrase
        "Phường Phước Mỹ tổ chức họp.",
        "Tin thể thao trong ngày.",
    ])
    assert "phuoc_my" in lexical.vocab
    assert lexical.search("Phước Mỹ", k=3)[0][0] == 1


def test_search_returns_only_matching_rows_best_first():
    lexical = LexicalIndex.build(DOCUMENTS)
    hits = lexical.search("Sơn Trà", k=10)
    assert [row for row, _ in hits] == [3]
    assert lexical.search("bóng chuyền", k=10) == []
    # "thứ" folds to "thu" too, but only the two "bí thư" paragraphs hold the bigram.
    hits = lexical.search("bí thư", k=10)
    assert {row for row, _ in hits[:2]} == {0, 3}
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)


def test_save_load_round_trip_gives_identical_scores(tmp_path):
    lexical = LexicalIndex.build(DOCUMENTS)
    lexical.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.vocab == lexical.vocab
    for query in ["Bí thư Đảng ủy phường Phước Mỹ là ai?", "bi thu quan uy son tra", "1.200 trường hợp", "không có"]:
        np.testing.assert_array_equal(loaded.scores(query), lexical.scores(query))
        assert loaded.search(query, 3) == lexical.search(query, 3)
    assert loaded.idf("phuoc") == lexical.idf("phuoc")


def test_files_are_plain_json_and_numpy_without_pickle(tmp_path):
    LexicalIndex.build(DOCUMENTS).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(LexicalIndex.files())
    vocab = json.loads((tmp_path / "lexical_vocab.json").read_text("utf-8"))
    assert "phuoc_my" in vocab
    for name in LexicalIndex.files()[1:]:
        assert np.load(tmp_path / name, allow_pickle=False).dtype != object


def test_loaded_weights_are_memory_mapped(tmp_path):
    LexicalIndex.build(DOCUMENTS).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    # A view of the file's pages, not a private copy: several processes share it.
    assert not loaded.weights.data.flags.owndata
    assert not loaded.weights.indices.flags.owndata


def test_empty_query_and_unseen_terms():
    lexical = LexicalIndex.build(DOCUMENTS)
    assert lexical.search("", k=3) == []
    assert lexical.search("😀 ?!", k=3) == []
    assert lexical.idf("khongcotrongtu") == float(lexical.idf_values.max())


# --- the same BM25 as sparse vectors (the Qdrant backend) ------------------------------------------


def test_term_ids_are_stable_hashes():
    """blake2b, not Python's salted `hash`: every process, every replica, the same id."""
    from index.lexical import term_id

    assert (term_id("ha"), term_id("ha noi")) == (2854520788, 2424562237)


def test_sparse_vectors_score_as_the_bm25_matrix():
    """Lexicon.document (tf part) × LexicalIndex's IDF, summed over a query's known terms, is LexicalIndex.scores."""
    from index.lexical import Lexicon, term_id
    from index.text import index_terms

    lexical = LexicalIndex.build(DOCUMENTS)
    lexicon = Lexicon.build([index_terms(d) for d in DOCUMENTS])
    for query in ("Phước Mỹ", "cau rong phun lua", "bí thư đảng ủy"):
        wanted = set(lexicon.query(query))
        idf = {term_id(t): lexicon.idf(t) for t in lexicon.vocab}
        scores = []
        for document in DOCUMENTS:
            ids, values = lexicon.document(index_terms(document))
            scores.append(sum(v * idf[i] for i, v in zip(ids, values) if i in wanted))
        assert np.allclose(scores, lexical.scores(query), rtol=1e-5, atol=1e-6)
        assert all(lexicon.idf(t) == pytest.approx(lexical.idf(t)) for t in index_terms(query))
