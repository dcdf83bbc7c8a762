"""Written answers on the chat platforms, against a fake model that writes slowly.

Telegram streams them: the real Application against the strict fake Bot API. What is asserted is what the
fake Bot API received and when it received it (its own timestamps): how often the message was edited, that
nothing unchecked was ever on screen, and what the reader is left with. Zalo sends them once complete.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import pytest
import pytest_asyncio

from bot.channels import credentials, serve
from bot.channels.zalo import app as zalo
from bot.service import AnswerService
from bot.settings import Settings
from tests.fake_llm import FakeLLM
from tests.fake_telegram import FakeTelegram, visible_text
from tests.fake_zalo import FakeZalo
from tests.logcapture import logs  # noqa: F401 (fixture)
from tests.test_llm import ARTICLES, FIRST, INVENTED, QUESTION, SECOND
from tests.conftest import index_of

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "654322:AAH-stream-secret-part"
USERNAME = "hoibao_stream_bot"
THIRD = "Đây là nhà máy có công suất 120.000 m3 mỗi ngày [1]."
# The extractive answer line: a bare "120.000" is never stated (its unit is missing), so it is the sentence.
LINE = "Trả lời: Nhà máy nước Hòa Liên có công suất 120.000 m3 mỗi ngày"
WRITTEN = f"{FIRST} {SECOND} {THIRD}"
PIECE_DELAY = 0.12  # ~25 pieces of 7 characters: a reply that takes about 3 s to stream


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("stream-index")
    index_of(ARTICLES, folder, embedder)
    return folder


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def model():
    server = FakeLLM()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(logs, index_dir, embedder, model):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=index_dir / "seeds", index_dir=index_dir / "index",
                        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, llm_base_url=model.base_url,
                        llm_model="fake-model", llm_timeout_seconds=8)
    stop = asyncio.Event()
    # As `hoibao telegram` runs it: with the question log (a temporary SQLite file, tests/conftest.py),
    # so answers carry the 👍/👎 row.
    task = asyncio.create_task(serve.serve_all(settings, AnswerService(settings, embedder), [credentials.TELEGRAM],
                                               stop))
    try:
        await fake.wait_for(None, method="setMyCommands")
        yield fake
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await fake.stop()


@pytest.fixture
def slow(model):
    """The fake model streams `reply` at PIECE_DELAY a piece; reset afterwards."""
    model.piece_delay = PIECE_DELAY
    yield model
    model.piece_delay, model.reply = 0.0, ""


async def answered(bot: FakeTelegram, chat_id: int, text: str = QUESTION, **kwargs) -> list:
    """Ask and wait until the answer is final (its buttons come with the last call); the calls on the
    answer's message, as the fake recorded them."""
    bot.message(chat_id, text, **kwargs)
    async with bot._changed:
        await asyncio.wait_for(bot._changed.wait_for(lambda: any(
            m.get("reply_markup") for m in bot.bot_messages(chat_id))), 30)
    return [c for c in bot.calls
            if c.method in ("sendMessage", "editMessageText") and int(c.params["chat_id"]) == chat_id]


def shown(call) -> str:
    return visible_text(call.params["text"], call.params.get("parse_mode"))


def assert_paced(calls: list) -> None:
    """At most one call on the message a second, by the fake API's own clock."""
    times = [c.at for c in calls]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert all(gap >= 0.9 for gap in gaps), gaps  # 1 s by the bot's clock; 0.1 s for the fake's own handling
    edits = sum(c.method == "editMessageText" for c in calls)
    assert edits <= 1 + (times[-1] - times[0])


async def test_checked_sentences_stream_in_at_most_once_a_second(bot, slow):
    slow.reply = WRITTEN
    calls = await answered(bot, 3001)
    assert [c.method for c in calls][:1] == ["sendMessage"] and all("_error" not in c.params for c in calls)
    assert_paced(calls)
    first, *edits, final = [shown(c) for c in calls]
    # The extractive answer at once, under a line saying the written one is coming.
    assert first.startswith(f"✍️ Đang viết câu trả lời…\n\n{LINE}")
    # Then checked sentences as they arrive, marked as still being written.
    assert edits and any(e.startswith(f"{FIRST} ✍️…\n\n{LINE}") for e in edits)
    assert all(e.split(" ✍️…")[0] in WRITTEN for e in edits)
    # The final edit: the whole checked answer, the short answer and the quote under it, with the buttons.
    assert final.startswith(f"{WRITTEN}\n\n{LINE}")
    assert "✍️" not in final and bot.bot_messages(3001)[-1]["text"] == final
    # The buttons (more sources, and 👍/👎 with the question log on) come with the final answer only.
    keyboard = calls[-1].params["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"] == "Xem thêm nguồn" and [b["text"] for b in keyboard[1]] == ["👍", "👎"]
    assert all("reply_markup" not in c.params for c in calls[:-1])
    assert len(bot.bot_messages(3001)) == 1  # one message, edited in place


async def test_an_answer_failing_the_check_ends_as_todays_extractive_answer(bot, slow):
    slow.reply = f"{FIRST} {INVENTED} {SECOND}"
    calls = await answered(bot, 3002)
    assert_paced(calls)
    texts = [shown(c) for c in calls]
    assert any(t.startswith(f"{FIRST} ✍️…") for t in texts)  # the first sentence checked out, and was shown
    assert not any("2019" in t for t in texts)  # the invented one never reached the screen
    assert texts[-1].startswith(LINE) and "[1]" not in texts[-1] and "✍️" not in texts[-1]


async def test_in_a_group_only_the_final_edit_follows_the_extractive_answer(bot, slow):
    slow.reply = WRITTEN
    calls = await answered(bot, -3010, f"@{USERNAME} {QUESTION}", chat_type="supergroup")
    assert [c.method for c in calls] == ["sendMessage", "editMessageText"]
    assert_paced(calls)
    assert shown(calls[0]).startswith(f"✍️ Đang viết câu trả lời…\n\n{LINE}")
    assert shown(calls[1]).startswith(f"{WRITTEN}\n\n{LINE}")


async def test_a_fast_reply_is_one_message_without_edits(bot, model):
    model.reply = WRITTEN
    calls = await answered(bot, 3003)
    assert [c.method for c in calls] == ["sendMessage"]
    assert shown(calls[0]).startswith(f"{WRITTEN}\n\n{LINE}")


async def test_a_failing_model_is_one_extractive_message(bot, model):
    model.reply = 500
    calls = await answered(bot, 3004)
    assert [c.method for c in calls] == ["sendMessage"]
    assert shown(calls[0]).startswith(LINE)


@contextlib.asynccontextmanager
async def api(bot: FakeTelegram):
    async with aiohttp.ClientSession() as session:
        async def call(method: str, **params) -> dict:
            async with session.post(f"{bot.base_url}{bot.token}/{method}", json=params) as response:
                return await response.json()
        yield call


async def test_fake_edits_are_strict_like_telegram(bot):
    async with api(bot) as call:
        bot.message(3005, "xin chào")
        keyboard = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
        sent = (await call("sendMessage", chat_id=3005, text="một", reply_markup=keyboard))["result"]
        edit = dict(chat_id=3005, message_id=sent["message_id"])
        assert (await call("editMessageText", **edit, text="một", reply_markup=keyboard))["description"].startswith(
            "Bad Request: message is not modified")
        assert (await call("editMessageText", **edit, text="x" * 4097))["description"] == \
            "Bad Request: message is too long"
        assert (await call("editMessageText", **edit, text="<b>hai</b>", parse_mode="HTML"))["ok"]
        assert "reply_markup" not in bot.bot_messages(3005)[-1]  # an edit without markup drops the buttons
        assert (await call("editMessageText", chat_id=3005, message_id=999, text="ba"))["description"] == \
            "Bad Request: message to edit not found"


async def test_zalo_sends_the_written_answer_once_complete(index_dir, embedder, slow):
    slow.reply = WRITTEN
    fake = FakeZalo("3222229135581534945:zalo-stream-secret")
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=index_dir / "seeds", index_dir=index_dir / "index",
                        zalo_bot_token=fake.token, zalo_base_url=fake.base_url, llm_base_url=slow.base_url,
                        llm_model="fake-model")
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.serve(settings, AnswerService(settings, embedder), stop, poll_timeout=1,
                                          backoff=(0.2, 1.0)))
    try:
        fake.message("z3101", QUESTION)
        (reply,) = await fake.wait_for("z3101", 1, timeout=30)
        assert reply["text"].startswith(f"{WRITTEN}\n\n{LINE}")
        assert [c.method for c in fake.calls if c.params.get("chat_id") == "z3101"] == [
            "sendChatAction", "sendMessage"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await fake.stop()
