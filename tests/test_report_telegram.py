"""/stats end to end: the real Application against the strict fake Bot API, on a synthetic question log."""

from __future__ import annotations

import asyncio
import contextlib
import io
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from bot import messages
from bot.channels.telegram import app as telegram, stats as telegram_stats
from bot.service import AnswerService
from bot.settings import Settings
from tests import fake_questionlog
from tests.conftest import SEEDS
from tests.fake_telegram import CAPTION_LIMIT, TEXT_LIMIT, FakeTelegram, utf16_len

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
]

TOKEN = "654322:AAH-stats-secret-part"
ADMIN = 901
STRANGER = 1701


@pytest.fixture(scope="module")
def log_url(tmp_path_factory) -> str:
    """Questions asked up to now: /stats reports the days that end today."""
    return fake_questionlog.sqlite_log(tmp_path_factory.mktemp("stats") / "hoibao.db", datetime.now(UTC))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake():
    server = FakeTelegram(TOKEN, "hoibao_stats_bot")
    await server.start()
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def running(fake: FakeTelegram, service: AnswerService, database_url: str):
    settings = Settings(_env_file=None, seeds_dir=SEEDS, index_dir=service.settings.index_dir,
                        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, telegram_admin_ids=[ADMIN],
                        database_url=database_url)
    stop = asyncio.Event()
    task = asyncio.create_task(telegram.serve(settings, service, stop))
    try:
        await fake.wait_for(None, method="setMyCommands")
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(seed_index_dir, embedder):
    return AnswerService(Settings(_env_file=None, seeds_dir=SEEDS, index_dir=seed_index_dir), embedder)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(fake, service, log_url):
    async with running(fake, service, log_url):
        yield fake


async def command(fake: FakeTelegram, chat_id: int, text: str, method: str = "sendMessage") -> dict:
    """Send `text` in the user's private chat; the bot's next `method` call to that chat."""
    before = len(fake.sent(chat_id, method))
    fake.message(chat_id, text)
    return (await fake.wait_for(chat_id, before + 1, method=method, timeout=30))[-1]


async def test_stats_sends_the_summary_and_the_chart_to_an_admin(bot):
    summary = await command(bot, ADMIN, "/stats")
    photo = await bot.wait_for(ADMIN, 1, method="sendPhoto", timeout=30)
    text = summary["text"]
    assert text.startswith("Báo cáo Hỏi Báo — 7 ngày") and utf16_len(text) <= TEXT_LIMIT
    assert f"Tổng: {fake_questionlog.TOTAL} câu hỏi" in text
    assert "«Giá vàng hôm nay bao nhiêu?» — 10 lần (3 cách hỏi)" in text  # grouped with the bot's own embedder
    assert f"👍 {fake_questionlog.UP}, 👎 {fake_questionlog.DOWN}" in text
    caption = photo[0]["caption"]
    assert utf16_len(caption) <= CAPTION_LIMIT and f"{fake_questionlog.TOTAL} câu hỏi" in caption
    with Image.open(io.BytesIO(photo[0]["photo"])) as image:
        assert image.format == "PNG" and image.width >= 600
    shown = bot.bot_messages(ADMIN)[-1]
    assert shown["photo"][0]["width"] == image.width


async def test_stats_for_another_period_and_a_wrong_argument(bot):
    summary = await command(bot, ADMIN, "/stats 30")
    assert summary["text"].startswith("Báo cáo Hỏi Báo — 30 ngày")
    await bot.wait_for(ADMIN, 2, method="sendPhoto", timeout=30)
    assert (await command(bot, ADMIN, "/stats tuần"))["text"] == telegram_stats.USAGE
    assert (await command(bot, ADMIN, "/stats 0"))["text"] == telegram_stats.USAGE


async def test_stats_refused_to_a_stranger_as_other_admin_commands(bot):
    assert (await command(bot, STRANGER, "/stats"))["text"] == messages.ADMIN_ONLY
    assert (await command(bot, STRANGER, "/reindex"))["text"] == messages.ADMIN_ONLY
    assert bot.sent(STRANGER, "sendPhoto") == []


async def test_stats_without_a_log_says_so_in_vietnamese(service, tmp_path):
    missing = tmp_path / "none.db"
    own = FakeTelegram(TOKEN, "hoibao_stats_bot")  # a second bot may not poll the module's fake
    await own.start()
    try:
        async with running(own, service, f"sqlite:///{missing}"):
            reply = await command(own, ADMIN, "/stats")
    finally:
        await own.stop()
    assert reply["text"].startswith("Chưa có câu hỏi nào được ghi lại") and not missing.exists()
    assert own.sent(ADMIN, "sendPhoto") == []


# ---------------------------------------------------------------- the fake's sendPhoto is as strict as Telegram


async def test_fake_send_photo_rejects_what_telegram_rejects(fake):
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, format="PNG")
    async with Bot(TOKEN, base_url=fake.base_url) as bot:
        sent = await bot.send_photo(55, png.getvalue(), caption="x" * CAPTION_LIMIT)
        assert sent.photo[0].width == 40 and sent.caption == "x" * CAPTION_LIMIT
        with pytest.raises(BadRequest, match="caption is too long"):
            await bot.send_photo(55, png.getvalue(), caption="x" * (CAPTION_LIMIT + 1))
        with pytest.raises(BadRequest, match="(?i)image_process_failed"):
            await bot.send_photo(55, b"not an image at all")
        thin = io.BytesIO()
        Image.new("RGB", (1000, 10), "white").save(thin, format="PNG")
        with pytest.raises(BadRequest, match="(?i)photo_invalid_dimensions"):
            await bot.send_photo(55, thin.getvalue())
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_photo(55, png.getvalue(), caption="<b>đậm", parse_mode="HTML")
