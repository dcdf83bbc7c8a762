"""The question log through the real bots: a row per question on Telegram and Zalo, readers' feedback
(Telegram's 👍/👎 buttons, Zalo's 👍/đúng/sai replies), and answers that go on with the database down.

The bots run as `hoibao run` runs them (`serve_all`: the log opened from the settings, flushed at the
end) against the fake Bot APIs; the rows are read from the SQLite file afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import create_engine, select

from bot import messages
from bot.channels import credentials, serve
from bot.questionlog.schema import feedback, installation, questions
from bot.service import AnswerService
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.logcapture import private_index, records  # noqa: F401 (fixtures)
from tests.waiting import until

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]

TELEGRAM_TOKEN = "777001:QLOG-secret-part"
ZALO_TOKEN = "7770020000000000001:qlog-zalo-secret"
PHUOC_MY = "Bí thư Đảng ủy phường Phước Mỹ là ai?"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory, embedder) -> tuple[Path, Path]:
    return private_index(tmp_path_factory.mktemp("qlog"), embedder)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(dirs, embedder):
    return AnswerService(Settings(_env_file=None, seeds_dir=dirs[0], index_dir=dirs[1]), embedder)


def db_rows(url: str, table) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(select(table))]
    finally:
        engine.dispose()


@contextlib.asynccontextmanager
async def bots(settings: Settings, service: AnswerService, platforms):
    """`serve_all` in a task, stopped (the log flushed) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve.serve_all(settings, service, platforms, stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


@contextlib.asynccontextmanager
async def telegram_bot(dirs, service, database_url: str, **overrides):
    fake = FakeTelegram(TELEGRAM_TOKEN, "hoibao_qlog_bot")
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=dirs[0], index_dir=dirs[1], telegram_bot_token=TELEGRAM_TOKEN,
                        telegram_base_url=fake.base_url, database_url=database_url, **overrides)
    try:
        async with bots(settings, service, [credentials.TELEGRAM]):
            await fake.wait_for(None, method="setMyCommands")
            yield fake
    finally:
        await fake.stop()


async def ask(fake: FakeTelegram, chat_id: int, text: str, **kwargs) -> dict:
    fake.message(chat_id, text, **kwargs)
    return (await fake.wait_for(chat_id, len(fake.sent(chat_id)) + 1))[-1]


async def press(fake: FakeTelegram, message: dict, data: str, user_id: int) -> dict:
    answered = len(fake.sent(None, "answerCallbackQuery"))
    fake.callback(message, data, user_id=user_id)
    return (await fake.wait_for(None, answered + 1, method="answerCallbackQuery"))[-1]


def keyboard(message: dict) -> list[list[str]]:
    return [[b["text"] for b in row] for row in message.get("reply_markup", {}).get("inline_keyboard", [])]


def button(message: dict, text: str) -> str:
    return next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"].split()[0] == text)


# ---------------------------------------------------------------- Telegram


async def test_telegram_records_a_row_per_question(tmp_path, dirs, service):
    url = f"sqlite:///{tmp_path / 'var' / 'hoibao.db'}"
    async with telegram_bot(dirs, service, url) as fake:
        answer = await ask(fake, 5001, PHUOC_MY)
        refused = await ask(fake, 5001, "😀🎉 ?!")
        await ask(fake, 5001, "/help")  # a command is no question
        group = await ask(fake, -5002, f"/ask@hoibao_qlog_bot {PHUOC_MY}", user_id=5003, chat_type="group")
    assert "Nguyễn Huy Bình" in answer["text"] and refused["text"] == messages.SYMBOLS_ONLY
    assert "Nguyễn Huy Bình" in group["text"]
    asked = sorted(db_rows(url, questions), key=lambda r: r["asked_at"])
    assert [r["outcome"] for r in asked] == ["answered", "refused", "answered"]
    first, emoji, in_group = asked
    assert first["channel"] == "telegram" and first["question"] == PHUOC_MY
    assert first["article_id"] == "000_2c5cdd79dcb8f4d0.txt" and first["paragraph"] == 9
    assert first["article_title"] == "Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm"
    assert 0.5 <= first["confidence"] <= 1 and 0 < first["latency_ms"] < 10_000
    assert first["written"] is False and first["fallback"] == "off"
    assert emoji["question"] == "😀🎉 ?!" and emoji["confidence"] is None and emoji["article_id"] is None
    assert first["chat_hash"] == emoji["chat_hash"] == first["user_hash"]  # a private chat: chat and reader
    assert in_group["chat_hash"] != in_group["user_hash"] and "5003" not in in_group["user_hash"]
    assert in_group["question"] == PHUOC_MY
    (salt,) = [r["value"] for r in db_rows(url, installation) if r["key"] == "salt"]
    assert len(salt) == 64


async def test_telegram_question_text_off(tmp_path, dirs, service):
    url = f"sqlite:///{tmp_path / 'hoibao.db'}"
    async with telegram_bot(dirs, service, url, log_questions=False) as fake:
        await ask(fake, 5101, PHUOC_MY)
    (row,) = db_rows(url, questions)
    assert row["question"] is None and row["outcome"] == "answered" and row["paragraph"] == 9


async def test_telegram_feedback_buttons(tmp_path, dirs, service, records):
    url = f"sqlite:///{tmp_path / 'hoibao.db'}"
    async with telegram_bot(dirs, service, url) as fake:
        await ask(fake, -5201, f"/ask {PHUOC_MY}", user_id=5202, chat_type="group")
        answer = fake.bot_messages(-5201)[-1]
        assert keyboard(answer) == [[messages.MORE_SOURCES], ["👍", "👎"]]
        up = button(answer, "👍")

        toast = await press(fake, answer, up, user_id=5202)
        assert toast["text"] == messages.feedback_thanks(1)
        await fake.wait_for(None, 1, method="editMessageReplyMarkup")  # the toast first, then the counts
        assert keyboard(fake.bot_messages(-5201)[-1]) == [[messages.MORE_SOURCES], ["👍 1", "👎"]]
        edits = len(fake.sent(None, "editMessageReplyMarkup"))
        answered = len(fake.sent(None, "answerCallbackQuery"))
        pressed = fake.callback(answer, up, user_id=5202)  # the same button again: counted once
        replayed = (await fake.wait_for(None, answered + 1, method="answerCallbackQuery"))[-1]
        assert replayed["text"] == messages.feedback_thanks(1)
        assert len(fake.sent(None, "editMessageReplyMarkup")) == edits
        fake.push({"callback_query": pressed["callback_query"]})  # the very same update, delivered again
        await until(lambda: fake.sent(None, "answerCallbackQuery", ok=False), "the refused answerCallbackQuery", 10)

        answer = fake.bot_messages(-5201)[-1]
        await press(fake, answer, button(answer, "👎"), user_id=5202)  # a change of mind
        await fake.wait_for(None, edits + 1, method="editMessageReplyMarkup")
        answer = fake.bot_messages(-5201)[-1]
        assert keyboard(answer)[1] == ["👍", "👎 1"]
        await press(fake, answer, button(answer, "👍"), user_id=5203)  # another reader in the group
        await fake.wait_for(None, edits + 2, method="editMessageReplyMarkup")
        answer = fake.bot_messages(-5201)[-1]
        assert keyboard(answer)[1] == ["👍 1", "👎 1"]

        # "Xem thêm nguồn" keeps the row and its counts under the next source.
        await press(fake, answer, button(answer, "Xem"), user_id=5203)
        await fake.wait_for(-5201, 1, method="editMessageText")
        answer = fake.bot_messages(-5201)[-1]
        assert answer["text"].startswith("Nguồn khác (2/") and keyboard(answer)[-1] == ["👍 1", "👎 1"]

        for forged in ("👍", "rate:+1", "0" * 64, up[:32] + "f" * 32):
            assert (await press(fake, answer, forged, user_id=5204))["text"] == messages.SOURCES_EXPIRED
    votes = {r["user_hash"]: r["value"] for r in db_rows(url, feedback)}
    assert sorted(votes.values()) == [-1, 1] and len(votes) == 2
    (asked,) = db_rows(url, questions)
    assert {r["question_id"] for r in db_rows(url, feedback)} == {asked["id"]}
    assert asked["user_hash"] in votes and votes[asked["user_hash"]] == -1
    assert [r for r, _ in records.records if r.levelno >= logging.WARNING] == []
    (refused,) = fake.sent(None, "answerCallbackQuery", ok=False)  # the replayed update's, and no apology
    assert refused["_error"].startswith("Bad Request: query is too old")
    assert not any(messages.APOLOGY == m["text"] for m in fake.sent(-5201))


async def test_no_buttons_and_no_rows_when_the_log_is_off(dirs, service):
    async with telegram_bot(dirs, service, "off") as fake:
        answer = await ask(fake, 5301, PHUOC_MY)
        thumbs = await ask(fake, 5301, "👍")
    assert keyboard(answer) == [[messages.MORE_SOURCES]]
    assert thumbs["text"] == messages.SYMBOLS_ONLY  # no log, no feedback: answered as before


async def test_database_down_the_bot_answers_and_warns_once(tmp_path, dirs, service, records):
    (tmp_path / "file").write_text("")  # the database's folder cannot be made under a file
    url = f"sqlite:///{tmp_path / 'file' / 'var' / 'hoibao.db'}"
    async with telegram_bot(dirs, service, url, rate_limit_per_minute=100) as fake:
        for chat in range(5401, 5409):
            assert "Nguyễn Huy Bình" in (await ask(fake, chat, PHUOC_MY))["text"]
    warned = [r.getMessage() for r, _ in records.records if r.levelno >= logging.WARNING]
    assert len([w for w in warned if w.startswith("question log: cannot write")]) == 1, warned
    assert warned[-1].startswith("question log: 8 rows not written at shutdown")
    assert not any(r.levelno >= logging.ERROR for r, _ in records.records)


# ---------------------------------------------------------------- Zalo


async def test_zalo_rows_and_feedback_replies(tmp_path, dirs, service):
    url = f"sqlite:///{tmp_path / 'hoibao.db'}"
    fake = FakeZalo(ZALO_TOKEN)
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=dirs[0], index_dir=dirs[1], zalo_bot_token=ZALO_TOKEN,
                        zalo_base_url=fake.base_url, database_url=url, rate_limit_per_minute=100)

    async def say(chat: str, text: str) -> str:
        before = len(fake.sent(chat))
        fake.message(chat, text)
        return (await fake.wait_for(chat, before + 1))[-1]["text"]

    try:
        async with bots(settings, service, [credentials.ZALO]):
            await fake.wait_for(None, method="getWebhookInfo")
            assert await say("z1", "đúng") not in (messages.feedback_thanks(1), messages.feedback_thanks(-1))  # no answer yet
            assert "Nguyễn Huy Bình" in await say("z1", PHUOC_MY)
            assert await say("z1", "👍") == messages.feedback_thanks(1)
            assert await say("z1", "  Sai! ") == messages.feedback_thanks(-1)  # a change of mind
            assert await say("z1", "SAI") == messages.feedback_thanks(-1)  # again: still one vote
            assert "Phạm Đình Nam" in await say("z1", "Còn phường An Hải Tây thì sao?")
            assert await say("z1", "dung") == messages.feedback_thanks(1)  # rates the newer answer
            assert "Nguyễn Huy Bình" in await say("z2", PHUOC_MY)
            assert "Nguyễn Huy Bình" in await say("z2", "bí thư phường phước mỹ là ai")
    finally:
        await fake.stop()
    asked = sorted(db_rows(url, questions), key=lambda r: r["asked_at"])
    assert [(r["channel"], r["question"]) for r in asked] == [
        ("zalo", "đúng"), ("zalo", PHUOC_MY), ("zalo", "Còn phường An Hải Tây thì sao?"), ("zalo", PHUOC_MY),
        ("zalo", "bí thư phường phước mỹ là ai")]
    votes = {r["question_id"]: r["value"] for r in db_rows(url, feedback)}
    assert votes == {asked[1]["id"]: -1, asked[2]["id"]: 1}
