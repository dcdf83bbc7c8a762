"""The answer line: a phrase of the asked type when sure, the decisive sentence otherwise, never a wrong phrase.

Articles written for this test (an invented city, its flyover, its digital library),
in the style of a newsroom's site. The rules under test know nothing of them.
"""

from __future__ import annotations

import pytest

from bot.core.answer_line import PHRASE, SENTENCE
from bot.core.outcome import ANSWERED, NOT_FOUND
from bot.core.spans.expect import T_CLAUSE, T_NUMBER, T_ORG, T_PERSON, T_PLACE, T_ROLE, T_TIME, agrees, expected, whole
from bot.core.spans.kinds import question_kind
from index.text import fold
from tests.conftest import index_of

FLYOVER = """Khởi công cầu vượt Ngũ Hành Sơn, dự kiến hoàn thành trong quý IV năm 2025

Sáng 5-3, UBND TP Đà Nẵng tổ chức lễ khởi công cầu vượt Ngũ Hành Sơn, công trình giao thông trọng điểm của thành phố.

Cầu vượt Ngũ Hành Sơn dài 640 mét, rộng 17,5 mét, với tổng vốn đầu tư 720 tỷ đồng từ ngân sách thành phố.

Liên danh Công ty CP Xây dựng Trường Phát và Công ty TNHH Cầu đường Minh Khang trúng thầu gói thi công với giá hơn 610 tỷ đồng.

Theo Ban Quản lý dự án giao thông thành phố, cầu vượt Ngũ Hành Sơn dự kiến hoàn thành trong quý IV năm 2025.

Cầu vượt có bốn làn xe, công trình dự kiến thông xe kỹ thuật vào tháng 10 năm 2025.

Phó Chủ tịch UBND thành phố Lê Văn Hòa yêu cầu nhà thầu bảo đảm an toàn giao thông trong suốt thời gian thi công.

PHƯƠNG THẢO
"""

LIBRARY = """Thư viện số đầu tiên của thành phố mở cửa đón bạn đọc

Thư viện số Hòa Vang chính thức mở cửa phục vụ bạn đọc từ ngày 20-11.

Thư viện mở cửa từ 7 giờ 30 đến 21 giờ hằng ngày, kể cả thứ Bảy và Chủ nhật.

Giám đốc Thư viện Trần Thị Ngọc Hân cho biết thư viện có hơn 12.000 đầu sách điện tử và 80 máy tính.

Thư viện được đặt tại tầng 2 Trung tâm Văn hóa huyện Hòa Vang.

Vì nhu cầu đọc sách của học sinh tăng mạnh, thư viện dành riêng một phòng cho thiếu nhi.

KHÁNH AN
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, embedder):
    return index_of({"cau-vuot.txt": FLYOVER, "thu-vien.txt": LIBRARY}, tmp_path_factory.mktemp("site"), embedder)


# The four answers a reviewer saw stated wrong ("5-3", "với tổng vốn đầu tư 720 tỷ đồng",
# "hơn 610 tỷ đồng", "7"): each answer line must now hold the article's answer.
@pytest.mark.parametrize(
    ("question", "gold"),
    [
        ("Khi nào cầu vượt Ngũ Hành Sơn hoàn thành?", "quý IV năm 2025"),
        ("Cầu vượt Ngũ Hành Sơn dài bao nhiêu mét?", "640 mét"),
        ("Nhà thầu nào trúng thầu cầu vượt?", "Công ty CP Xây dựng Trường Phát"),
        ("Thư viện số mở cửa mấy giờ?", "từ 7 giờ 30 đến 21 giờ"),
    ],
)
def test_newsroom_answers_hold_the_article_answer(site, question, gold):
    answer = site.answer(question)
    assert answer.status == ANSWERED
    assert fold(gold) in fold(answer.answer)
    assert answer.answer_form in (PHRASE, SENTENCE)
    if answer.answer_form == SENTENCE:
        assert answer.answer == answer.sentence
    assert answer.citations[0].paragraph.text.find(answer.sentence) >= 0


UNDERPASS = """Khởi công hầm chui Hòa Cầm, dự kiến hoàn thành trong tháng 6 năm 2026

Sáng 8-1, UBND TP Đà Nẵng khởi công hầm chui Hòa Cầm trên quốc lộ 1A.

Theo chủ đầu tư, công trình dự kiến hoàn thành trong tháng 6 năm 2026.
"""


@pytest.mark.xfail(strict=True, reason="known miss: the sentence naming the subject (its start, 'Sáng 8-1') "
                   "outranks the one naming it by a pronoun ('công trình … hoàn thành trong tháng 6 năm 2026'); "
                   "the phrase model keeps the start date from being stated as the answer, but the sentence is wrong")
def test_a_date_written_about_the_subject_by_a_pronoun(tmp_path, embedder):
    answer = index_of({"ham-chui.txt": UNDERPASS}, tmp_path, embedder).answer("Khi nào hầm chui Hòa Cầm hoàn thành?")
    assert answer.answer_form != PHRASE or answer.answer == "tháng 6 năm 2026"
    assert answer.status == ANSWERED and "tháng 6 năm 2026" in answer.answer


def test_json_carries_both_confidences(site):
    answer = site.answer("Cầu vượt Ngũ Hành Sơn dài bao nhiêu mét?")
    data = answer.to_json("reply")
    assert data["answer_form"] in (PHRASE, SENTENCE)
    assert 0.0 <= data["span_confidence"] <= 1.0
    assert 0.0 <= data["confidence"] <= 1.0
    not_found = site.answer("Giá vé tàu hỏa Bắc Nam dịp Tết là bao nhiêu?")
    assert not_found.status == NOT_FOUND and not_found.to_json("")["answer_form"] is None


@pytest.mark.parametrize(
    ("question", "type_"),
    [
        ("Khi nào cầu vượt hoàn thành?", T_TIME),
        ("Thư viện mở cửa mấy giờ?", T_TIME),
        ("Cầu dài bao nhiêu mét?", T_NUMBER),
        ("Nhà thầu nào trúng thầu?", T_ORG),
        ("Công ty nào thi công cầu?", T_ORG),
        ("Ai yêu cầu nhà thầu bảo đảm an toàn?", T_PERSON),
        ("Giám đốc thư viện tên là gì?", T_PERSON),
        ("Bà Trần Thị Ngọc Hân là ai?", T_ROLE),
        ("Thư viện được đặt ở đâu?", T_PLACE),
        ("Vì sao thư viện có phòng cho thiếu nhi?", T_CLAUSE),
        ("Thư viện phục vụ bạn đọc như thế nào?", T_CLAUSE),
    ],
)
def test_expected_type(question, type_):
    assert expected(question, question_kind(question)).type == type_


@pytest.mark.parametrize(
    ("question", "phrase", "ok"),
    [
        ("Cầu dài bao nhiêu mét?", "640 mét", True),
        ("Cầu dài bao nhiêu mét?", "720 tỷ đồng", False),  # money for a length
        ("Cầu dài bao nhiêu mét?", "18-11", False),  # a date for an amount
        ("Vốn đầu tư bao nhiêu tiền?", "720 tỷ đồng", True),
        ("Khi nào cầu hoàn thành?", "quý IV năm 2025", True),
        ("Thư viện mở cửa mấy giờ?", "7", False),  # a bare number is not a time
        ("Thư viện mở cửa mấy giờ?", "từ 7 giờ 30 đến 21 giờ", True),
        ("Nhà thầu nào trúng thầu?", "hơn 610 tỷ đồng", False),  # money for an organisation
        ("Nhà thầu nào trúng thầu?", "Công ty CP Xây dựng Trường Phát", True),
        ("Tổ chức nào tổ chức lễ?", "Đà Nẵng", False),  # a place for an organisation
        ("Ai yêu cầu nhà thầu bảo đảm an toàn?", "Lê Văn Hòa", True),
        ("Ai yêu cầu nhà thầu bảo đảm an toàn?", "Phường Phước Mỹ", False),
        ("Bà Trần Thị Ngọc Hân là ai?", "Giám đốc Thư viện", True),
        ("Bà Trần Thị Ngọc Hân là ai?", "Trần Thị Ngọc Hân", False),
    ],
)
def test_type_agreement(question, phrase, ok):
    assert agrees(phrase, expected(question, question_kind(question))) is ok


@pytest.mark.parametrize(
    ("sentence", "phrase", "ok"),
    [
        ("Thư viện mở cửa từ 7 giờ 30 đến 21 giờ hằng ngày.", "7", False),
        ("Thư viện mở cửa từ 7 giờ 30 đến 21 giờ hằng ngày.", "30 đến 21 giờ", False),
        ("Thư viện mở cửa từ 7 giờ 30 đến 21 giờ hằng ngày.", "từ 7 giờ 30 đến 21 giờ", True),
        ("Cầu có tổng vốn đầu tư 720 tỷ đồng.", "720", False),
        ("Cầu dài 640 mét, với tổng vốn đầu tư 720 tỷ đồng.", "với tổng vốn đầu tư 720 tỷ đồng", False),
        ("Bí thư Đảng ủy phường Hòa Minh Lê Thị Thu phát biểu.", "Lê Thị Thu", True),
        ("Bí thư Đảng ủy phường Hòa Minh Lê Thị Thu phát biểu.", "Lê Thị", False),  # a name cut short
        ("Các chuyên gia cho biết họ đó thấy rằng cần đầu tư.", "đó thấy rằng", False),  # a clause tail
        ("Hội nghị diễn ra ở Huế.", "ở", False),  # one syllable, neither number nor name
        ("Hội nghị diễn ra ở Huế.", "Huế", True),
    ],
)
def test_whole_constituents(sentence, phrase, ok):
    start = sentence.index(phrase)
    assert whole(sentence, start, start + len(phrase)) is ok


def test_stated_phrases_are_typed_and_whole(site):
    """Whatever the model decides, a phrase stated as the answer is of the asked type and whole."""
    for question in ("Khi nào cầu vượt Ngũ Hành Sơn hoàn thành?", "Cầu vượt Ngũ Hành Sơn dài bao nhiêu mét?",
                     "Nhà thầu nào trúng thầu cầu vượt?", "Thư viện số mở cửa mấy giờ?",
                     "Ai yêu cầu nhà thầu bảo đảm an toàn giao thông?", "Thư viện có bao nhiêu máy tính?",
                     "Thư viện số Hòa Vang mở cửa từ ngày nào?"):
        answer = site.answer(question)
        if answer.answer_form == PHRASE:
            start = answer.sentence.index(answer.answer)
            assert agrees(answer.answer, expected(answer.searched, answer.kind))
            assert whole(answer.sentence, start, start + len(answer.answer))


def test_a_sentence_line_marks_the_typed_phrase_in_each_rendering(site):
    from dataclasses import replace

    from bot.channels.render import plain_text, telegram_html, terminal

    answer = site.answer("Thư viện số mở cửa mấy giờ?")
    sentence = answer.sentence
    start = sentence.index("từ 7 giờ 30 đến 21 giờ")
    shown = replace(answer, answer=sentence, answer_form=SENTENCE, highlight=(start, start + len("từ 7 giờ 30 đến 21 giờ")))
    assert "<b>Trả lời:</b> Thư viện mở cửa <b>từ 7 giờ 30 đến 21 giờ</b> hằng ngày" in telegram_html(shown)
    assert "Trả lời: Thư viện mở cửa \033[1mtừ 7 giờ 30 đến 21 giờ\033[0m hằng ngày" in terminal(shown, color=True)
    assert f"Trả lời: {sentence}" in terminal(shown, color=False)
    assert plain_text(shown).startswith(f"Trả lời: {sentence}\n\n")
    hostile = replace(shown, answer="<script>x</script> " + sentence, highlight=(0, 8))
    assert "<b>&lt;script&gt;</b>x&lt;/script&gt;" in telegram_html(hostile)
