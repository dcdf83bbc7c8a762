"""The Zalo bot end to end: `zalo.serve` over HTTP against a strict fake Zalo Bot API.

One bot (long polling, 1 s polls) serves most tests of this module; the webhook
and wrong-token tests start their own. Assertions are on what the fake server
received, i.e. what a Zalo user would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot import messages
from bot.channels.zalo import app as zalo
from bot.channels.zalo.api import ZaloApiError
from bot.service import AnswerService
from bot.settings import Settings
from index.errors import HoibaoError
from tests.fake_zalo import FakeZalo
from tests.logcapture import logs, private_index, records  # noqa: F401 (fixtures)

pytestmark = pytest.mark.asyncio(loop_scope="module")

TOKEN = "3222229135581534944:zalo-secret-part-never-logged"
PHUOC_MY = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
BRIDGE = "Giám đốc Ban quản lý dự án giao thông Đà Nẵng là ai?"
# One body paragraph of ~3,000 characters: its answer cannot fit in one Zalo message.
LONG_ARTICLE = "\n\n".join([
    "Khánh thành cầu Hòa Xuân mở rộng",
    "Sáng 15-3, UBND thành phố Đà Nẵng tổ chức lễ khánh thành cầu Hòa Xuân mở rộng sau hai năm thi công.",
    " ".join(
        [f"Trong đợt {i}, nhà thầu hoàn thành hạng mục số {i} của dự án với kinh phí khoảng {i * 3} tỷ đồng, "
         "bảo đảm giao thông thông suốt cho người dân hai bờ sông Cẩm Lệ." for i in range(1, 13)]
        + ["Giám đốc Ban quản lý dự án giao thông Đà Nẵng Lê Quang Hưng cho biết cầu mới giúp giảm ùn tắc."]
        + [f"Ở nút giao thứ {i}, lưu lượng giờ cao điểm giảm từ {9 + i}.000 xuống {4 + i}.000 xe mỗi giờ, "
           "thời gian chờ đèn đỏ của người đi xe máy còn khoảng ba phút." for i in range(1, 13)]
    ),
    "THANH TÂM",
]) + "\n"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory, embedder) -> tuple[Path, Path]:
    """The seed article plus one with a very long paragraph, and their index."""
    return private_index(tmp_path_factory.mktemp("zalo"), embedder, {"cau_hoa_xuan.txt": LONG_ARTICLE})


# "typing…" goes only with an answer not ready after HOIBAO_TYPING_AFTER_SECONDS: never, in tests that do not
# set it (0 shows it at once), so whether one was sent never depends on how fast this machine answered.
TYPING_NEVER = 3600.0


def make_settings(fake: FakeZalo, dirs: tuple[Path, Path], **overrides) -> Settings:
    values = dict(seeds_dir=dirs[0], index_dir=dirs[1], zalo_bot_token=TOKEN, zalo_base_url=fake.base_url,
                  typing_after_seconds=TYPING_NEVER)
    return Settings(_env_file=None, **{**values, **overrides})


@contextlib.asynccontextmanager
async def running(settings: Settings, service: AnswerService):
    """`zalo.serve` (1 s polls, short backoff) in a task, stopped and awaited on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(zalo.serve(settings, service, stop, poll_timeout=1, backoff=(0.2, 1.0)))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake(logs):
    server = FakeZalo(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(dirs, embedder):
    return AnswerService(Settings(_env_file=None, seeds_dir=dirs[0], index_dir=dirs[1]), embedder)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake, dirs, service):
    async with running(make_settings(fake, dirs), service):
        await fake.wait_for(None, method="getWebhookInfo")
        yield fake


async def ask(fake: FakeZalo, chat_id: str, text: str | None, count: int = 1, **kwargs) -> list[str]:
    """Push a message, wait for `count` new messages from the bot in that chat; their texts."""
    before = len(fake.sent(chat_id))
    fake.message(chat_id, text, **kwargs)
    replies = await fake.wait_for(chat_id, before + count)
    return [r["text"] for r in replies[before:]]


# ---------------------------------------------------------------- answers


async def test_private_question_cites_the_paragraph(bot):
    (reply,) = await ask(bot, "u1001", PHUOC_MY)
    assert reply.startswith("Trả lời: Nguyễn Huy Bình")
    assert "“Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình thông tin:" in reply
    assert "📰 Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm · đoạn 9" in reply
    calls = [c.method for c in bot.calls if c.params.get("chat_id") == "u1001"]
    assert calls == ["sendMessage"]  # ready before HOIBAO_TYPING_AFTER_SECONDS (TYPING_NEVER): no "typing…"


async def test_a_slow_answer_shows_typing_first(dirs, service):
    fake = FakeZalo(TOKEN)
    await fake.start()
    try:
        async with running(make_settings(fake, dirs, typing_after_seconds=0), service):
            (reply,) = await ask(fake, "u1010", PHUOC_MY)
        assert reply.startswith("Trả lời: Nguyễn Huy Bình")
        assert [c.method for c in fake.calls if c.params.get("chat_id") == "u1010"] == ["sendChatAction", "sendMessage"]
        assert fake.sent("u1010", "sendChatAction")[0]["action"] == "typing"
    finally:
        await fake.stop()


async def test_unaccented_question(bot):
    (reply,) = await ask(bot, "u1002", "bi thu dang uy phuong phuoc my la ai")
    assert "Nguyễn Huy Bình" in reply and "đoạn 9" in reply


async def test_follow_up_uses_the_chat_history(bot):
    await ask(bot, "u1003", PHUOC_MY)
    (reply,) = await ask(bot, "u1003", "Còn phường An Hải Tây thì sao?")
    assert answer_line_names(reply, "Phạm Đình Nam")


async def test_messages_of_one_chat_are_answered_in_order(bot):
    """A follow-up sent before the first answer arrives still follows it."""
    bot.message("u1005", PHUOC_MY)
    bot.message("u1005", "Còn phường An Hải Tây thì sao?")
    first, second = [r["text"] for r in await bot.wait_for("u1005", 2)]
    assert answer_line_names(first, "Nguyễn Huy Bình") and answer_line_names(second, "Phạm Đình Nam")


async def test_long_answer_is_split_at_sentences(bot):
    fake = bot
    fake.message("u1004", BRIDGE)
    fake.message("u1004", "/help")  # answered after every part of the answer: a chat is served in order
    await fake.wait_until(lambda: messages.zalo_help("Hỏi Báo") in fake.texts("u1004"))
    *parts, help_text = fake.texts("u1004")
    assert help_text == messages.zalo_help("Hỏi Báo")
    assert len(parts) >= 2 and all(1 <= len(p) <= 2000 for p in parts)
    assert parts[0].startswith("Trả lời: Lê Quang Hưng")
    assert "Khánh thành cầu Hòa Xuân mở rộng · đoạn 2 · THANH TÂM" in parts[-1]
    for part in parts[:-1]:  # each cut falls after a sentence, never inside a word
        assert re.search(r"[.!?…”]$", part), part[-40:]
    paragraph = LONG_ARTICLE.split("\n\n")[2]
    assert paragraph in " ".join(" ".join(parts).split())
    assert fake.sent("u1004", ok=False) == []


@pytest.mark.parametrize("event", ["sticker", "image", "voice", "unsupported"])
async def test_non_text_events_get_a_hint(bot, event):
    (reply,) = await ask(bot, f"u11-{event}", None, event=f"message.{event}.received", sticker="s-1")
    assert reply == messages.NOT_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x" * 1001, messages.too_long(1000)), ("😀🎉 ?!", messages.SYMBOLS_ONLY), ("   ", messages.EMPTY)],
    ids=["too-long", "emoji-only", "blank"],
)
async def test_what_is_not_a_question_gets_a_polite_reply(bot, text, expected):
    (reply,) = await ask(bot, f"u12-{len(text)}", text)
    assert reply == expected


# ---------------------------------------------------------------- commands


async def test_start_help_and_sources(bot):
    (start,) = await ask(bot, "u1201", "/start")
    assert start.startswith("Xin chào!")
    examples = [line for line in start.splitlines() if line.startswith("• ")]
    assert 2 <= len(examples) <= 3
    (help_text,) = await ask(bot, "u1201", "/help")
    assert help_text == messages.zalo_help("Hỏi Báo")
    (sources,) = await ask(bot, "u1201", "/sources")
    assert "• Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm" in sources
    assert "• Khánh thành cầu Hòa Xuân mở rộng" in sources
    assert bot.sent("u1201", "sendChatAction") == []  # commands answer at once


async def test_an_unknown_command_gets_one_line_with_the_known_ones(bot):
    (reply,) = await ask(bot, "u1202", "/khongco bão số 3")
    assert reply == messages.unknown_command("khongco")


# ---------------------------------------------------------------- groups


async def test_group_answers_only_when_addressed(bot):
    group = dict(chat_type="GROUP")
    bot.message("g2001", "Hôm nay trời đẹp quá", user_id="u2101", **group)
    bot.message("g2001", PHUOC_MY, user_id="u2102", **group)  # not addressed to the bot
    bot.message("g2001", "hỏi báo chí xem ai là bí thư", user_id="u2103", **group)  # 'hỏi báo' is not a call
    bot.message("g2001", f"@Hỏi Báo {PHUOC_MY}", user_id="u2104", is_bot=True, **group)  # another bot
    bot.message("g2001", "😀", user_id="u2105", event="message.sticker.received", **group)
    # The chat is served in order: a reply to any message above would come before this answer.
    (mentioned,) = await ask(bot, "g2001", f"@Hỏi Báo {PHUOC_MY}", user_id="u2106", **group)
    assert mentioned.startswith("Trả lời: Nguyễn Huy Bình")
    assert bot.texts("g2001") == [mentioned]
    (called,) = await ask(bot, "g2001", "hoi bao oi, con phuong An Hai Tay thi sao?", user_id="u2107", **group)
    assert answer_line_names(called, "Phạm Đình Nam")
    (by_account,) = await ask(bot, "g2001", f"@bot.hoibao {PHUOC_MY}", user_id="u2108", **group)
    assert "Nguyễn Huy Bình" in by_account
    (asked,) = await ask(bot, "g2001", f"/ask {PHUOC_MY}", user_id="u2109", **group)
    assert "Nguyễn Huy Bình" in asked
    (sources,) = await ask(bot, "g2001", "/sources", user_id="u2109", **group)
    assert sources.startswith("Các bài báo mình có:")


# ---------------------------------------------------------------- polling: empty polls, failures


async def test_empty_polls_between_messages(bot):
    (first,) = await ask(bot, "u3001", PHUOC_MY)
    before = bot.empty_polls
    await bot.wait_until(lambda: bot.empty_polls >= before + 2, timeout=5)
    (second,) = await ask(bot, "u3001", "bi thu dang uy phuong phuoc my la ai")
    assert "Nguyễn Huy Bình" in first and "Nguyễn Huy Bình" in second
    empty = [c.at for c in bot.calls if c.method == "getUpdates" and c.error == "Request timeout"]
    gaps = [b - a for a, b in zip(empty, empty[1:])]  # at least the two waited for above
    assert gaps and min(gaps) >= 0.9  # each empty poll waited its timeout: no busy loop


async def test_5xx_on_polling_backs_off_and_recovers(bot, logs):
    def failures() -> list[float]:
        return [c.at for c in bot.calls if c.method == "getUpdates" and c.error == "HTTP 502"]

    bot.fail_next("getUpdates", 502, count=3)
    await bot.wait_until(lambda: len(failures()) >= 3, timeout=10)
    (reply,) = await ask(bot, "u3002", PHUOC_MY)
    assert "Nguyễn Huy Bình" in reply
    failed = failures()
    gaps = [b - a for a, b in zip(failed, failed[1:])]
    assert 0.2 <= gaps[0] < gaps[1]  # 0.2 s, then 0.4 s: exponential, never a tight loop
    warned = [r.getMessage() for r, _ in logs.records if r.name == "hoibao.zalo" and r.levelno == logging.WARNING]
    assert any("getUpdates failed (502)" in m and "retrying in 0.4 s" in m for m in warned)


async def test_5xx_on_send_gets_an_apology_then_recovers(bot, logs):
    bot.fail_next("sendMessage", 500)
    (apology,) = await ask(bot, "u3003", PHUOC_MY)
    assert apology == messages.APOLOGY
    assert [c["_error"] for c in bot.sent("u3003", ok=False)] == ["HTTP 500"]
    assert any(r.name == "hoibao.zalo" and r.levelno == logging.ERROR and "failed: ZaloApiError" in r.getMessage()
               for r, _ in logs.records)
    (reply,) = await ask(bot, "u3003", PHUOC_MY)
    assert "Nguyễn Huy Bình" in reply


# ---------------------------------------------------------------- other ways to run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_enforces_the_secret(dirs, service):
    fake = FakeZalo(TOKEN)
    await fake.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/zalo-hook"
    settings = make_settings(fake, dirs, zalo_webhook_url=url, zalo_webhook_secret="s3cret-Value_1",
                             zalo_webhook_port=port)
    try:
        async with running(settings, service), aiohttp.ClientSession() as http:
            await fake.wait_for(None, method="setWebhook")
            assert fake.webhook == {"url": url, "secret_token": "s3cret-Value_1"}
            (reply,) = await ask(fake, "u4001", PHUOC_MY)  # delivered by the fake with the right secret
            assert reply.startswith("Trả lời: Nguyễn Huy Bình") and fake.deliveries == [200]
            forged = {"event_name": "message.text.received",
                      "message": {"from": {"id": "u4002"}, "chat": {"id": "u4002", "chat_type": "PRIVATE"},
                                  "text": PHUOC_MY, "message_id": "x1", "date": 0}}
            for headers in ({"X-Bot-Api-Secret-Token": "s3cret-Value_2"}, {}):
                async with http.post(url, json=forged, headers=headers) as response:
                    assert response.status == 403
            async with http.post(url, data=b"not json", headers={"X-Bot-Api-Secret-Token": "s3cret-Value_1"}) as r:
                assert r.status == 400
            (later,) = await ask(fake, "u4003", PHUOC_MY)  # delivered after the forged ones were refused
            assert later.startswith("Trả lời: Nguyễn Huy Bình")
            assert [c for c in fake.calls if c.params.get("chat_id") == "u4002"] == []
            assert not any(c.method == "getUpdates" for c in fake.calls)
    finally:
        await fake.stop()


@pytest.mark.parametrize(("secret", "why"), [("short", "has 5 characters"), ("x" * 257, "has 257 characters")])
async def test_webhook_secret_zalo_refuses_stops_the_start(dirs, service, secret, why):
    fake = FakeZalo(TOKEN)
    await fake.start()
    settings = make_settings(fake, dirs, zalo_webhook_url=f"http://127.0.0.1:{free_port()}/zalo-hook",
                             zalo_webhook_secret=secret)
    try:
        with pytest.raises(HoibaoError, match="ZALO_WEBHOOK_SECRET") as caught:
            await zalo.serve(settings, service, asyncio.Event())
        assert why in str(caught.value) and "8 to 256" in str(caught.value)
        assert fake.webhook is None and fake.calls == []  # refused before talking to Zalo
    finally:
        await fake.stop()


@pytest.mark.parametrize("secret", [None, ""])
async def test_webhook_without_a_secret_gets_a_random_one_and_one_warning(dirs, service, records, secret):
    fake = FakeZalo(TOKEN)
    await fake.start()
    port = free_port()
    settings = make_settings(fake, dirs, zalo_webhook_url=f"http://127.0.0.1:{port}/zalo-hook",
                             zalo_webhook_secret=secret, zalo_webhook_port=port)
    try:
        async with running(settings, service):
            await fake.wait_for(None, method="setWebhook")
            (reply,) = await ask(fake, "u4201", PHUOC_MY)
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", fake.webhook["secret_token"]) and fake.deliveries == [200]
        assert reply.startswith("Trả lời: Nguyễn Huy Bình")
        warned = [r.getMessage() for r, _ in records.records if r.levelno == logging.WARNING]
        assert warned == ["ZALO_WEBHOOK_SECRET is not set; using a random secret for this run"]
    finally:
        await fake.stop()


async def test_polling_removes_a_left_over_webhook(dirs, service):
    fake = FakeZalo(TOKEN)
    await fake.start()
    fake.webhook = {"url": "https://old.example.vn/zalo", "secret_token": "old-secret"}
    try:
        async with running(make_settings(fake, dirs), service):
            await fake.wait_for(None, method="deleteWebhook")
            (reply,) = await ask(fake, "u4101", PHUOC_MY)
        assert "Nguyễn Huy Bình" in reply and fake.webhook is None
    finally:
        await fake.stop()


async def test_a_failing_webhook_check_does_not_stop_polling(dirs, service):
    fake = FakeZalo(TOKEN)
    await fake.start()
    fake.fail_next("getWebhookInfo", 500)
    try:
        async with running(make_settings(fake, dirs), service):
            (reply,) = await ask(fake, "u4201", PHUOC_MY)
        assert "Nguyễn Huy Bình" in reply
    finally:
        await fake.stop()


@pytest.mark.parametrize("failing", ["getWebhookInfo", "deleteWebhook"])
async def test_a_failing_optional_set_up_call_says_why_and_polls(dirs, service, records, failing):
    fake = FakeZalo(TOKEN)
    await fake.start()
    fake.webhook = {"url": "https://old.example.vn/zalo", "secret_token": "old-secret"}
    fake.fail_next(failing, 500)
    try:
        async with running(make_settings(fake, dirs), service):
            await fake.wait_until(lambda: any(c.method == "getUpdates" for c in fake.calls))
            fake.webhook = None  # removed by hand meanwhile: the polls that failed now succeed
            (reply,) = await ask(fake, "u4202", PHUOC_MY)
        assert "Nguyễn Huy Bình" in reply
        warned = [r.getMessage() for r, _ in records.records if r.name == "hoibao.zalo" and r.levelno == logging.WARNING]
        step = "check for a" if failing == "getWebhookInfo" else "delete the"
        assert warned[0].startswith(f"could not {step} left-over webhook (Zalo {failing} failed (500)")
        assert "polling anyway" in warned[0]
        assert not any(r.levelno >= logging.ERROR and r.exc_info for r, _ in records.records)
    finally:
        await fake.stop()


async def test_wrong_token_fails_at_start_without_showing_it(dirs, service):
    fake = FakeZalo("999:the-real-token")
    await fake.start()
    try:
        with pytest.raises(ZaloApiError) as caught:
            await zalo.serve(make_settings(fake, dirs), service, asyncio.Event())
        assert caught.value.error_code == 401 and caught.value.method == "getMe"
        assert TOKEN not in str(caught.value) and "zalo-secret-part" not in str(caught.value)
    finally:
        await fake.stop()


# ---------------------------------------------------------------- logs


@pytest.fixture
def httpx_info():
    """httpx at INFO (it logs every request URL) for one test, as without the CLI's quieting."""
    logger = logging.getLogger("httpx")
    level = logger.level
    logger.setLevel(logging.INFO)
    yield
    logger.setLevel(level)


async def test_http_log_lines_show_no_token(bot, records, httpx_info):
    """httpx logs every request URL at INFO; the client redacts the token out of them."""
    await ask(bot, "u5001", PHUOC_MY)
    lines = [text for record, text in records.records if record.name == "httpx"]
    assert any("/bot<hidden>/sendMessage" in line for line in lines)
    assert not any(TOKEN in line or "zalo-secret-part" in line for line in lines)


async def test_logs_carry_no_token_and_no_question_text(bot, logs, records):
    """Every record since the module's bot started (`logs`) and this test's own (`records`)."""
    await ask(bot, "u5002", PHUOC_MY)
    await ask(bot, "u5002", "Còn phường An Hải Tây thì sao?")
    for record, text in logs.records:
        assert TOKEN not in text and "zalo-secret-part" not in text, record.name
    info = [text for record, text in records.records if record.levelno == logging.INFO]
    answered = [t for t in info if "hoibao.chat answered chat=u5002" in t]
    assert len(answered) == 2 and all("found=True" in t and "latency_ms=" in t for t in answered)
    assert not any("Phước Mỹ" in t or "An Hải" in t for t in info)


def answer_line_names(reply: str, name: str) -> bool:
    """The reply opens with the answer line, and it holds `name` (the phrase, or the sentence naming it)."""
    line = reply.split("\n\n", 1)[0]
    return line.startswith("Trả lời: ") and name in line
