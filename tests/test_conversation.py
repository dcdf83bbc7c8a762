"""Conversations keep their subject: weak-anchor follow-ups are answered from the chat's article.

Two articles of one topic, written here, so the wrong article is a near miss.
"""

from __future__ import annotations

import json

import pytest

from bot.core.followup import Turn, current_article
from bot.core.question import analyse, leans_on_context
from tests.conftest import index_of, states
from tests.test_cli import run

NORTH = """Chợ đêm Sơn Hà khai trương

Tối 1-5, chợ đêm Sơn Hà khai trương với 120 gian hàng ẩm thực và thủ công.

Trưởng ban quản lý chợ Sơn Hà Lý Văn Đức cho biết chợ mở cửa từ 18 giờ đến 23 giờ mỗi ngày.

Ban quản lý chợ cấm bán hàng giả và yêu cầu tiểu thương niêm yết giá.
"""

SOUTH = """Chợ đêm Bình Khê đón khách trở lại

Tối 3-5, chợ đêm Bình Khê đón khách trở lại với 85 gian hàng sau đợt nâng cấp.

Trưởng ban quản lý chợ Bình Khê Tô Thị Ngọc cho biết chợ mở cửa từ 17 giờ đến 22 giờ mỗi ngày.

Ban quản lý chợ yêu cầu tiểu thương giữ vệ sinh và không lấn chiếm lối đi.
"""


@pytest.fixture(scope="module")
def markets(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("markets")
    return index_of({"son-ha.txt": NORTH, "binh-khe.txt": SOUTH}, folder, embedder), folder / "index"


@pytest.mark.parametrize(
    ("question", "weak"),
    [("Ai quản lý chợ này?", True), ("Ở đó mở cửa mấy giờ?", True), ("o do mo cua may gio", True),
     ("Khi nào khai trương?", True), ("Chợ đêm Bình Khê có bao nhiêu gian hàng?", False)],
)
def test_weak_anchors(question, weak):
    assert leans_on_context(analyse(question)) is weak


def test_the_current_article_is_the_last_one_cited():
    assert current_article([Turn("a", "x.txt"), Turn("b", None), "c"]) == "x.txt"
    assert current_article(["a", "b"]) is None


@pytest.mark.parametrize("first, article", [("Chợ đêm Sơn Hà có bao nhiêu gian hàng?", "son-ha.txt"),
                                            ("Chợ đêm Bình Khê có bao nhiêu gian hàng?", "binh-khe.txt")])
def test_a_followup_is_answered_from_the_conversations_article(markets, first, article):
    answerer, _ = markets
    opening = answerer.answer(first)
    assert opening.citations[0].paragraph.article_id == article
    history = [Turn(opening.searched, article)]
    for follow in ("Ai quản lý chợ này?", "Ở đó mở cửa mấy giờ?"):
        result = answerer.answer(follow, history)
        assert result.citations and result.citations[0].paragraph.article_id == article, (follow, result)


def test_a_question_naming_another_article_moves_the_conversation(markets):
    answerer, _ = markets
    history = [Turn("Chợ đêm Sơn Hà có bao nhiêu gian hàng?", "son-ha.txt")]
    result = answerer.answer("Trưởng ban quản lý chợ Bình Khê là ai?", history)
    assert states(result, "Tô Thị Ngọc")


def test_ask_conversation_answers_stdin_as_chats(markets, tmp_path):
    _, index_dir = markets
    turns = "Chợ đêm Bình Khê có bao nhiêu gian hàng?\nAi quản lý chợ này?\n\nAi quản lý chợ này?\n"
    result = run(["ask", "--json", "--conversation"], cwd=tmp_path, index_dir=index_dir, stdin=turns)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert answers[1]["citations"][0]["source"] == "binh-khe.txt"
    assert answers[1]["answer"] == "Tô Thị Ngọc"
    # After the empty line, a new chat: the same words have no subject to lean on.
    assert answers[2]["searched"] == "Ai quản lý chợ này?"
    assert {"status", "confidence", "found", "answer", "citations"} <= set(answers[2])


def test_plain_ask_keeps_no_history(markets, tmp_path):
    _, index_dir = markets
    turns = "Chợ đêm Bình Khê có bao nhiêu gian hàng?\nCòn chợ đêm Sơn Hà thì sao?\n"
    result = run(["ask", "--json"], cwd=tmp_path, index_dir=index_dir, stdin=turns)
    second = json.loads(result.stdout.splitlines()[1])
    assert second["searched"] == "Còn chợ đêm Sơn Hà thì sao?"
