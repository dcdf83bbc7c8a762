"""The Telegram bot end to end: the real Application, over HTTP, against a strict fake Bot API.

One bot (polling) serves most tests of this module; the webhook, allow-list
and error tests start their own. Assertions are on what the fake server
received, i.e. what a Telegram user would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import shutil
import socket
import time
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot import messages
from bot.channels.telegram import app as telegram
from bot.service import AnswerService
from bot.settings import Settings
from index.errors import HoibaoError
from tests.fake_telegram import FakeTelegram
from tests.logcapture import logs, private_index, records  # noqa: F401 (fixtures)
from tests.waiting import until

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    # PTB 22 warns from inside its own RetryAfter (the retry_after type will change in v23);
    # with filterwarnings=error that would turn every 429 into a crash in tests only.
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "654321:AAH-secret-part-never-logged"
ADMIN = 900
USERNAME = "hoibao_test_bot"
PHUOC_MY = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
# Added before /reindex: the filler makes the rebuild take a moment, the "<", ">" and "&" test escaping.
NEW_ARTICLE = "\n\n".join(
    ["Khánh thành cầu Hòa Xuân mở rộng",
     "Sáng 15-3, UBND thành phố Đà Nẵng tổ chức lễ khánh thành cầu Hòa Xuân mở rộng sau hai năm thi công."]
    + [f"Trong đợt {i}, nhà thầu hoàn thành hạng mục số {i} của dự án với kinh phí khoảng {i * 3} tỷ đồng, "
       "bảo đảm giao thông thông suốt cho người dân hai bờ sông Cẩm Lệ." for i in range(1, 11)]
    + ["Giám đốc Ban quản lý dự án giao thông Đà Nẵng Lê Quang Hưng cho biết cầu mới giúp giảm ùn tắc. "
       "Giờ cao điểm, lưu lượng qua nút giảm từ >9.000 xuống <5.000 xe & thời gian chờ còn 3 phút.",
       "THANH TÂM"]
) + "\n"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """A private copy of the seeds and its own index: /reindex rewrites it."""
    return private_index(tmp_path_factory.mktemp("telegram"), embedder)


# "typing…" goes only with an answer not ready after HOIBAO_TYPING_AFTER_SECONDS: never, in tests that do not
# set it (0 shows it at once), so whether one was sent never depends on how fast this machine answered.
TYPING_NEVER = 3600.0


def make_settings(fake: FakeTelegram, dirs: tuple[Path, Path], **overrides) -> Settings:
    values = dict(seeds_dir=dirs[0], index_dir=dirs[1], telegram_bot_token=TOKEN, telegram_base_url=fake.base_url,
                  telegram_admin_ids=[ADMIN], rate_limit_per_minute=3,
                  typing_after_seconds=TYPING_NEVER)
    return Settings(_env_file=None, **{**values, **overrides})


@contextlib.asynccontextmanager
async def running(settings: Settings, service: AnswerService):
    """`telegram.serve` in a task, stopped (and awaited) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(telegram.serve(settings, service, stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake(logs):
    server = FakeTelegram(TOKEN, USERNAME)
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(dirs, embedder):
    return AnswerService(Settings(_env_file=None, seeds_dir=dirs[0], index_dir=dirs[1]), embedder)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake, dirs, service):
    async with running(make_settings(fake, dirs), service):
        await fake.wait_for(None, method="setMyCommands")
        yield fake


async def ask(fake: FakeTelegram, chat_id: int, text: str | None, count: int = 1, **kwargs) -> tuple[dict, dict]:
    """Push a message, wait for the bot's `count`-th message in that chat; (update, that reply)."""
    update = fake.message(chat_id, text, **kwargs)
    replies = await fake.wait_for(chat_id, len(fake.sent(chat_id)) + count)
    return update, replies[-1]


async def press(fake: FakeTelegram, message: dict, data: str, user_id: int) -> dict:
    """Press a button (or forge a press) on `message`; the bot's answerCallbackQuery."""
    answered = len(fake.sent(None, "answerCallbackQuery"))
    fake.callback(message, data, user_id=user_id)
    return (await fake.wait_for(None, answered + 1, method="answerCallbackQuery"))[-1]


# ---------------------------------------------------------------- answers


async def test_private_question_cites_the_paragraph(bot):
    update, reply = await ask(bot, 1001, PHUOC_MY)
    assert reply["parse_mode"] == "HTML"
    assert "<b>Trả lời:</b> Nguyễn Huy Bình" in reply["text"]
    assert "· đoạn 9 ·" in reply["text"]
    assert "Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm" in reply["text"]
    assert reply["reply_parameters"]["message_id"] == update["message"]["message_id"]
    (button,) = reply["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Xem thêm nguồn"
    # PTB's arbitrary callback data: Telegram sees two opaque ids, the answer stays in the bot.
    assert re.fullmatch(r"[0-9a-f]{64}", button["callback_data"])
    # Ready before HOIBAO_TYPING_AFTER_SECONDS (TYPING_NEVER): no "typing…", one request of the flood budget.
    assert bot.sent(1001, "sendChatAction") == []


async def test_a_slow_answer_shows_typing_first(dirs, service):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    try:
        async with running(make_settings(fake, dirs, typing_after_seconds=0), service):
            _, reply = await ask(fake, 1010, PHUOC_MY)
        assert "Nguyễn Huy Bình" in reply["text"]
        calls = [c.method for c in fake.calls if str(c.params.get("chat_id")) == "1010"]
        assert calls == ["sendChatAction", "sendMessage"] and fake.sent(1010, "sendChatAction")[0]["action"] == "typing"
    finally:
        await fake.stop()


async def test_a_failed_typing_indicator_does_not_stop_the_answer(dirs, service, records):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    try:
        async with running(make_settings(fake, dirs, typing_after_seconds=0), service):
            fake.fail_chat_action = True
            _, reply = await ask(fake, 1011, PHUOC_MY)
        assert "Nguyễn Huy Bình" in reply["text"] and len(fake.sent(1011, "sendChatAction", ok=False)) == 1
        assert [r for r, _ in records.records if r.levelno >= logging.WARNING] == []
    finally:
        await fake.stop()


async def test_unaccented_question(bot):
    _, reply = await ask(bot, 1002, "bi thu dang uy phuong phuoc my la ai")
    assert "Nguyễn Huy Bình" in reply["text"] and "đoạn 9" in reply["text"]


async def test_follow_up_uses_the_chat_history(bot):
    await ask(bot, 1003, PHUOC_MY)
    _, reply = await ask(bot, 1003, "Còn phường An Hải Tây thì sao?")
    assert "<b>Trả lời:</b> Phạm Đình Nam" in reply["text"]


async def test_group_answers_only_when_addressed(bot):
    group = dict(chat_type="supergroup")
    bot.message(-2001, "Hôm nay trời đẹp quá", user_id=2101, **group)
    bot.message(-2001, PHUOC_MY, user_id=2102, **group)  # not addressed to the bot
    bot.message(-2001, f"@{USERNAME} {PHUOC_MY}", user_id=2103, is_bot=True, **group)  # another bot
    bot.message(-2001, f"@other_bot {PHUOC_MY}", user_id=2104, **group)
    mentioned = bot.message(-2001, f"@{USERNAME} {PHUOC_MY}", user_id=2105, **group)
    answers = await bot.wait_for(-2001, 1)
    assert "Nguyễn Huy Bình" in answers[0]["text"]
    replied = bot.message(-2001, "Còn phường An Hải Tây thì sao?", user_id=2106,
                          reply_to=bot.bot_messages(-2001)[0], **group)
    await bot.wait_for(-2001, 2)
    asked = bot.message(-2001, f"/ask@{USERNAME} {PHUOC_MY}", user_id=2107, **group)
    # The chat's requests are served in order: once the last one is answered, an answer to
    # any earlier message would have been sent before it.
    await bot.wait_for(-2001, 3)
    answers = bot.sent(-2001)
    assert [a["reply_parameters"]["message_id"] for a in answers] == [
        u["message"]["message_id"] for u in (mentioned, replied, asked)
    ]
    assert "Phạm Đình Nam" in answers[1]["text"] and "Nguyễn Huy Bình" in answers[2]["text"]


# ---------------------------------------------------------------- commands


async def test_start_greets_with_examples_from_the_index(bot):
    _, reply = await ask(bot, 1101, "/start")
    assert reply["text"].startswith("Xin chào!")
    examples = [line for line in reply["text"].splitlines() if line.startswith("• ")]
    assert 2 <= len(examples) <= 3 and all(e.endswith("là ai?") for e in examples)
    assert {c["command"] for c in bot.commands} == {"start", "help", "sources", "ask", "tomtat", "tinmoi", "theodoi",
                                                  "huytheodoi", "dangtheodoi"}


async def test_help_and_sources(bot):
    _, help_reply = await ask(bot, 1102, "/help")
    assert help_reply["text"] == messages.HELP
    _, sources_reply = await ask(bot, 1102, "/sources")
    assert "• Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm" in sources_reply["text"]


async def test_an_unknown_command_gets_one_line_with_the_known_ones(bot):
    _, reply = await ask(bot, 1103, "/khongco bão số 3")
    assert reply["text"] == messages.unknown_command("khongco")
    _, reply = await ask(bot, 1103, "/help")  # a known command still reaches its own handler, once
    assert reply["text"] == messages.HELP
    group = dict(chat_type="supergroup")
    bot.message(-2003, "/lenhkhac", user_id=2111, **group)  # another bot's, maybe: silence
    _, reply = await ask(bot, -2003, f"/lenhkhac@{USERNAME}", user_id=2112, **group)
    assert reply["text"] == messages.unknown_command("lenhkhac") and len(bot.sent(-2003)) == 1


async def test_more_sources_button_walks_the_citations(bot):
    await ask(bot, 1201, PHUOC_MY)
    answer = bot.bot_messages(1201)[-1]
    shown = [answer["text"]]
    for _ in range(10):
        button = answer.get("reply_markup", {}).get("inline_keyboard", [[None]])[0][0]
        if button is None:
            break
        edits = len(bot.sent(1201, "editMessageText"))
        bot.callback(answer, button["callback_data"], user_id=1201)
        await bot.wait_for(1201, edits + 1, method="editMessageText")
        answer = bot.bot_messages(1201)[-1]
        shown.append(answer["text"])
    total = len(shown)
    assert total >= 2, "the seed answer cites several paragraphs"
    assert shown[-1].startswith(f"Nguồn khác ({total}/{total})")
    assert len(set(shown)) == total  # each press showed another paragraph
    assert "reply_markup" not in answer  # the last source has no button


@pytest.mark.parametrize("data", ["more:1", "more:99", "0" * 64, "🙂", "x" * 200])
async def test_forged_button_gets_a_polite_answer_and_no_error(bot, data, records):
    await ask(bot, 1210, PHUOC_MY)
    answer = bot.bot_messages(1210)[-1]
    edits = len(bot.sent(1210, "editMessageText"))
    assert (await press(bot, answer, data, user_id=1210))["text"] == messages.SOURCES_EXPIRED
    assert len(bot.sent(1210, "editMessageText")) == edits and bot.sent(1210, ok=False) == []
    assert [r for r, _ in records.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(
    ("chat_id", "text", "extra", "expected"),
    [
        (1301, None, {"sticker": {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
                                  "height": 512, "is_animated": False, "is_video": False}}, messages.NOT_TEXT),
        (1302, None, {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]},
         messages.NOT_TEXT),
        (1303, "x" * 1001, {}, messages.too_long(1000)),
        (1304, "😀🎉 ?!", {}, messages.SYMBOLS_ONLY),
        (1305, f"@{USERNAME}", {}, messages.EMPTY),
    ],
    ids=["sticker", "photo", "too-long", "emoji-only", "mention-only"],
)
async def test_what_is_not_a_question_gets_a_polite_reply(bot, chat_id, text, extra, expected):
    update, reply = await ask(bot, chat_id, text, **extra)
    assert reply["text"] == expected and "parse_mode" not in reply
    assert reply["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_rate_limit_answers_politely(bot):
    for _ in range(3):
        _, reply = await ask(bot, 1401, "Phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?")
        assert "Trả lời" in reply["text"]
    _, reply = await ask(bot, 1401, PHUOC_MY)
    assert reply["text"].startswith("Bạn hỏi nhanh quá.")


async def test_reindex_refused_to_a_stranger(bot):
    _, reply = await ask(bot, 1501, "/reindex")
    assert reply["text"] == messages.ADMIN_ONLY


async def test_reindex_by_admin_swaps_the_index(bot, service, dirs):
    """A new article becomes answerable; meanwhile questions are answered from the old index."""
    question = "Giám đốc Ban quản lý dự án giao thông Đà Nẵng là ai?"
    _, before = await ask(bot, 1502, question)
    assert "Lê Quang Hưng" not in before["text"]
    (dirs[0] / "cau_hoa_xuan.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    _, started = await ask(bot, ADMIN, "/reindex")
    assert started["text"] == messages.REINDEX_STARTED
    await until(lambda: service.rebuilding, "the rebuild to start", 5)
    _, busy = await ask(bot, ADMIN, "/reindex")
    assert busy["text"] == messages.REINDEX_BUSY
    _, during = await ask(bot, 1503, PHUOC_MY)
    assert "Nguyễn Huy Bình" in during["text"]
    done = (await bot.wait_for(ADMIN, 3, timeout=60))[-1]
    assert done["text"].startswith(messages.reindex_done("")) and "2 articles" in done["text"]
    sent_at = {int(c.params["chat_id"]): c.at for c in bot.calls if c.method == "sendMessage"}  # last per chat
    assert sent_at[1503] < sent_at[ADMIN]  # answered while the rebuild ran
    _, after = await ask(bot, 1502, question)
    assert "<b>Trả lời:</b> Lê Quang Hưng" in after["text"]
    assert "Khánh thành cầu Hòa Xuân mở rộng" in after["text"]
    assert "từ &gt;9.000 xuống &lt;5.000 xe &amp; thời gian" in after["text"]


# ---------------------------------------------------------------- Telegram errors


async def test_429_is_retried_after_the_delay(bot):
    bot.fail_next_messages(1, retry_after=1)
    started = time.perf_counter()
    _, reply = await ask(bot, 1601, PHUOC_MY)
    refused = bot.sent(1601, ok=False)
    assert len(refused) == 1 and refused[0]["_error"].startswith("Too Many Requests")
    assert "Nguyễn Huy Bình" in reply["text"]
    assert time.perf_counter() - started >= 1.0


async def test_failing_update_is_logged_and_the_user_gets_an_apology(bot, logs):
    bot.fail_next_message(500, "Internal Server Error")
    update, apology = await ask(bot, 1701, PHUOC_MY)
    assert apology["text"] == messages.APOLOGY
    failed = [r for r, _ in logs.records if r.name == "hoibao.telegram" and r.levelno == logging.ERROR]
    assert any(f"update {update['update_id']} failed" in r.getMessage() for r in failed)
    _, reply = await ask(bot, 1701, PHUOC_MY)  # and the bot keeps serving
    assert "Nguyễn Huy Bình" in reply["text"]


async def test_a_reader_who_blocked_the_bot_is_one_warning(bot, records):
    bot.fail_next_message(403, "Forbidden: bot was blocked by the user")
    update = bot.message(1702, PHUOC_MY)
    await until(lambda: bot.sent(1702, ok=False), "the refused sendMessage to chat 1702")
    _, reply = await ask(bot, 1702, PHUOC_MY)  # the next question is answered as usual
    assert "Nguyễn Huy Bình" in reply["text"] and bot.sent(1702) == [reply]  # no apology in between
    warned = [r for r, _ in records.records if r.name == "hoibao.telegram" and r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warned] == [
        f"update {update['update_id']}: Telegram refused the reply: Forbidden: bot was blocked by the user"]
    assert warned[0].exc_info is None


# ---------------------------------------------------------------- other ways to run


async def test_allow_list_refuses_other_chats(dirs, service):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    try:
        async with running(make_settings(fake, dirs, telegram_allowed_chats=[1801]), service):
            _, allowed = await ask(fake, 1801, PHUOC_MY)
            _, refused = await ask(fake, 1802, PHUOC_MY)
            _, admin = await ask(fake, ADMIN, "/help")
            fake.message(-1803, f"@{USERNAME} {PHUOC_MY}", chat_type="group")  # groups are not even told
            # Pushed after the group's message, so answered after the bot dealt with it.
            _, later = await ask(fake, 1801, "bi thu dang uy phuong phuoc my la ai")
        assert "Nguyễn Huy Bình" in allowed["text"] and "Nguyễn Huy Bình" in later["text"]
        assert refused["text"] == messages.NOT_ALLOWED
        assert admin["text"] == messages.HELP
        assert [c for c in fake.calls if str(c.params.get("chat_id")) == "-1803"] == []
    finally:
        await fake.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_enforces_the_secret(dirs, service):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    settings = make_settings(fake, dirs, telegram_webhook_url=url, telegram_webhook_secret="s3cret_Value-1",
                             telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port)
    try:
        async with running(settings, service), aiohttp.ClientSession() as http:
            await fake.wait_for(None, method="setWebhook")
            assert fake.webhook == {"url": url, "secret_token": "s3cret_Value-1"}
            _, reply = await ask(fake, 1901, PHUOC_MY)  # delivered by the fake with the right secret
            assert "Nguyễn Huy Bình" in reply["text"] and fake.webhook["statuses"] == [200]
            forged = {"update_id": 99, "message": {"message_id": 1, "date": 0, "text": PHUOC_MY,
                                                   "chat": {"id": 1902, "type": "private"}}}
            for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status == 403
            _, later = await ask(fake, 1903, PHUOC_MY)  # delivered after the forged ones were refused
            assert "Nguyễn Huy Bình" in later["text"]
            assert [c for c in fake.calls if str(c.params.get("chat_id")) == "1902"] == []
    finally:
        await fake.stop()


async def test_button_from_before_a_restart_is_expired(dirs, service):
    """PTB keeps button data in memory: after a restart an old button is answered politely."""
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    try:
        async with running(make_settings(fake, dirs), service):
            _, answer = await ask(fake, 2001, PHUOC_MY)
        data = answer["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        async with running(make_settings(fake, dirs), service):
            expired = await press(fake, fake.bot_messages(2001)[-1], data, user_id=2001)
        assert expired["text"] == messages.SOURCES_EXPIRED
        assert fake.sent(2001, "editMessageText") == []
    finally:
        await fake.stop()


async def test_reindex_failure_of_any_kind_is_reported_and_the_old_index_serves(tmp_path, dirs, embedder, records):
    """A build that fails with an OSError (not a HoibaoError): the admin is told, the log has it once."""
    # An index whose `current` is a plain folder (copied in by hand) rather than the symlink a build
    # swaps: it serves, but publishing a new build over it fails with an OSError.
    shutil.copytree(dirs[1] / "current", tmp_path / "index" / "current")
    service = AnswerService(Settings(_env_file=None, seeds_dir=dirs[0], index_dir=tmp_path / "index"), embedder)
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    try:
        async with running(make_settings(fake, (dirs[0], tmp_path / "index")), service):
            _, started = await ask(fake, ADMIN, "/reindex")
            assert started["text"] == messages.REINDEX_STARTED
            failed = (await fake.wait_for(ADMIN, 2, timeout=60))[-1]
            _, after = await ask(fake, 2101, PHUOC_MY)
        assert failed["text"].startswith(messages.reindex_failed("").split("Lý do:")[0])
        assert "\nLý do: IsADirectoryError: " in failed["text"]
        assert "Nguyễn Huy Bình" in after["text"]
        logged = [r for r, _ in records.records if "reindex failed" in r.getMessage()]
        assert len(logged) == 1 and logged[0].levelno == logging.ERROR
        assert isinstance(logged[0].exc_info[1], OSError)
        assert not any(r.name == "hoibao.telegram" and r.levelno >= logging.ERROR for r, _ in records.records)
    finally:
        await fake.stop()


@pytest.mark.parametrize(("secret", "why"), [("a" * 257, "has 257 characters"), ("with space", "not allowed"),
                                             ("ünïcode", "not allowed")])
async def test_webhook_secret_telegram_refuses_stops_the_start(dirs, service, secret, why):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    settings = make_settings(fake, dirs, telegram_webhook_url=f"http://127.0.0.1:{free_port()}/telegram-hook",
                             telegram_webhook_secret=secret)
    try:
        with pytest.raises(HoibaoError, match="TELEGRAM_WEBHOOK_SECRET") as caught:
            await telegram.serve(settings, service, asyncio.Event())
        assert why in str(caught.value) and "1 to 256 of A-Z, a-z, 0-9, _ and -" in str(caught.value)
        assert secret not in str(caught.value)
        assert fake.calls == []  # refused before talking to Telegram
    finally:
        await fake.stop()


@pytest.mark.parametrize("secret", [None, ""])
async def test_webhook_without_a_secret_gets_a_random_one_and_one_warning(dirs, service, records, secret):
    fake = FakeTelegram(TOKEN, USERNAME)
    await fake.start()
    port = free_port()
    settings = make_settings(fake, dirs, telegram_webhook_url=f"http://127.0.0.1:{port}/telegram-hook",
                             telegram_webhook_secret=secret, telegram_webhook_listen="127.0.0.1",
                             telegram_webhook_port=port)
    try:
        async with running(settings, service):
            await fake.wait_for(None, method="setWebhook")
            _, reply = await ask(fake, 2201, PHUOC_MY)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", fake.webhook["secret_token"])
        assert "Nguyễn Huy Bình" in reply["text"]
        warned = [r.getMessage() for r, _ in records.records if r.levelno == logging.WARNING]
        assert warned == ["TELEGRAM_WEBHOOK_SECRET is not set; using a random secret for this run"]
    finally:
        await fake.stop()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", "can't parse entities"),
        ("<b>đậm</i>", "can't parse entities"),
        ("<b>đậm", "can't parse entities"),
        ("<br>dòng", "can't parse entities"),
        ("Tom &amp; Jerry &nbsp;", "can't parse entities"),
        ('<a href="https://x.vn" target="_blank">x</a>', "can't parse entities"),
        ("<b>" + "đ" * 4097 + "</b>", "message is too long"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_fake_server_rejects_what_telegram_rejects(fake, text, error):
    """The strictness the tests above rely on to catch escaping and length bugs."""
    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}{TOKEN}/sendMessage"
        async with http.post(url, data={"chat_id": "1", "text": text, "parse_mode": "HTML"}) as response:
            body = await response.json()
        assert response.status == 400 and body["description"].startswith(f"Bad Request: {error}")
        ok = {"chat_id": "1", "text": '<b>a</b> &lt;&#8364;&gt; <a href="https://x.vn?a=1&amp;b=2">x</a>',
              "parse_mode": "HTML"}
        async with http.post(url, data=ok) as response:
            assert (await response.json())["result"]["text"] == "a <€> x"


# ---------------------------------------------------------------- logs


async def test_logs_carry_no_token_and_no_question_text(bot, logs, records):
    """Every record since the module's bot started (`logs`) and this test's own (`records`)."""
    await ask(bot, 2301, PHUOC_MY)
    _, reply = await ask(bot, 2301, "Còn phường An Hải Tây thì sao?")
    assert "Phạm Đình Nam" in reply["text"]
    await press(bot, bot.bot_messages(2301)[-1], "forged", user_id=2301)
    for record, text in logs.records:
        assert TOKEN not in text and "AAH-secret-part" not in text, record.name
    info = [text for record, text in records.records if record.levelno == logging.INFO]
    answered = [t for t in info if "hoibao.chat answered chat=2301" in t]
    assert len(answered) == 2 and all("found=True" in t and "latency_ms=" in t for t in answered)
    assert not any("Phước Mỹ" in t or "An Hải" in t for t in info)


async def test_a_reply_given_up_after_its_429_retries_is_lines_not_tracebacks(bot, records):
    bot.fail_next_messages(4, retry_after=1)  # the rate limiter retries 3 times, then gives up
    update = bot.message(1603, PHUOC_MY)
    apologised = lambda: [m for m in bot.sent(1603) if m["text"] == messages.APOLOGY]  # noqa: E731
    await until(lambda: len(bot.sent(1603, ok=False)) == 4 and apologised(), "four refused sends to chat 1603, then the apology",
                30)
    _, reply = await ask(bot, 1603, PHUOC_MY)  # and the next question is answered
    assert "Nguyễn Huy Bình" in reply["text"]
    said = [r for r, _ in records.records if r.levelno >= logging.WARNING and r.name.startswith(("telegram", "hoibao"))]
    assert any("Rate limit hit after maximum of 3 retries" in r.getMessage() for r in said)
    assert any(f"update {update['update_id']} failed: RetryAfter" in r.getMessage() for r in said)
    assert all(r.exc_info is None for r in said)
