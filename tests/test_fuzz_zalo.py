"""Fuzzing the Zalo bot with hypothesis: whatever arrives, no exception, every reply one Zalo takes.

Updates (tests/fuzz_updates.py: Zalo's shape with any field missing or of the wrong type, unknown
events, any JSON at all) go to the real `ZaloChannel.handle`, the function the poll loop and the
webhook hand every update to, over the real answer service; its replies go over HTTP, through
the real `ZaloBot` client, to the strict fake Zalo API (it refuses a text outside 1..2,000
characters, an unknown chat, an unknown chat action). Raw webhook bodies go over HTTP to the
real webhook server; raw `getUpdates` results (any JSON) through the real poll loop.

Checked after every example: no log record at ERROR or above (the channel's error handler logs
every failure there, asyncio every task failure), every call the bot made accepted by the fake,
and the memory the bot keeps per chat and per user under its caps.

`make test` runs a few hundred examples of each test; `make test-fuzz` 10,000 (marker `fuzz`).
"""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st

from bot import messages
from bot.channels.core import ChannelCore
from bot.channels.zalo import app as zalo
from bot.channels.zalo.api import ZaloBot
from bot.questionlog.channel import ChannelLog
from bot.questionlog.writer import QuestionLog
from bot.service import AnswerService
from bot.settings import Settings
from tests.fake_zalo import TEXT_LIMIT, FakeZalo
from tests.fuzz_updates import ZALO_USERS, kind_of, bodies, json_values, zalo_updates
from tests.logcapture import all_logs, private_index

pytestmark = [
    pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
]

TOKEN = "3222229135581534944:fuzz-secret-part"
SECRET = "fuzz-webhook-secret"
CAP = 64  # users and chats remembered, small so that the fuzz goes past it
QUICK, FUZZ = 300, 10_000  # updates: `make test`, `make test-fuzz`
QUICK_TRANSPORT, FUZZ_TRANSPORT = 150, 2_000  # webhook bodies and polled results


def fuzz_settings(examples: int):
    """Quick runs see the same examples every time (CI); the long fuzz looks for new ones."""
    return hsettings(max_examples=examples, deadline=None, derandomize=examples < 1000, print_blob=True,
                     database=None if examples < 1000 else hsettings.default.database,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.large_base_example, HealthCheck.filter_too_much])


class Bot:
    """The real channel and client against the fake, in their own event loop."""

    def __init__(self, base, embedder) -> None:
        seeds, index = private_index(base, embedder)
        self.runner = asyncio.Runner()
        self.fake = FakeZalo(TOKEN)
        self.runner.run(self.fake.start())
        self.settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, zalo_bot_token=TOKEN,
                                 zalo_base_url=self.fake.base_url, database_url=f"sqlite:///{base / 'questions.db'}")
        self.api = ZaloBot(TOKEN, self.fake.base_url)
        self.questions = QuestionLog.from_settings(self.settings)  # 👍 / đúng / sai replies rate answers
        self.core = ChannelCore(AnswerService(self.settings, embedder), self.settings, messages.zalo_help("Hỏi Báo"),
                                questions=ChannelLog(self.questions, "zalo"))
        self.core.conversations.rate.max_users = CAP
        self.core.conversations.history.max_chats = CAP
        self.core.votes.max_answers = self.core.last_answers.max_chats = CAP
        self.channel = zalo.ZaloChannel(self.api, self.core, zalo.bot_names(self.fake.me))
        for chat in ZALO_USERS:
            self.fake.open_chat(chat)

    def open_chats(self, update: object) -> None:
        """Any chat id the update (or list of them) names is one the fake knows (a real user's chat exists)."""
        if isinstance(update, list):
            for item in update:
                self.open_chats(item)
            return
        message = update.get("message") if isinstance(update, dict) else None
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), str | int) and not isinstance(chat.get("id"), bool):
            self.fake.open_chat(str(chat["id"]))

    def close(self) -> None:
        async def stop() -> None:
            await self.api.aclose()
            await self.fake.stop()

        self.runner.run(stop())
        self.runner.close()
        if self.questions:
            self.questions.close()


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder):
    bot = Bot(tmp_path_factory.mktemp("fuzz-zalo"), embedder)
    yield bot
    bot.close()


def outcome(calls) -> str:
    """What the bot did with an example, for `--hypothesis-show-statistics`."""
    texts = [c.params.get("text", "") for c in calls if c.method == "sendMessage" and c.ok]
    if any(t.startswith(("Trả lời", "Mình chưa chắc")) for t in texts):
        return "answered from the articles"
    return f"replied: {kind_of(texts[0])}" if texts else "ignored"


def check(bot: Bot, logs, calls_before: int) -> None:
    errors = [text for record, text in logs.records if record.levelno >= logging.ERROR]
    assert errors == [], errors[0]
    new = bot.fake.calls[calls_before:]
    refused = [(c.method, c.error) for c in new if not c.ok and c.method != "getUpdates"]
    assert refused == [], refused
    for call in new:
        if call.method == "sendMessage":
            assert 1 <= len(call.params["text"]) <= TEXT_LIMIT
    conversations = bot.core.conversations
    assert len(conversations.rate._events) <= CAP and len(conversations.history._chats) <= CAP
    assert len(bot.core.votes._answers) <= CAP and len(bot.core.last_answers._chats) <= CAP
    assert len(bot.core.chat_locks) == 0 and bot.channel.in_flight == 0


def one_update(bot: Bot, update: object) -> None:
    bot.open_chats(update)
    before = len(bot.fake.calls)
    with all_logs() as logs:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        bot.runner.run(bot.channel.handle(update))
    check(bot, logs, before)
    event(outcome(bot.fake.calls[before:]))
    bot.fake.forget(keep=200)


@fuzz_settings(QUICK)
@given(update=zalo_updates())
def test_any_update_is_answered_or_ignored_without_error(bot, update):
    one_update(bot, update)


@pytest.mark.fuzz
@fuzz_settings(FUZZ)
@given(update=zalo_updates())
def test_fuzz_updates(bot, update):
    one_update(bot, update)


# ---------------------------------------------------------------- the webhook server and the poll loop


@pytest.fixture(scope="module")
def webhook(bot):
    """The real webhook server over the bot's channel; (URL, HTTP client)."""

    async def serve() -> tuple[web.AppRunner, str, aiohttp.ClientSession]:
        runner = web.AppRunner(zalo.webhook_app("/hook", SECRET, bot.channel), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return runner, f"http://127.0.0.1:{port}/hook", aiohttp.ClientSession()

    runner, url, http = bot.runner.run(serve())
    yield url, http

    async def stop() -> None:
        await http.close()
        await runner.cleanup()

    bot.runner.run(stop())


SECRETS = st.sampled_from([SECRET] * 8 + ["", "wrong-secret", SECRET + "x"])


def one_body(bot: Bot, webhook, body: bytes, secret: str) -> None:
    url, http = webhook
    try:
        sent = json.loads(body)
    except (ValueError, RecursionError):
        sent = None
    if isinstance(sent, dict):
        bot.open_chats(sent.get("result", sent))

    async def post() -> int:
        async with http.post(url, data=body, headers={zalo.SECRET_HEADER: secret,
                                                       "Content-Type": "application/json"}) as response:
            status = response.status
        await bot.channel.drain(60)  # every update dispatched, answered
        return status

    before = len(bot.fake.calls)
    with all_logs() as logs:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        status = bot.runner.run(post())
    assert status == 403 if secret != SECRET else status in (200, 400, 413)  # 413: over aiohttp's 1 MB
    check(bot, logs, before)
    event(f"HTTP {status}: {outcome(bot.fake.calls[before:])}")
    bot.fake.forget(keep=200)


@fuzz_settings(QUICK_TRANSPORT)
@given(body=bodies(zalo_updates()), secret=SECRETS)
def test_any_webhook_body_is_refused_or_served_without_error(bot, webhook, body, secret):
    """403 without the secret, 400 for what is not a JSON object, 200 otherwise."""
    one_body(bot, webhook, body, secret)


@pytest.mark.fuzz
@fuzz_settings(FUZZ_TRANSPORT)
@given(body=bodies(zalo_updates()), secret=SECRETS)
def test_fuzz_webhook_bodies(bot, webhook, body, secret):
    one_body(bot, webhook, body, secret)


@pytest.fixture(scope="module")
def polling(bot):
    """The real poll loop (1 s polls) over the bot's channel."""
    task = bot.runner.run(_start_polling(bot))
    yield
    task.cancel()
    bot.runner.run(asyncio.wait({task}))


async def _start_polling(bot: Bot) -> asyncio.Task:
    return asyncio.create_task(zalo.poll(bot.api, bot.channel, timeout=1, backoff=(0.05, 0.2)))


def one_result(bot: Bot, result: object) -> None:
    bot.open_chats(result)

    async def deliver() -> None:
        bot.fake.push_raw(result)
        # Taken, dispatched, and the next poll begun.
        await bot.fake.wait_until(lambda: not bot.fake._pending and bot.fake.polls > bot.fake.taken_at_poll)
        await bot.channel.drain(60)

    before = len(bot.fake.calls)
    with all_logs() as logs:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        bot.runner.run(deliver())
    check(bot, logs, before)
    event(outcome(bot.fake.calls[before:]))
    bot.fake.forget(keep=200)


RESULTS = st.one_of(zalo_updates(), zalo_updates(), st.lists(zalo_updates(), max_size=3), json_values)


@fuzz_settings(QUICK_TRANSPORT)
@given(result=RESULTS)
def test_any_polled_result_is_answered_or_ignored_without_error(bot, polling, result):
    """What getUpdates answers is Zalo's to choose: an update, a list, or anything at all."""
    one_result(bot, result)


@pytest.mark.fuzz
@fuzz_settings(FUZZ_TRANSPORT)
@given(result=RESULTS)
def test_fuzz_polled_results(bot, polling, result):
    one_result(bot, result)
