"""Short answers (`short_answer`): a span for every question kind, on sentences written here."""

from __future__ import annotations

import json

import pytest

from bot.core.extract import NUMBER, PERSON, extract, number_spans, question_kind, short_answer
from bot.core.spans import model
from bot.core.spans.clauses import clauses
from bot.core.spans.features import FEATURES

CASES = [
    # person, keyword-only titles included
    ("Giám đốc Sở Y tế Trần Thị Mai Lan cho biết, khu điều trị có 250 giường bệnh.",
     "Giám đốc Sở Y tế là ai?", "Trần Thị Mai Lan"),
    ("Chủ tịch UBND huyện Hòa Vang Lê Văn Khoa đã kiểm tra công trình đê biển.",
     "chu tich ubnd hoa vang", "Lê Văn Khoa"),
    ("Sáng nay, Giám đốc Sở Y tế Trần Thị Mai Lan kiểm tra bệnh viện huyện.",
     "giám đốc sở y tế", "Trần Thị Mai Lan"),
    ("Khởi nghĩa Cần Lao do Đinh Văn Tường lãnh đạo, kéo dài ba năm.",
     "Khởi nghĩa Cần Lao do ai lãnh đạo?", "Đinh Văn Tường"),
    # role
    ("Phát biểu tại buổi lễ, Giám đốc Bệnh viện Lê Quang Vinh nói: “Chúng tôi sẵn sàng”.",
     "Ông Lê Quang Vinh giữ chức vụ gì?", "Giám đốc Bệnh viện"),
    # numbers: never a piece of a date, amounts with their unit
    ("Giá vàng miếng Kim Phúc sáng 2-5 ở mức 85,5 triệu đồng/lượng, tăng 300.000 đồng so với hôm qua.",
     "Giá vàng miếng Kim Phúc sáng nay là bao nhiêu?", "85,5 triệu đồng/lượng"),
    ("Dự án có tổng vốn 1.200 tỷ đồng, khởi công ngày 10-3.", "Dự án có tổng vốn bao nhiêu tiền?", "1.200 tỷ đồng"),
    ("Lãi suất cho vay mua nhà ở xã hội năm nay là 12%, thấp hơn năm trước.",
     "Lãi suất cho vay mua nhà ở xã hội là bao nhiêu?", "12%"),
    ("Khu điều trị có tổng vốn đầu tư khoảng 120 tỷ đồng, với 250 giường bệnh.",
     "Khu điều trị có bao nhiêu giường bệnh?", "250 giường bệnh"),
    # dates and places
    ("Cầu Sông Lam dài 1.450 m, được khởi công năm 2019 và hoàn thành vào ngày 2-9-2023.",
     "Cầu hoàn thành vào ngày nào?", "ngày 2-9-2023"),
    ("Bệnh viện tổ chức lễ khánh thành khu điều trị nội trú mới tại xã Tân Lập, huyện Yên Sơn.",
     "Khu điều trị được xây ở đâu?", "xã Tân Lập"),
    # which
    ("Ban Tuyên giáo Huyện ủy chủ trì việc tổ chức hội thi trong toàn huyện.",
     "Ban nào chủ trì việc tổ chức hội thi?", "Ban Tuyên giáo Huyện ủy"),
    # what: a quoted phrase, the phrase after "về", a term of office, a cause
    ("Chiến dịch năm nay mang khẩu hiệu “Sạch nhà, đẹp phố” và kéo dài hai tháng.",
     "Khẩu hiệu của chiến dịch là gì?", "Sạch nhà, đẹp phố"),
    ("Hội nghị đã thông qua nghị quyết về phát triển kinh tế số, với nhiều chỉ tiêu cụ thể.",
     "Nghị quyết này bàn về vấn đề gì?", "phát triển kinh tế số"),
    ("Đại hội Đảng bộ huyện Tân Lập lần thứ X, nhiệm kỳ 2020 - 2025 diễn ra trong ba ngày.",
     "Đại hội Đảng bộ huyện Tân Lập lần thứ X thuộc nhiệm kỳ nào?", "nhiệm kỳ 2020 - 2025"),
    ("Hội nghị gồm các nội dung tổng kết công tác năm, bầu bổ sung ủy viên và triển khai kế hoạch mới.",
     "Hội nghị gồm những nội dung gì?", "tổng kết công tác năm, bầu bổ sung ủy viên và triển khai kế hoạch mới"),
    # unaccented and English questions find the same spans
    ("Giá vàng miếng Kim Phúc sáng 2-5 ở mức 85,5 triệu đồng/lượng, tăng 300.000 đồng so với hôm qua.",
     "gia vang mieng kim phuc la bao nhieu", "85,5 triệu đồng/lượng"),
    ("Hội nghị đã thông qua nghị quyết về phát triển kinh tế số, với nhiều chỉ tiêu cụ thể.",
     "nghi quyet nay ban ve van de gi", "phát triển kinh tế số"),
    ("Chủ tịch UBND huyện Hòa Vang Lê Văn Khoa đã kiểm tra công trình đê biển.",
     "Who is the chairman of Hoa Vang district?", "Lê Văn Khoa"),
    ("Vì mưa lớn kéo dài, nhiều tuyến đường ở trung tâm huyện bị ngập sâu, giao thông bị chia cắt nhiều giờ.",
     "Vì sao nhiều tuyến đường bị ngập sâu?", "mưa lớn kéo dài"),
]


@pytest.mark.parametrize(("sentence", "question", "expected"), CASES, ids=[c[1] for c in CASES])
def test_short_answer_is_the_span_asked_for(sentence, question, expected):
    span = short_answer(sentence, question, question_kind(question))
    assert span.text == expected
    assert sentence[span.start : span.end] == span.text


@pytest.mark.parametrize("question", ["chu tich ubnd hoa vang", "giám đốc sở y tế", "Bí thư phường Tân An", "vợ của ông Lê Văn Khoa"])
def test_keyword_only_titles_and_relations_are_person_questions(question):
    assert question_kind(question) == PERSON


@pytest.mark.parametrize("question", ["vo thuat co truyen", "Trường Đại học Bách khoa", "vua moi khai truong"])
def test_ambiguous_unaccented_words_are_not_titles(question):
    assert question_kind(question) != PERSON


def test_a_date_is_never_cut_into_numbers():
    sentence = "Sáng 2-5, giá vàng tăng lên 85,5 triệu đồng/lượng; ngày 30/4 giá là 84 triệu đồng/lượng."
    texts = [s.text for s in number_spans(sentence, "Giá vàng là bao nhiêu?")]
    assert texts == ["85,5 triệu đồng/lượng", "84 triệu đồng/lượng"]
    assert extract(sentence, "Giá vàng là bao nhiêu?", NUMBER).text.endswith("triệu đồng/lượng")


def test_without_a_typed_span_the_answer_is_the_decisive_clause():
    sentence = ("Theo kế hoạch của huyện, trong năm tới các xã vùng cao sẽ được ưu tiên đầu tư hệ thống nước sạch, "
                "còn các xã đồng bằng tiếp tục nâng cấp trường học.")
    question = "Các xã vùng cao sẽ được ưu tiên đầu tư gì?"
    span = short_answer(sentence, question, question_kind(question))
    assert sentence[span.start : span.end] == span.text
    assert len(span.text) < len(sentence)
    assert "nước sạch" in span.text


def test_clauses_keep_decimals_and_quotes_apart():
    sentence = "Giá bán 85,5 triệu đồng, tăng 2%; khẩu hiệu là “Sạch nhà”."
    assert [sentence[a:b] for a, b in clauses(sentence)] == ["Giá bán 85,5 triệu đồng", "tăng 2%", "khẩu hiệu là", "Sạch nhà"]


def test_every_span_is_a_verbatim_slice_even_for_odd_input():
    for sentence in ["", "…", "Không có gì", "“ ”", "A, B; C: D"]:
        span = short_answer(sentence, "Cái gì?", question_kind("Cái gì?"))
        assert sentence[span.start : span.end] == span.text


def test_the_stored_weights_match_the_features():
    data = json.loads(model.WEIGHTS.read_text("utf-8"))
    assert data["features"] == list(FEATURES)
    assert model.load().shape == (len(FEATURES),)


@pytest.mark.parametrize("content", ["{not json", json.dumps({"features": ["x"], "weights": [1.0]})])
def test_a_damaged_weights_file_names_itself_and_the_refit_command(tmp_path, content):
    path = tmp_path / "weights.json"
    path.write_text(content, "utf-8")
    with pytest.raises(model.SpanModelError) as err:
        model.load(path)
    assert str(path) in str(err.value)
    assert "benchmarks/fit_spans.py" in str(err.value)
