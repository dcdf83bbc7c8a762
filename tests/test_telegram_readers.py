"""Summaries and the latest news on Telegram: the real Application against the strict fake Bot API."""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot.service import AnswerService
from bot.settings import Settings
from tests.logcapture import logs  # noqa: F401 (fixture)
from tests.test_telegram import TOKEN, ask, fake, running  # noqa: F401 (fake: the fixture)

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake, newsroom_seeds, newsroom_index_dir, embedder):
    settings = Settings(_env_file=None, seeds_dir=newsroom_seeds, index_dir=newsroom_index_dir,
                        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, rate_limit_per_minute=30)
    async with running(settings, AnswerService(settings, embedder)):
        await fake.wait_for(None, method="setMyCommands")
        yield fake


def buttons(message: dict) -> list[dict]:
    return [row[0] for row in message.get("reply_markup", {}).get("inline_keyboard", [])]


async def test_the_commands_are_in_the_menu(bot):
    names = [c["command"] for c in bot.commands]
    assert "tomtat" in names and "tinmoi" in names


async def test_tomtat_without_an_article_asks_which_with_buttons(bot):
    _, reply = await ask(bot, 2401, "/tomtat")
    assert reply["text"].startswith("Bạn muốn tóm tắt bài nào?")
    offered = buttons(reply)
    assert [b["text"] for b in offered][1] == "2. Cầu Sông Lam thông xe sớm hai tháng so với kế hoạch"
    sent = len(bot.sent(2401))
    bot.callback(bot.bot_messages(2401)[-1], offered[1]["callback_data"], user_id=2401)
    summary = (await bot.wait_for(2401, sent + 1))[-1]
    assert summary["text"].startswith("Tóm tắt bài «Cầu Sông Lam thông xe sớm hai tháng so với kế hoạch»:\n• ")
    assert "(đoạn 1)" in summary["text"]
    _, follow_up = await ask(bot, 2401, "Tổng vốn đầu tư bao nhiêu?")  # now about that article
    assert "1.150 tỷ đồng" in follow_up["text"]


async def test_tinmoi_lists_newest_with_an_ask_button_each(bot):
    _, reply = await ask(bot, 2402, "/tinmoi giao thông")
    lines = reply["text"].splitlines()
    assert lines[0] == "Tin mới nhất về «giao thông»:"
    assert lines[1] == "1. Cầu Sông Lam thông xe sớm hai tháng so với kế hoạch (05/12/2026)"
    assert lines[4] == "2. Cầu vượt Nam Đình Phú chậm tiến độ vì vướng mặt bằng (04/12/2026)"
    offered = buttons(reply)
    assert [b["text"] for b in offered] == ["Hỏi về bài này (1)", "Hỏi về bài này (2)"]
    sent = len(bot.sent(2402))
    bot.callback(bot.bot_messages(2402)[-1], offered[1]["callback_data"], user_id=2402)
    now = (await bot.wait_for(2402, sent + 1))[-1]
    assert now["text"].startswith("Bạn đang hỏi về bài «Cầu vượt Nam Đình Phú chậm tiến độ vì vướng mặt bằng».")
    _, answer = await ask(bot, 2402, "Tổng vốn đầu tư bao nhiêu?")
    assert "720 tỷ đồng" in answer["text"]
    _, summary = await ask(bot, 2402, "tóm tắt bài này")
    assert summary["text"].startswith("Tóm tắt bài «Cầu vượt Nam Đình Phú")


async def test_a_deep_link_opens_a_chat_about_its_article(bot, newsroom_index_dir):
    from bot.desk.links import article_key
    from index.faiss import store

    meta = store.read_manifest(newsroom_index_dir).articles["cau-vuot-nam-dinh-phu.txt"]
    _, greeting = await ask(bot, 2403, f"/start {article_key(meta)}")
    lines = greeting["text"].splitlines()
    assert lines[0] == "Xin chào! Bạn đang hỏi về bài «Cầu vượt Nam Đình Phú chậm tiến độ vì vướng mặt bằng». " \
                       "Mình trả lời và trích đúng đoạn văn trong bài."
    suggested = [line[2:] for line in lines if line.startswith("• ")]
    assert 1 <= len(suggested) <= 3
    for question in suggested:  # each one is answered from that article, with a phrase
        _, answer = await ask(bot, 2403, question)
        assert "Cầu vượt Nam Đình Phú" in answer["text"]
        assert answer["text"].startswith("<b>Trả lời:</b> ") and len(answer["text"].split("\n")[0]) < 80
    _, answer = await ask(bot, 2403, "Tổng vốn đầu tư là bao nhiêu?")
    assert "720 tỷ đồng" in answer["text"]
    _, plain = await ask(bot, 2403, "/start")  # back to every article
    assert plain["text"].startswith("Xin chào! Mình là Hỏi Báo")
    _, forged = await ask(bot, 2404, "/start aaaaaaaaaa")  # a key no article has: the usual greeting
    assert forged["text"].startswith("Xin chào! Mình là Hỏi Báo")


async def test_inline_mode_gives_up_to_three_cards_from_the_answer_core(bot):
    before = len(bot.sent(None, "answerInlineQuery"))
    bot.inline(2405, "Tỉnh Tân An ghi nhận bao nhiêu ca sốt xuất huyết?")
    (answered,) = (await bot.wait_for(None, before + 1, method="answerInlineQuery"))[before:]
    results = answered["results"]
    assert 1 <= len(results) <= 3
    first = results[0]
    assert first["title"] == "Trả lời: 2.340 ca sốt xuất huyết"
    assert first["description"].startswith("Đoạn 1: Tỉnh Tân An ghi nhận 2.340 ca")
    assert first["url"] == "https://baotin.example.vn/y-te/sot-xuat-huyet-tan-an-tang"
    message = first["input_message_content"]
    assert message["parse_mode"] == "HTML" and "<blockquote>" in message["message_text"]
    assert int(answered["cache_time"]) == 300
    bot.inline(2405, "ab")  # still being typed: no cards, no answer core
    (short,) = (await bot.wait_for(None, before + 2, method="answerInlineQuery"))[before + 1:]
    assert short["results"] == []
    bot.inline(2405, "Thời tiết ở sao Hỏa thế nào?")  # nothing found: no card rather than a wrong one
    (none,) = (await bot.wait_for(None, before + 3, method="answerInlineQuery"))[before + 2:]
    assert none["results"] == []
