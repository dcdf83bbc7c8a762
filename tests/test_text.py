"""Vietnamese text handling: folding, NFC/NFD, tokens, sentence splitting."""

from __future__ import annotations

import unicodedata

import pytest

from index.text import (
    fold,
    has_diacritics,
    has_letters_or_digits,
    index_terms,
    joined_words,
    lower_words,
    nfc,
    sentence_spans,
    spelling_key,
    split_sentences,
    tokens,
    word_runs,
    words,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_fold_strips_accents_and_d_stroke():
    assert fold("Bí thư Đảng ủy phường Phước Mỹ") == "bi thu dang uy phuong phuoc my"
    assert fold("ĐÀ NẴNG đổi mới") == "da nang doi moi"
    assert fold("Nguyễn Huy Bình") == "nguyen huy binh"


def test_fold_of_nfd_input_equals_fold_of_nfc():
    assert fold(nfd("Đảng ủy phường Phước Mỹ")) == "dang uy phuong phuoc my"


def test_nfc_and_nfd_inputs_give_identical_tokens():
    text = "Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin"
    assert nfd(text) != text  # the test is only meaningful if the forms differ
    assert tokens(nfd(text)) == tokens(text)
    assert words(nfd(text)) == words(text) == text.split()
    assert nfc(nfd(text)) == text


def test_tokens_are_folded_syllables():
    assert tokens("Bí thư Đảng ủy phường Phước Mỹ là ai?") == [
        "bi", "thu", "dang", "uy", "phuong", "phuoc", "my", "la", "ai",
    ]
    assert tokens("bi thu dang uy phuong phuoc my la ai") == tokens("Bí thư Đảng ủy phường Phước Mỹ là ai?")


def test_one_word_split_in_each_form_the_callers_compare_in():
    text = "Ông NGUYỄN Văn Đức, TP.HCM: 2.500 người (10/3)"
    assert words(nfd(text)) == ["Ông", "NGUYỄN", "Văn", "Đức", "TP", "HCM", "2", "500", "người", "10", "3"]
    assert lower_words(text) == ["ông", "nguyễn", "văn", "đức", "tp", "hcm", "2", "500", "người", "10", "3"]
    assert tokens(nfd(text)) == ["ong", "nguyen", "van", "duc", "tp", "hcm", "2", "500", "nguoi", "10", "3"]
    assert words(nfd("Phước Mỹ")) == ["Phước", "Mỹ"]  # never split at an NFD word's combining marks
    # The span finders' words keep the joiners inside numbers, dates and abbreviations, with positions.
    assert [(m.group(), m.start()) for m in joined_words(text)][-4:] == [("TP.HCM", 20), ("2.500", 28), ("người", 34), ("10/3", 41)]


def test_index_terms_adds_syllable_bigrams():
    assert index_terms("Phước Mỹ") == ["phuoc", "my", "phuoc_my"]
    assert index_terms("phường Phước Mỹ") == ["phuong", "phuoc", "my", "phuong_phuoc", "phuoc_my"]
    assert index_terms("Sơn") == ["son"]
    assert index_terms("") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("😀👍🎉", False),
        ("…;—", False),
        ("  .  ", False),
        ("→ ★ ♥", False),
        ("", False),
        ("🙂 ừ", True),
        ("2023", True),
        ("Đ", True),
    ],
)
def test_has_letters_or_digits(text, expected):
    assert has_letters_or_digits(text) is expected


@pytest.mark.parametrize(
    "paragraph, sentences",
    [
        (
            "Ông Nguyễn Văn A sống ở TP. Đà Nẵng. Nhà ông ở Q. Sơn Trà. Câu ba.",
            ["Ông Nguyễn Văn A sống ở TP. Đà Nẵng.", "Nhà ông ở Q. Sơn Trà.", "Câu ba."],
        ),
        (
            "PGS. TS. Lê Văn B phát biểu tại hội thảo. Ông đánh giá cao kết quả.",
            ["PGS. TS. Lê Văn B phát biểu tại hội thảo.", "Ông đánh giá cao kết quả."],
        ),
        (
            "Bức ảnh do H.H chụp tại cầu Rồng. Cầu Rồng phun lửa mỗi tuần.",
            ["Bức ảnh do H.H chụp tại cầu Rồng.", "Cầu Rồng phun lửa mỗi tuần."],
        ),
        (
            "Phường xử lý hơn 1.200 trường hợp vi phạm. Số tiền phạt khoảng 600 triệu đồng.",
            ["Phường xử lý hơn 1.200 trường hợp vi phạm.", "Số tiền phạt khoảng 600 triệu đồng."],
        ),
        (
            "Ông Nam cho biết: “Phường đã tập trung vận động.” Sau đó ông đi kiểm tra.",
            ["Ông Nam cho biết: “Phường đã tập trung vận động.”", "Sau đó ông đi kiểm tra."],
        ),
        (
            "Nhiều hoạt động văn hóa, kinh tế... thu hút đông người dân. Du khách cũng đến.",
            ["Nhiều hoạt động văn hóa, kinh tế... thu hút đông người dân.", "Du khách cũng đến."],
        ),
        (
            "Nhiều hoạt động văn hóa… thu hút du khách. Hết!  Vậy sao? Đúng vậy…",
            ["Nhiều hoạt động văn hóa… thu hút du khách.", "Hết!", "Vậy sao?", "Đúng vậy…"],
        ),
        # Vietnamese words that fold like abbreviations ("ba", "ông", "nó") do end sentences.
        (
            "Đội xếp thứ ba. Năm sau đội lên hạng. Tôi đã gặp ông. Ai cũng quý nó. Nó rất khôn.",
            ["Đội xếp thứ ba.", "Năm sau đội lên hạng.", "Tôi đã gặp ông.", "Ai cũng quý nó.", "Nó rất khôn."],
        ),
        ("Một câu không có dấu chấm cuối", ["Một câu không có dấu chấm cuối"]),
        ("   ", []),
    ],
)
def test_split_sentences(paragraph, sentences):
    assert split_sentences(paragraph) == sentences


def test_split_sentences_keeps_exact_characters():
    paragraph = "Ông  Bình nói: “Đúng vậy!”   Phường (Q. Sơn Trà) có 1.200 hộ… Hết."
    sentences = split_sentences(paragraph)
    assert sentences == ["Ông  Bình nói: “Đúng vậy!”", "Phường (Q. Sơn Trà) có 1.200 hộ…", "Hết."]
    for (start, end), sentence in zip(sentence_spans(paragraph), sentences):
        assert paragraph[start:end] == sentence



@pytest.mark.parametrize(
    "text, expected",
    [("bi thu dang uy", False), ("BI THU, 2023!", False), ("Đà Nẵng", True), ("da nang Đ", True),
     ("Thủ", True), (nfd("phường"), True), ("", False), ("café", True)],
)
def test_has_diacritics(text, expected):
    assert has_diacritics(text) is expected


def test_word_runs_break_at_punctuation_not_at_spaces():
    text = "Hà  Nội, Huế\tvà TP.HCM (Sài Gòn)"
    runs = [[text[s:e] for s, e in run] for run in word_runs(text)]
    assert runs == [["Hà", "Nội"], ["Huế", "và", "TP"], ["HCM"], ["Sài", "Gòn"]]
    assert word_runs("  ...  ") == []


def test_spelling_key_ignores_only_where_the_tone_mark_sits():
    assert spelling_key("hòa") == spelling_key("hoà")
    assert spelling_key("thụy") == spelling_key("thuỵ")
    assert spelling_key(nfd("hoá")) == spelling_key("hóa")
    assert len({spelling_key(w) for w in ("hòa", "hóa", "hoa", "họa")}) == 4
    assert spelling_key("tâm") != spelling_key("tăm")
