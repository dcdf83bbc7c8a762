"""Fuzzing the Telegram bot with hypothesis: whatever arrives, no exception, every reply one Telegram takes.

Updates (tests/fuzz_updates.py) go where python-telegram-bot's Updater puts those it polls: the
real Application's update queue, after the same `Update.de_json` and button-data lookup; from
there PTB's own update processing runs the real handlers over the real answer service, whose
replies go over HTTP to the strict fake Bot API (it refuses a text over 4,096 characters, bad
HTML, a callback answer over 200). Driving the updates through `getUpdates` instead would add
only the fake's long poll to every one, and 10,000 would take far longer. The rate limiter
that keeps the bot under Telegram's flood limit is left out here (it would hold a fuzz of
10,000 updates to 30 a second and 20 a minute per group); the load benchmark and the drain
tests run with it. Raw webhook bodies go over HTTP to the real webhook server.

Checked after every example: no log record at ERROR or above (PTB's error handler logs every
handler failure there, asyncio every task failure), every call the bot made accepted by the fake,
and the memory the bot keeps per chat and per user under its caps.

`make test` runs a few hundred examples of each test; `make test-fuzz` 10,000 (marker `fuzz`).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, event, given, settings as hsettings, strategies as st
from telegram import Update

from bot.channels.telegram import app as telegram
from bot.channels.telegram.updates import DrainingUpdates, webhook_app
from bot.questionlog.writer import QuestionLog
from bot.service import AnswerService
from bot.settings import Settings
from tests.fake_telegram import CALLBACK_ANSWER_LIMIT, TEXT_LIMIT, FakeTelegram, utf16_len
from tests.fuzz_updates import BOT_USERNAME, kind_of, QUESTION, bodies, resolve, tg_updates
from tests.logcapture import all_logs, private_index

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"),
    # The test's own client and hypothesis's reports, about 100 kB texts.
    pytest.mark.filterwarnings("ignore:Sending a large body:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"),
]

TOKEN = "123456:FUZZ-secret-part"
SECRET = "fuzz_secret-1"
CAP = 64  # users and chats remembered, small so that the fuzz goes past it
# What Telegram refuses because of what the sender forged (a press on a message that is not the
# bot's, an unknown query id): the bot tried, and goes on. Every other refusal is a bug.
FORGED = ("query is too old", "MESSAGE_ID_INVALID", "message to edit not found")
QUICK, FUZZ = 300, 10_000  # updates: `make test`, `make test-fuzz`
QUICK_BODIES, FUZZ_BODIES = 200, 2_000  # webhook bodies


def fuzz_settings(examples: int):
    """Quick runs see the same examples every time (CI); the long fuzz looks for new ones."""
    return hsettings(max_examples=examples, deadline=None, derandomize=examples < 1000, print_blob=True,
                     database=None if examples < 1000 else hsettings.default.database,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                            HealthCheck.large_base_example, HealthCheck.filter_too_much])


class Bot:
    """The real Application (no flood limiter) against the fake, in its own event loop."""

    def __init__(self, base, embedder) -> None:
        seeds, index = private_index(base, embedder)
        self.runner = asyncio.Runner()
        self.fake = FakeTelegram(TOKEN, BOT_USERNAME)
        self.runner.run(self.fake.start())
        self.settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, telegram_bot_token=TOKEN,
                                 telegram_base_url=self.fake.base_url, telegram_admin_ids=[7],
                                 database_url=f"sqlite:///{base / 'questions.db'}")
        self.service = AnswerService(self.settings, embedder)
        self.questions = QuestionLog.from_settings(self.settings)  # the 👍/👎 buttons come with it
        self.app = telegram.build_application(self.settings, self.service, self.questions, flood_limit=False)
        self.core = self.app.bot_data.core
        self.core.conversations.rate.max_users = CAP
        self.core.conversations.history.max_chats = CAP
        self.core.votes.max_answers = self.core.last_answers.max_chats = CAP
        self.known: list[str] = []  # real button data, pressed again by the fuzz
        self.bot_messages: list[dict] = []
        self.runner.run(self._start())

    async def _start(self) -> None:
        await self.app.initialize()
        await self.app.start()
        self.fake.message(1, QUESTION)  # one real answer with its button, for the fuzz to press again
        await self.feed(self.fake.updates.pop())

    async def feed(self, data: dict) -> None:
        """As PTB's Updater does with a polled update: read it, restore its button data, queue it."""
        data = resolve(data, self.known, self.bot_messages)
        for query_id in [data.get("callback_query", {}).get("id")]:
            if query_id:
                self.fake.known_callback(query_id)
        update = Update.de_json(data, self.app.bot)
        self.app.bot.insert_callback_data(update)
        await self.app.update_queue.put(update)
        await self.app.update_queue.join()  # every update answered: PTB marks it done after its handlers
        self._learn()

    def _learn(self) -> None:
        for message in self.fake.bot_messages_all()[-5:]:
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button["callback_data"] not in self.known:
                        self.known.append(button["callback_data"])
                        self.bot_messages.append(message)
        del self.known[:-50], self.bot_messages[:-50]

    def close(self) -> None:
        async def stop() -> None:
            await self.app.stop()
            await self.app.shutdown()
            await self.fake.stop()

        self.runner.run(stop())
        self.runner.close()
        if self.questions:
            self.questions.close()


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder):
    bot = Bot(tmp_path_factory.mktemp("fuzz-telegram"), embedder)
    yield bot
    bot.close()


def outcome(calls) -> str:
    """What the bot did with an example, for `--hypothesis-show-statistics`."""
    sent = [c for c in calls if "_error" not in c.params]
    if any(c.method == "sendMessage" and c.params.get("parse_mode") == "HTML" for c in sent):
        return "answered from the articles"
    if any(c.method == "editMessageText" for c in sent):
        return "showed another source"
    if any(c.method == "sendMessage" for c in sent):
        return f"replied: {kind_of(next(c.params['text'] for c in sent if c.method == 'sendMessage'))}"
    if any(c.method == "answerCallbackQuery" for c in sent):
        return "answered a button press"
    return "refused by Telegram (forged)" if calls else "ignored"


def check(bot: Bot, logs, calls_before: int) -> None:
    errors = [text for record, text in logs.records if record.levelno >= logging.ERROR]
    assert errors == [], errors[0]
    new = bot.fake.calls[calls_before:]
    refused = [(c.method, c.params["_error"]) for c in new
               if "_error" in c.params and not any(why in c.params["_error"] for why in FORGED)]
    assert refused == [], refused
    for call in new:
        if call.method in ("sendMessage", "editMessageText"):
            assert 0 < utf16_len(str(call.params["text"])) <= TEXT_LIMIT  # visible text; the fake checked HTML
        if call.method == "answerCallbackQuery":
            assert len(call.params.get("text", "")) <= CALLBACK_ANSWER_LIMIT
    conversations, app = bot.core.conversations, bot.app
    assert len(conversations.rate._events) <= CAP and len(conversations.history._chats) <= CAP
    assert len(bot.core.votes._answers) <= CAP and len(bot.core.last_answers._chats) <= CAP
    assert len(bot.core.chat_locks) == 0  # every chat's lock let go once its update is answered
    assert len(app.chat_data) == 0 and len(app.user_data) == 0  # PTB keeps nothing per chat for us
    assert not app._chat_ids_to_be_updated_in_persistence and not app._user_ids_to_be_updated_in_persistence
    cache = app.bot.callback_data_cache
    assert len(cache._keyboard_data) <= telegram.BUTTONS_KEPT and len(cache._callback_queries) <= telegram.BUTTONS_KEPT
    processor = app.update_processor
    assert isinstance(processor, DrainingUpdates) and processor.pending == 0


def one_update(bot: Bot, update: dict) -> None:
    before = len(bot.fake.calls)
    with all_logs() as logs:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        bot.runner.run(bot.feed(update))
    check(bot, logs, before)
    event(outcome(bot.fake.calls[before:]))
    bot.fake.forget(keep=200)  # the fake's own memory, not the bot's


@fuzz_settings(QUICK)
@given(update=tg_updates())
def test_any_update_is_answered_or_ignored_without_error(bot, update):
    one_update(bot, update)


@pytest.mark.fuzz
@fuzz_settings(FUZZ)
@given(update=tg_updates())
def test_fuzz_updates(bot, update):
    one_update(bot, update)


@pytest.fixture(scope="module")
def webhook(bot):
    """The real webhook server, feeding the bot's Application; (URL, HTTP client)."""

    async def serve() -> tuple[web.AppRunner, str, aiohttp.ClientSession]:
        runner = web.AppRunner(webhook_app("/hook", SECRET, bot.app), access_log=None)
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


def one_body(bot: Bot, webhook, body: bytes, secret: str) -> None:
    url, http = webhook

    async def post() -> int:
        async with http.post(url, data=body, headers={"X-Telegram-Bot-Api-Secret-Token": secret,
                                                       "Content-Type": "application/json"}) as response:
            status = response.status
        await bot.app.update_queue.join()
        return status

    before = len(bot.fake.calls)
    with all_logs() as logs:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        status = bot.runner.run(post())
    assert status == 403 if secret != SECRET else status in (200, 400, 413)  # 413: over aiohttp's 1 MB
    check(bot, logs, before)
    event(f"HTTP {status}: {outcome(bot.fake.calls[before:])}")
    bot.fake.forget(keep=200)


SECRETS = st.sampled_from([SECRET] * 8 + ["", "wrong", SECRET + "x"])


@fuzz_settings(QUICK_BODIES)
@given(body=bodies(tg_updates()), secret=SECRETS)
def test_any_webhook_body_is_refused_or_served_without_error(bot, webhook, body, secret):
    """403 without the secret, 400 for what is not an update object, 200 otherwise (an update PTB
    cannot read is dropped with a warning)."""
    one_body(bot, webhook, body, secret)


@pytest.mark.fuzz
@fuzz_settings(FUZZ_BODIES)
@given(body=bodies(tg_updates()), secret=SECRETS)
def test_fuzz_webhook_bodies(bot, webhook, body, secret):
    one_body(bot, webhook, body, secret)
