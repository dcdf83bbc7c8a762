"""Diacritic restoration for unaccented questions, learnt from a small corpus written here."""

from __future__ import annotations

import numpy as np
import pytest

from index.accent_counts import count
from index.accents import FILES, AccentModel
from index.errors import HoibaoError, IndexCorrupt

CORPUS = [
    "Thủ đô của nước Pháp là Paris. Paris nằm bên bờ sông Seine.",
    "Sông Hồng chảy qua thủ đô Hà Nội rồi đổ ra biển.",
    "Hồ Gươm nằm ở trung tâm Hà Nội, gần phố cổ.",
    "Năm 2010, Hà Nội kỷ niệm một nghìn năm Thăng Long.",
    "Người dân đổ ra phố đi bộ vào mỗi tối cuối tuần.",
    "Đội bóng của trường giành cúp vào năm 1998.",
]


@pytest.fixture(scope="module")
def model() -> AccentModel:
    return AccentModel.build(CORPUS)


@pytest.mark.parametrize(
    "typed, restored",
    [
        ("thu do cua nuoc phap la gi", "thủ đô của nước pháp là gì"),
        ("song hong do ra bien", "sông hồng đổ ra biển"),  # 'do' is 'đổ' here, 'đô' after 'thủ'
        ("ho guom nam o dau", "hồ gươm nằm ở đâu"),  # 'ở đâu' from the question phrases
        ("doi bong cua truong gianh cup nam nao", "đội bóng của trường giành cúp năm nào"),
    ],
)
def test_restores_a_question_whose_words_are_in_the_corpus(model, typed, restored):
    assert model.restoration(typed).text == restored


def test_keeps_casing_punctuation_spacing_and_numbers(model):
    assert model.restoration("Thu do cua nuoc Phap la gi?").text == "Thủ đô của nước Pháp là gì?"
    assert model.restoration("HO GUOM nam o dau ?!").text == "HỒ GƯƠM nằm ở đâu ?!"
    assert model.restoration("  Ha   Noi,\tnam 2010 ky niem gi…").text == "  Hà   Nội,\tnăm 2010 kỷ niệm gì…"
    assert model.restoration("“Ha Noi” - Thang Long").text == "“Hà Nội” - Thăng Long"


def test_text_with_diacritics_is_left_as_typed(model):
    for text in ("Thủ đô cua nuoc Phap la gi?", "thu do cua nuoc Pháp", "Hà Nội"):
        assert model.restoration(text).text == text
        assert model.restoration(text).confidence == 1.0


def test_unknown_syllables_stay_as_typed(model):
    assert model.restoration("thu do cua Wakanda la gi").text == "thủ đô của Wakanda là gì"
    assert model.restoration("hello world").text == "hello world"
    assert model.restoration("").text == ""


def test_restoration_reports_known_share_and_confidence(model):
    known = model.restoration("thu do ha noi")
    assert known.known == 1.0 and 0.5 < known.confidence <= 1.0
    half = model.restoration("thu do xyzzy qwerty")
    assert half.known == 0.5
    assert model.restoration("xyzzy").known == 0.0


def test_dense_query_keeps_the_typed_text_when_the_restoration_is_unsure(model):
    assert model.dense_query("thu do ha noi") == "thủ đô hà nội"
    even = AccentModel.build(["má", "mà"], phrases=())  # nothing to choose between them
    assert even.restoration("ma").text in ("má", "mà") and even.restoration("ma").confidence == pytest.approx(0.5)
    assert even.dense_query("ma") == "ma"


def test_old_and_new_tone_placement_are_one_form():
    counts = count(["hòa bình", "hoà bình", "hoà bình"])
    assert counts.forms.count("hoà") == 1 and "hòa" not in counts.forms
    assert counts.unigram[counts.forms.index("hoà")] == 3


def test_pairs_seen_once_are_pruned_above_the_limit():
    texts = ["hà nội", "hà nội", "hà giang"]
    pairs = lambda c: {(c.forms[a], c.forms[b]) for a in range(len(c.forms))  # noqa: E731
                       for b in c.following[c.indptr[a]: c.indptr[a + 1]]}
    assert pairs(count(texts)) == {("hà", "nội"), ("hà", "giang")}
    assert pairs(count(texts, prune_above=1)) == {("hà", "nội")}


def test_save_load_round_trip(model, tmp_path):
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    loaded = AccentModel.load(tmp_path)
    assert loaded.forms == model.forms and loaded.counts.keys == model.counts.keys
    for name in ("key_start", "unigram", "indptr", "following", "count"):
        assert np.array_equal(getattr(loaded.counts, name), getattr(model.counts, name))
    for text in ("thu do cua nuoc phap la gi", "Song Hong do ra bien", "ho guom nam o dau?"):
        assert loaded.restoration(text) == model.restoration(text)


@pytest.mark.parametrize("name", FILES)
def test_damaged_file_is_an_error_naming_it(model, tmp_path, name):
    model.save(tmp_path)
    path = tmp_path / name
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(IndexCorrupt) as caught:
        AccentModel.load(tmp_path)
    assert isinstance(caught.value, HoibaoError)
    assert str(path) in str(caught.value)


def test_inconsistent_or_missing_file_is_an_error_naming_it(model, tmp_path):
    model.save(tmp_path)
    following = tmp_path / "accents_bigram_following.npy"
    np.save(following, np.full(len(model.counts.following), len(model.forms), dtype=np.int32))
    with pytest.raises(IndexCorrupt, match="accents_bigram_following.npy.*out of range"):
        AccentModel.load(tmp_path)
    (tmp_path / "accents_unigram.npy").unlink()
    with pytest.raises(IndexCorrupt, match="accents_unigram.npy"):
        AccentModel.load(tmp_path)
