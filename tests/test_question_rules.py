"""Question rules matched as the reader wrote them, role paraphrases, keyword messages, article facts.

The rule tests are pure; the answer tests run on the seed article (as data) and on
articles written here.
"""

from __future__ import annotations

import pytest

from bot.core.facts import AUTHOR, DATE, asked_fact, described_article
from bot.core.followup import is_followup, resolve_followup
from bot.core.outcome import ANSWERED, NOT_FOUND
from bot.core.roles import asked_title, rewrites, sole_holder
from index.text import Rule
from tests.conftest import index_of, states


# ------------------------------------------------------------ accented rules: minimal pairs


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        (r"\bbài\b", "Bài này đăng khi nào?", True),
        (r"\bbài\b", "Bãi biển Mỹ Khê đẹp không?", False),  # bãi (beach) is not bài (article)
        (r"\bbài\b", "bai nay dang khi nao", True),  # typed without marks: only folded is possible
        (r"\bđăng\b", "Bài này đăng ngày nào?", True),
        (r"\bđăng\b", "Cầu đang được nâng cấp", False),  # đang (is …ing) is not đăng (published)
        (r"^còn\b", "Còn phường B thì sao?", True),
        (r"^còn\b", "Con đường nào nối hai quận?", False),  # con (classifier) is not còn (and what about)
        (r"^còn\b", "con phuong b thi sao", True),
        (r"\bmấy giờ\b", "Mấy giờ thư viện mở cửa?", True),
        (r"\bmấy giờ\b", "Máy giờ đã sửa xong chưa?", False),  # máy (machine) is not mấy (how many)
        (r"\d+ giờ\D", "mở lúc 7 giờ sáng", True),  # escapes survive the lower-casing and folding
    ],
)
def test_rules_match_with_the_marks_the_reader_typed(pattern, text, matches):
    assert bool(Rule(pattern).search(text)) is matches


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Bãi biển Mỹ Khê đang được nâng cấp đến khi nào?", None),  # read as "bài … đăng … khi nào" when folded
        ("Bài này đăng ngày nào?", DATE),
        ("bai nay dang ngay nao", DATE),
        ("Ai viết bài này?", AUTHOR),
        ("Ai viết Truyện Kiều?", None),
    ],
)
def test_article_fact_questions_are_told_apart_by_their_marks(question, fact):
    assert asked_fact(question) == fact


def test_con_is_not_a_followup_but_con_is():
    assert not is_followup("Con đường nào nối hai quận?")
    assert resolve_followup("Con đường nào nối hai quận?", ["Cầu Rồng dài bao nhiêu mét?"]) == "Con đường nào nối hai quận?"
    assert is_followup("Còn phường Mân Thái thì sao?")


def test_described_article():
    assert described_article("Ai viết bài về lễ hội ẩm thực đường phố?") == "lễ hội ẩm thực đường phố"
    assert described_article("Ai viết bài này?") is None


# ------------------------------------------------------------ roles in the readers' words


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Người đứng đầu Đảng ủy phường Hòa Minh là ai?", ["Bí thư Đảng ủy phường Hòa Minh là ai?"]),
        ("Ai phụ trách Sở Xây dựng?", ["Giám đốc Sở Xây dựng là ai?", "Cục trưởng Sở Xây dựng là ai?"]),
        ("Lãnh đạo huyện Hòa Vang là ai?", ["Bí thư huyện Hòa Vang là ai?", "Chủ tịch huyện Hòa Vang là ai?"]),
        ("nguoi dung dau truong tieu hoc hoa phu", ["Hieu truong truong tieu hoc hoa phu la ai?",
                                                     "Giam doc truong tieu hoc hoa phu la ai?"]),
        ("chủ tịch phường Thạc Gián", ["Chủ tịch phường Thạc Gián là ai?"]),  # a keyword message
        ("Chủ tịch phường Thạc Gián là ai?", []),  # already in the article's words
        ("Giá vé xe buýt là bao nhiêu?", []),
    ],
)
def test_role_rewrites(question, expected):
    assert rewrites(question) == expected


def test_sole_holder_is_one_person_or_none():
    one = "Bí thư Đảng ủy phường Hòa Minh Lê Thị Thu cho biết, phường đã hoàn thành kế hoạch."
    two = one + " Trước đó, Bí thư Đảng ủy phường Hòa Minh Trần Văn Nam đã nghỉ hưu."
    assert asked_title("bí thư phường Hòa Minh") == "bi thu"
    assert sole_holder("bi thu", one) == "Lê Thị Thu"
    assert sole_holder("bi thu", two) is None
    assert sole_holder("chu tich", one) is None


# ------------------------------------------------------------ answers on the seed article (data)


@pytest.mark.parametrize(
    ("question", "expected", "paragraph"),
    [
        ("Phạm Trường Sơn là ai?", "Bí thư Quận ủy Sơn Trà", 11),  # "X là ai?" asks X's role
        ("Người đứng đầu Đảng ủy phường Phước Mỹ là ai?", "Nguyễn Huy Bình", 9),
        ("bí thư phường an hải tây", "Phạm Đình Nam", 5),  # keywords only: a role and a place
        ("Bí thư Đảng ủy phường Phước Mỹ tên là gì?", "Nguyễn Huy Bình", 9),
    ],
)
def test_seed_roles_in_the_readers_words(answerer, question, expected, paragraph):
    result = answerer.answer(question)
    assert result.status == ANSWERED, result
    assert states(result, expected)
    assert result.citations[0].paragraph.number == paragraph


def test_a_role_nobody_in_the_article_holds_is_not_answered(answerer):
    assert answerer.answer("chủ tịch UBND phường Phước Mỹ").status != ANSWERED


def test_a_fact_about_an_article_that_is_not_there_is_not_found(answerer):
    result = answerer.answer("Ai viết bài về lễ hội ẩm thực đường phố?")
    assert result.status == NOT_FOUND and not result.citations
    assert "lễ hội ẩm thực đường phố" in result.note
    assert answerer.answer("Ai viết bài này?").status == ANSWERED  # the one article it has


FESTIVAL = """Lễ hội ẩm thực đường phố Hội An thu hút hàng nghìn du khách

Tối 12-10, lễ hội ẩm thực đường phố khai mạc tại quảng trường sông Hoài với hơn 80 gian hàng.

THU HÀ
"""

MARKET = """Chợ nông sản cuối tuần mở thêm 40 gian hàng

Sáng 13-10, chợ nông sản cuối tuần ở phường Cẩm Phô mở thêm 40 gian hàng cho nông dân.

NGỌC MAI
"""


def test_a_fact_about_a_described_article_comes_from_that_article(tmp_path, embedder):
    local = index_of({"le-hoi.txt": FESTIVAL, "cho.txt": MARKET}, tmp_path, embedder)
    assert local.answer("Ai viết bài về lễ hội ẩm thực đường phố?").answer == "THU HÀ"
    assert local.answer("Ai viết bài về chợ nông sản cuối tuần?").answer == "NGỌC MAI"
    assert local.answer("Ai viết bài về giá xăng dầu?").status == NOT_FOUND
