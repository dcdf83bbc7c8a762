"""Answered, unsure, not found: the learned decision, its model file, and article facts.

Articles are written here; the model is the one shipped in bot/core/models/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from bot import messages
from bot.channels.render import plain_text, telegram_html, terminal
from bot.core import answerability
from bot.core.answer import Answerer
from bot.core.answerability import AnswerModelError
from bot.core.outcome import ANSWERED, NOT_FOUND, UNSURE
from bot.core.policy import AnswerPolicy
from tests.conftest import ROOT, index_of, states

MARKET = """---
url: https://bao-vi-du.vn/cho-dem-ben-song
date: 2025-06-14
---
Chợ đêm ven sông mở cửa trở lại sau hai năm sửa chữa

Tối 13-6, chợ đêm ven sông Thu Bồn chính thức mở cửa trở lại với 180 gian hàng, sau hai năm sửa chữa.

Trưởng ban quản lý chợ Đoàn Thị Hạnh cho biết mỗi tối chợ đón khoảng 3.000 lượt khách, phần lớn là khách du lịch.

Ban quản lý yêu cầu các tiểu thương niêm yết giá rõ ràng và không chèo kéo khách.

THANH TÂM
"""

SCHOOL = """Trường Tiểu học Hòa Phú khánh thành thư viện xanh

Ngày 5-9-2025, Trường Tiểu học Hòa Phú khánh thành thư viện xanh với hơn 4.000 đầu sách do phụ huynh quyên góp.

Hiệu trưởng Mai Văn Lực cho biết thư viện mở cửa cả vào thứ Bảy để học sinh đọc sách.

QUỲNH NHƯ
"""


@pytest.fixture(scope="module")
def local(tmp_path_factory, embedder) -> Answerer:
    return index_of({"cho-dem.txt": MARKET, "thu-vien.txt": SCHOOL}, tmp_path_factory.mktemp("outcomes"), embedder)


# ------------------------------------------------------------ the three outcomes


def test_an_answerable_question_is_answered_with_confidence(local):
    result = local.answer("Trưởng ban quản lý chợ đêm là ai?")
    assert result.status == ANSWERED and result.found
    assert states(result, "Đoàn Thị Hạnh")
    assert 0.5 <= result.confidence <= 1.0
    assert result.to_json("")["status"] == "answered"


@pytest.mark.parametrize("question", ["Giá vàng hôm nay?", "Thủ đô của Pháp là gì?", "Ai vô địch World Cup 2022?"])
def test_questions_off_every_topic_are_not_found_never_unsure(local, question):
    result = local.answer(question)
    assert result.status == NOT_FOUND and not result.found
    assert result.citations == () and result.answer is None
    assert result.confidence < local.policy.model.unsure_from


def test_unsure_shows_the_closest_passage_without_an_answer(local):
    # The model's cut points moved so that any retrieved passage is shown, unsure.
    policy = replace(local.policy, model=replace(local.policy.model, answer_from=1.0, unsure_from=0.0))
    result = Answerer(local.searcher, policy).answer("Chợ đêm đón bao nhiêu lượt khách mỗi tối?")
    assert result.status == UNSURE and not result.found and result.answer is None
    assert "3.000 lượt khách" in result.citations[0].paragraph.text
    payload = result.to_json(plain_text(result))
    assert payload["status"] == "unsure" and payload["found"] is False and payload["answer"] is None
    for rendered in (telegram_html(result), plain_text(result), terminal(result)):
        assert "chưa chắc chắn" in rendered
        assert "3.000 lượt khách" in rendered
        assert "Trả lời:" not in rendered


def test_not_found_renders_the_apology_and_the_titles(local):
    result = local.answer("Giá vàng hôm nay?")
    for rendered in (telegram_html(result), plain_text(result), terminal(result)):
        assert messages.NOT_FOUND in rendered
        assert "Chợ đêm ven sông mở cửa trở lại" in rendered


def test_quoted_paragraph_never_doubles_its_closing_mark(local):
    # A paragraph ending with its own closing quote is not wrapped in another one.
    from bot.channels.render import quoted

    assert quoted("Ông nói: “Chúng tôi sẽ làm”.") == "“Ông nói: “Chúng tôi sẽ làm”."
    assert quoted("Chợ mở cửa.") == "“Chợ mở cửa.”"


# ------------------------------------------------------------ the model file


def test_the_shipped_model_scores_without_scikit_learn():
    code = (
        "import sys; sys.modules['sklearn'] = None\n"  # importing scikit-learn now fails
        "import numpy as np\n"
        "from bot.core import answerability\n"
        "from bot.core.signals import FEATURES\n"
        "model = answerability.load()\n"
        "p = model.probability(np.zeros(len(FEATURES)))\n"
        "assert 0.0 <= p <= 1.0 and 'sklearn' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        "print('ok', round(model.answer_from, 3))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: "{not json",
        lambda data: json.dumps({**data, "feature_version": data["feature_version"] + 1}),
        lambda data: json.dumps({**data, "coef": data["coef"][:-1]}),
        lambda data: json.dumps({**data, "thresholds": {"answer": 0.2, "unsure": 0.9}}),
        lambda data: json.dumps({k: v for k, v in data.items() if k != "intercept"}),
    ],
    ids=["not-json", "other-feature-version", "short-coef", "crossed-thresholds", "missing-key"],
)
def test_a_damaged_model_file_names_the_file_and_the_refit_command(tmp_path, damage):
    data = json.loads(answerability.MODEL_FILE.read_text("utf-8"))
    path = tmp_path / "answerability.json"
    path.write_text(damage(data), "utf-8")
    with pytest.raises(AnswerModelError) as caught:
        answerability.load(path)
    assert str(path) in str(caught.value) and "make calibrate" in str(caught.value)


def test_a_refitted_model_is_chosen_by_setting(tmp_path, settings):
    data = json.loads(answerability.MODEL_FILE.read_text("utf-8"))
    data["thresholds"] = {"answer": 0.99, "unsure": 0.42}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data), "utf-8")
    policy = AnswerPolicy.from_settings(settings.model_copy(update={"answer_model": str(path)}))
    assert (policy.model.answer_from, policy.model.unsure_from) == (0.99, 0.42)


# ------------------------------------------------------------ article facts


@pytest.mark.parametrize(
    ("question", "history", "expected", "kind"),
    [
        ("Ai viết bài về chợ đêm ven sông?", [], "THANH TÂM", "article_author"),
        ("Bài về chợ đêm ven sông đăng ngày nào?", [], "2025-06-14", "article_date"),
        ("Cho mình xin link bài chợ đêm ven sông", [], "https://bao-vi-du.vn/cho-dem-ben-song", "article_url"),
        ("Tác giả bài này là ai?", ["Hiệu trưởng Trường Tiểu học Hòa Phú là ai?"], "QUỲNH NHƯ", "article_author"),
        ("Bài báo này có tiêu đề gì?", ["Thư viện xanh có bao nhiêu đầu sách?"],
         "Trường Tiểu học Hòa Phú khánh thành thư viện xanh", "article_title"),
    ],
)
def test_article_facts_come_from_the_named_or_current_article(local, question, history, expected, kind):
    result = local.answer(question, history)
    assert result.status == ANSWERED, result
    assert result.answer == expected and result.kind == kind
    assert result.citations[0].paragraph.article_id in ("cho-dem.txt", "thu-vien.txt")
    assert result.citations[0].paragraph.title in (
        "Chợ đêm ven sông mở cửa trở lại sau hai năm sửa chữa", "Trường Tiểu học Hòa Phú khánh thành thư viện xanh")


def test_a_fact_the_article_does_not_give_is_not_invented(local):
    result = local.answer("Link bài về thư viện xanh của Trường Tiểu học Hòa Phú?")
    assert result.status == NOT_FOUND and result.answer is None
    said = "Bài «Trường Tiểu học Hòa Phú khánh thành thư viện xanh» không ghi đường dẫn (link) bài gốc."
    assert plain_text(result) == said and telegram_html(result) == said and terminal(result) == said


def test_a_work_named_in_the_question_is_not_the_article(local):
    # "Ai viết <a named work>?" asks about the text, not about the article's byline.
    assert local.answer("Ai viết Truyện Kiều?").kind != "article_author"
