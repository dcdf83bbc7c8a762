"""Readers' requests: the intents, dates in the newsroom's zone, summaries and the latest news."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.chat import Conversations
from bot.desk.dates import article_day, window
from bot.desk.intents import FOLLOW, LATEST, SUMMARY, UNFOLLOW, Intent, intent_of
from bot.desk.summary import candidates, summarize
from bot.service import AnswerService
from index.corpus import parse_article
from tests.test_cli import run

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# 00:30 UTC on 6 December is 07:30 in Hà Nội: "hôm qua" is the 5th there, and still the 5th in UTC…
MORNING = datetime(2026, 12, 6, 0, 30, tzinfo=ZoneInfo("UTC"))
# …but at 18:00 UTC on the 5th it is already the 6th in Hà Nội, and "hôm qua" is the 5th, not the 4th.
EVENING_UTC = datetime(2026, 12, 5, 18, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("text, intent", [
    ("Tóm tắt bài này", Intent(SUMMARY, "")),
    ("tóm tắt bài về giá xăng", Intent(SUMMARY, "giá xăng")),
    ("tom tat bai ve gia xang", Intent(SUMMARY, "gia xang")),
    ("/tomtat@hoibao_bot giá xăng", Intent(SUMMARY, "giá xăng")),
    ("Có tin gì mới?", Intent(LATEST, "")),
    ("tin mới nhất về giao thông", Intent(LATEST, "giao thông")),
    ("hôm qua có tin gì về y tế?", Intent(LATEST, "y tế")),
    ("/tinmoi y tế", Intent(LATEST, "y tế")),
    ("theo dõi giá xăng", Intent(FOLLOW, "giá xăng")),
    ("bỏ theo dõi giá xăng", Intent(UNFOLLOW, "giá xăng")),
    ("Cầu dài bao nhiêu mét?", None),
    ("Tín mới là ai?", None),  # accented: "tín" is not "tin"
    ("Theo dõi sức khỏe trẻ sơ sinh thế nào?", None),  # a question that starts with the words
    ("Tóm tắt nghị quyết gồm những gì?", None),
    ("Có tin gì về giá xăng không?", Intent(LATEST, "giá xăng")),
    ("/sources", None),
])
def test_intents(text, intent):
    assert intent_of(text) == intent


def test_relative_days_are_the_newsrooms():
    assert window("hôm qua ai khánh thành cầu?", MORNING.astimezone(HCM)).start == date(2026, 12, 5)
    yesterday = window("hôm qua", EVENING_UTC.astimezone(HCM))
    assert (yesterday.start, yesterday.end) == (date(2026, 12, 5), date(2026, 12, 5))
    week = window("tuần này có tin gì", EVENING_UTC.astimezone(HCM))  # Sunday 6 Dec: the week began Monday 30 Nov
    assert (week.start, week.end) == (date(2026, 11, 30), date(2026, 12, 6))
    november = window("tháng 11", EVENING_UTC.astimezone(HCM))
    assert (november.start, november.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert window("thang 11 nam 2025", MORNING).start == date(2025, 11, 1)  # unaccented
    assert window("Ai là chủ tịch tỉnh?", MORNING) is None
    assert article_day("2026-12-04T20:00:00+00:00", HCM) == date(2026, 12, 5)  # 03:00 on the 5th in Hà Nội
    assert article_day("2026-12-03", HCM) == date(2026, 12, 3)
    assert article_day("not a date", HCM) is None


ARTICLE = """Thành phố mở thêm 20 tuyến xe buýt điện

Thành phố Hải Vân sẽ mở thêm 20 tuyến xe buýt điện trong năm tới, nâng tổng số lên 45 tuyến.

Ảnh: Minh Tú

Mỗi tuyến có 12 xe, chạy từ 5 giờ đến 22 giờ, giá vé 7.000 đồng mỗi lượt.

Thành phố Hải Vân sẽ mở thêm 20 tuyến xe buýt điện trong năm tới, nâng tổng số lên 45 tuyến.

Sở Giao thông vận tải cho biết xe buýt điện giảm 40% chi phí nhiên liệu so với xe chạy dầu. Người dân có thể mua vé tháng qua ứng dụng.

Dự án có tổng vốn 1.200 tỷ đồng từ ngân sách thành phố và vốn xã hội hóa.

Sở sẽ lấy ý kiến người dân về lộ trình trước tháng 3.
"""


def test_a_summary_has_three_to_five_sentences_with_paragraphs_and_no_repeat_or_caption():
    paragraphs = parse_article(ARTICLE, "a", "a.txt").paragraphs
    picked = summarize(paragraphs)
    assert 3 <= len(picked) <= 5
    texts = [s.sentence for s in picked]
    assert len(set(texts)) == len(texts)
    assert not any("Ảnh" in t for t in texts)
    assert [s.paragraph for s in picked] == sorted(s.paragraph for s in picked)
    for s in picked:
        assert s.sentence in paragraphs[s.paragraph - 1].text
    pool = [c.sentence for c in candidates(paragraphs)]
    assert pool.count("Thành phố Hải Vân sẽ mở thêm 20 tuyến xe buýt điện trong năm tới, nâng tổng số lên 45 tuyến.") == 1
    assert picked[0].paragraph == 1  # the sapo is given its due


@pytest.fixture
def conversations(newsroom_settings):
    talk = Conversations(AnswerService(newsroom_settings), newsroom_settings)
    talk.desk.now = lambda: MORNING.astimezone(HCM)
    return talk


def test_summary_of_a_named_article_then_this_article(conversations):
    reply = conversations.request("c", "u", "tóm tắt bài về giá xăng")
    assert reply.kind == SUMMARY and reply.article == "gia-xang-giam.txt"
    assert reply.text.startswith("Tóm tắt bài «Giá xăng giảm lần thứ ba liên tiếp»:\n• ")
    assert "(đoạn 1)" in reply.text and reply.text.endswith("Bài gốc: https://baotin.example.vn/kinh-te/gia-xang-giam-lan-thu-ba")
    again = conversations.request("c", "u", "Tóm tắt bài này")
    assert again.article == "gia-xang-giam.txt"  # the chat's current article


def test_a_summary_naming_no_article_asks_which(conversations):
    reply = conversations.request("new", "u", "/tomtat")
    assert reply.kind == "choose" and reply.text.startswith("Bạn muốn tóm tắt bài nào?")
    assert [c["source"] for c in reply.to_json()["choices"]] == [c.article for c in reply.choices]
    assert [c.article for c in reply.choices] == ["giai-chay-ha-lam.txt", "cau-song-lam.txt", "cau-vuot-nam-dinh-phu.txt"]
    chosen = conversations.choose("new", "summary", reply.choices[1].article)
    assert chosen.article == "cau-song-lam.txt" and conversations.current("new") == "cau-song-lam.txt"


def test_latest_news_newest_first_by_topic_and_day(conversations):
    reply = conversations.request("c", "u", "Có tin gì mới?")
    assert [a.article for a in reply.articles][:3] == ["giai-chay-ha-lam.txt", "cau-song-lam.txt", "cau-vuot-nam-dinh-phu.txt"]
    assert reply.articles[1].day == "05/12/2026" and reply.articles[1].sapo.startswith("Sáng 5-12, tỉnh Hà Lâm")
    traffic = conversations.request("c", "u", "tin mới nhất về giao thông")
    assert {a.article for a in traffic.articles} == {"cau-song-lam.txt", "cau-vuot-nam-dinh-phu.txt"}
    yesterday = conversations.request("c", "u", "hôm qua có tin gì về giao thông?")
    assert [a.article for a in yesterday.articles] == ["cau-song-lam.txt"]
    assert yesterday.text.startswith("Tin mới nhất về «giao thông» (hôm qua):\n1. Cầu Sông Lam")
    none = conversations.request("c", "u", "hôm kia có tin gì về thể thao?")  # 4 December: no sport
    assert none.articles == () and none.text.startswith("Chưa có tin nào về «thể thao» (hôm kia).")
    assert [c.action for c in reply.choices] == ["ask"] * len(reply.articles)


def test_date_words_in_a_question_narrow_the_search(conversations):
    dated = conversations.ask("d", "u", "Hôm qua tổng vốn đầu tư bao nhiêu?")
    assert {c.paragraph.article_id for c in dated.citations} == {"cau-song-lam.txt"}
    assert conversations._dated("hôm qua ai khánh thành cầu?") == {"cau-song-lam.txt"}
    assert conversations._dated("Cầu vượt khởi công tháng 12?") is None  # the event's month, not the paper's
    assert conversations._dated("Ngày 5-12 cầu nào thông xe?") is None


def test_ask_json_returns_the_summary_with_paragraph_numbers(tmp_path, newsroom_index_dir, newsroom_seeds):
    result = run(["ask", "--json", "tóm tắt bài về giá xăng"], cwd=tmp_path, index_dir=newsroom_index_dir,
                 seeds_dir=newsroom_seeds)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["kind"] == "summary" and reply["status"] == "answered"
    assert 3 <= len(reply["summary"]) <= 5
    assert all(set(s) == {"sentence", "paragraph"} for s in reply["summary"])
    cited = {c["paragraph"]: c["text"] for c in reply["citations"]}
    assert all(s["sentence"] in cited[s["paragraph"]] for s in reply["summary"])
    assert {"question", "found", "answer", "reply", "citations"} <= set(reply)


def test_the_inline_cache_keeps_a_users_query_for_a_minute():
    from bot.channels.telegram.inline import RecentQueries
    from bot.core.answer import Answer

    now = [0.0]
    recent = RecentQueries(ttl=60, size=2, clock=lambda: now[0])
    answer = Answer.refused("q")
    recent.put(1, "q", answer)
    assert recent.get(1, "q") is answer and recent.get(2, "q") is None  # per user
    now[0] = 61
    assert recent.get(1, "q") is None
    recent.put(1, "a", answer), recent.put(1, "b", answer), recent.put(1, "c", answer)
    assert recent.get(1, "a") is None and recent.get(1, "c") is answer  # bounded


def test_ask_json_lists_the_latest_news(tmp_path, newsroom_index_dir, newsroom_seeds):
    result = run(["ask", "--json", "tin mới nhất về giao thông"], cwd=tmp_path, index_dir=newsroom_index_dir,
                 seeds_dir=newsroom_seeds)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["kind"] == "latest" and reply["found"] is True
    assert [a["source"] for a in reply["articles"]] == ["cau-song-lam.txt", "cau-vuot-nam-dinh-phu.txt"]
    first = reply["articles"][0]
    assert first["day"] == "05/12/2026" and first["url"].endswith("/giao-thong/cau-song-lam-thong-xe")
    assert first["sapo"].startswith("Sáng 5-12, tỉnh Hà Lâm khánh thành")
