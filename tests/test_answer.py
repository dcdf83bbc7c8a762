"""The answer core: extraction kinds, sentence choice, not-found, follow-ups.

Extraction is pinned on articles written here, not on the seed; the seed's
development questions run at the end as data.
"""

from __future__ import annotations

import json

import pytest

from bot.core.followup import is_followup, resolve_followup
from bot.core.extract import (
    DATE, NAMED, NUMBER, OTHER, PERSON, PLACE, ROLE, WHICH,
    extract, person_in_question, question_kind,
)
from index.text import fold
from tests.conftest import DATA, index_of, states

HOSPITAL = """Bệnh viện Đa khoa Hòa Bình khánh thành khu điều trị mới

Sáng 15-3-2024, Bệnh viện Đa khoa Hòa Bình tổ chức lễ khánh thành khu điều trị nội trú mới tại xã Tân Lập, huyện Yên Sơn.

Giám đốc Sở Y tế Trần Thị Mai Lan cho biết, khu điều trị có tổng vốn đầu tư khoảng 120 tỷ đồng, với 250 giường bệnh.

Phát biểu tại buổi lễ, Giám đốc Bệnh viện Lê Quang Vinh nói: “Chúng tôi sẽ đưa khu điều trị vào hoạt động từ tháng 4 năm 2024”.

Bệnh viện cũng triển khai chương trình “Khám sức khỏe miễn phí cho người cao tuổi” trong năm nay.

MINH ANH
"""

BRIDGE = """Cầu Sông Lam nối hai bờ được thông xe

Cầu Sông Lam dài 1.450 m, được khởi công năm 2019 và hoàn thành vào ngày 2-9-2023.

Chủ tịch UBND tỉnh Võ Đức Hải đánh giá cây cầu giúp rút ngắn thời gian đi lại giữa hai huyện.
"""


@pytest.fixture(scope="module")
def local(tmp_path_factory, embedder):
    return index_of({"benh-vien.txt": HOSPITAL, "cau.txt": BRIDGE}, tmp_path_factory.mktemp("local"), embedder)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Giám đốc Sở Y tế là ai?", PERSON),
        ("giam doc so y te la ai", PERSON),
        ("Who is the director of the hospital?", PERSON),
        ("Ông Lê Quang Vinh giữ chức vụ gì?", ROLE),
        ("Bà Trần Thị Mai Lan là ai?", ROLE),
        ("Khu điều trị có bao nhiêu giường bệnh?", NUMBER),
        ("Cầu dài mấy mét?", NUMBER),
        ("Cầu hoàn thành vào ngày nào?", DATE),
        ("Cầu được khởi công năm nào?", DATE),
        ("Khu điều trị được xây ở đâu?", PLACE),
        ("Chương trình của bệnh viện có tên là gì?", NAMED),
        ("Bệnh viện nào khánh thành khu điều trị mới?", WHICH),
        ("Vì sao cây cầu quan trọng?", OTHER),
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_person_in_question_strips_honorific():
    assert person_in_question("Ông Lê Quang Vinh giữ chức vụ gì?") == "Lê Quang Vinh"
    assert person_in_question("Giám đốc Sở Y tế là ai?") is None


@pytest.mark.parametrize(
    ("sentence", "question", "kind", "expected"),
    [
        (
            "Giám đốc Sở Y tế Trần Thị Mai Lan cho biết, khu điều trị có tổng vốn đầu tư khoảng 120 tỷ đồng.",
            "Giám đốc Sở Y tế là ai?", PERSON, "Trần Thị Mai Lan",
        ),
        (
            "Phát biểu tại buổi lễ, Giám đốc Bệnh viện Lê Quang Vinh nói: “Chúng tôi sẵn sàng”.",
            "Ông Lê Quang Vinh giữ chức vụ gì?", ROLE, "Giám đốc Bệnh viện",
        ),
        (
            "Khu điều trị có tổng vốn đầu tư khoảng 120 tỷ đồng, với 250 giường bệnh.",
            "Tổng vốn đầu tư là bao nhiêu?", NUMBER, "khoảng 120 tỷ đồng",
        ),
        (
            "Khu điều trị có tổng vốn đầu tư khoảng 120 tỷ đồng, với 250 giường bệnh.",
            "Khu điều trị có bao nhiêu giường bệnh?", NUMBER, "250 giường bệnh",
        ),
        (
            "Cầu Sông Lam dài 1.450 m, được khởi công năm 2019 và hoàn thành vào ngày 2-9-2023.",
            "Cầu hoàn thành vào ngày nào?", DATE, "ngày 2-9-2023",
        ),
        (
            "Cầu Sông Lam dài 1.450 m, được khởi công năm 2019 và hoàn thành vào ngày 2-9-2023.",
            "Cầu được khởi công năm nào?", DATE, "năm 2019",
        ),
        (
            "Bệnh viện tổ chức lễ khánh thành khu điều trị nội trú mới tại xã Tân Lập, huyện Yên Sơn.",
            "Khu điều trị được xây ở đâu?", PLACE, "xã Tân Lập",
        ),
        (
            "Bệnh viện cũng triển khai chương trình “Khám sức khỏe miễn phí cho người cao tuổi” trong năm nay.",
            "Chương trình của bệnh viện có tên là gì?", NAMED, "Khám sức khỏe miễn phí cho người cao tuổi",
        ),
    ],
)
def test_extract_is_a_verbatim_span(sentence, question, kind, expected):
    span = extract(sentence, question, kind)
    assert span is not None
    assert span.text == expected
    assert sentence[span.start : span.end] == span.text


def test_name_after_a_place_is_split_from_it():
    sentence = "Chủ tịch UBND phường Hòa Khánh Nguyễn Văn Tùng phát biểu."
    assert extract(sentence, "Chủ tịch UBND phường Hòa Khánh là ai?", PERSON).text == "Nguyễn Văn Tùng"


@pytest.mark.parametrize(
    ("question", "answer", "paragraph"),
    [
        ("Giám đốc Sở Y tế là ai?", "Trần Thị Mai Lan", 2),
        ("giam doc so y te la ai", "Trần Thị Mai Lan", 2),
        ("Ông Lê Quang Vinh giữ chức vụ gì?", "Giám đốc Bệnh viện", 3),
        ("Khu điều trị có bao nhiêu giường bệnh?", "250 giường bệnh", 2),
        ("Cầu Sông Lam hoàn thành vào ngày nào?", "ngày 2-9-2023", 1),
    ],
)
def test_answers_cite_the_paragraph_holding_the_span(local, question, answer, paragraph):
    result = local.answer(question)
    assert result.found
    assert states(result, answer)
    cited = result.citations[0].paragraph
    assert cited.number == paragraph
    assert result.answer in cited.text
    assert result.sentence in cited.text


def test_article_metadata_reaches_the_citation(local):
    result = local.answer("Giám đốc Sở Y tế là ai?")
    assert result.citations[0].paragraph.author == "MINH ANH"
    assert result.citations[0].paragraph.title == "Bệnh viện Đa khoa Hòa Bình khánh thành khu điều trị mới"


@pytest.mark.parametrize(
    "question",
    ["Thủ đô của Pháp là gì?", "Giá vàng hôm nay?", "Ai vô địch World Cup 2022?", "Dân số Hà Nội là bao nhiêu?"],
)
def test_questions_the_articles_do_not_answer_are_not_found(local, question):
    result = local.answer(question)
    assert not result.found
    assert result.answer is None
    assert result.citations == ()
    assert "Bệnh viện Đa khoa Hòa Bình khánh thành khu điều trị mới" in result.titles


def test_followup_replaces_the_phrase_that_starts_with_the_same_word():
    history = ["Bí thư Đảng ủy phường Phước Mỹ là ai?"]
    assert resolve_followup("Còn phường An Hải Tây thì sao?", history) == "Bí thư Đảng ủy phường An Hải Tây là ai?"
    assert resolve_followup("con phuong An Hai Tay thi sao", history) == "Bí thư Đảng ủy phường An Hai Tay là ai?"


def test_a_complete_question_is_not_a_followup():
    history = ["Bí thư Đảng ủy phường Phước Mỹ là ai?"]
    question = "Cầu Sông Lam hoàn thành vào ngày nào?"
    assert not is_followup(question)
    assert resolve_followup(question, history) == question
    assert resolve_followup("Còn ông Lê thì sao?", []) == "Còn ông Lê thì sao?"


def test_followup_is_answered_in_context(local):
    first = local.answer("Giám đốc Sở Y tế là ai?")
    assert states(first, "Trần Thị Mai Lan")
    follow = local.answer("Còn Giám đốc Bệnh viện thì sao?", [first.searched])
    assert follow.searched == "Giám đốc Bệnh viện là ai?"
    # The learned model is less sure of this short question (0.49, cut at 0.50) than the old
    # hand-set rule was: it is shown as unsure, with the paragraph that names him.
    assert follow.status in ("answered", "unsure")
    assert "Giám đốc Bệnh viện Lê Quang Vinh" in follow.citations[0].paragraph.text
    assert follow.answer in ("Lê Quang Vinh", None)


# ------------------------------------------------------------ the seed article, as data

SEED_QA = [json.loads(line) for line in (DATA / "seed_dev_qa.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("item", SEED_QA, ids=[q["id"] for q in SEED_QA])
def test_seed_development_questions(answerer, item):
    result = answerer.answer(item["q"])
    if item["answer"] is None:
        assert not result.found
        return
    assert result.found
    assert any(fold(gold) in fold(result.answer) for gold in item["answer"])
    if item["evidence"]:
        assert item["evidence"] in result.citations[0].paragraph.text


@pytest.mark.parametrize(
    "question",
    [
        "Bí thư Đảng ủy phường Phước Mỹ là ai?",
        "bi thu dang uy phuong phuoc my la ai",
        "Who is the party secretary of Phuoc My ward?",
    ],
)
def test_seed_headline_question_in_three_forms(answerer, question):
    result = answerer.answer(question)
    assert result.found
    assert states(result, "Nguyễn Huy Bình")
    cited = result.citations[0].paragraph
    assert cited.text.startswith("Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin")
    assert cited.number == 9


def test_seed_followup(answerer):
    first = answerer.answer("Bí thư Đảng ủy phường Phước Mỹ là ai?")
    follow = answerer.answer("Còn phường An Hải Tây thì sao?", [first.searched])
    assert states(follow, "Phạm Đình Nam")


def test_seed_number_question_returns_the_number(answerer):
    result = answerer.answer("Năm 2022, phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?")
    assert result.found
    assert "1.200" in result.answer


def test_example_questions_come_from_the_index_and_are_answerable(answerer):
    examples = answerer.example_questions(3)
    assert 1 <= len(examples) <= 3
    paragraphs = [p.text for p in answerer.searcher.index.iter_paragraphs()]
    for question in examples:
        subject = question.removesuffix(" là ai?")
        assert subject != question and any(subject in text for text in paragraphs)  # the index's own words
        result = answerer.answer(question)
        # Answerable: the answer is the name written right after those words, in the paragraph it cites
        # (not merely some text of that paragraph, which a whole sentence would also be).
        assert result.found and result.answer_form == "phrase", question
        assert f"{subject} {result.answer}" in result.citations[0].paragraph.text, question


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Capitalised English words ("Party", "Secretary") are not names the article must contain.
        ("Who is the Party Secretary of Phuoc My ward?", "Nguyễn Huy Bình"),
        # "Who is X?" asks X's title, as "Ông X là ai?" does.
        ("Who is Nguyen Huy Binh?", "Bí thư Đảng ủy phường Phước Mỹ"),
    ],
)
def test_seed_english_questions_a_new_user_asks(answerer, question, expected):
    result = answerer.answer(question)
    assert result.status == "answered" and states(result, expected)
    assert result.citations[0].paragraph.number == 9
