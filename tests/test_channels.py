"""What the channels share: tokens and webhook secrets, commands, and one stop for every bot of a process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys

import pytest
from pydantic import SecretStr

from bot.channels import credentials, serve
from bot.channels.core import Budget, parse_command
from bot.questionlog.writer import QuestionLog
from bot.service import AnswerService
from bot.settings import Settings
from index.errors import HoibaoError
from tests.conftest import ROOT, SEEDS
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo

TELEGRAM_TOKEN = "654321:AAH-secret-part-never-logged"
ZALO_TOKEN = "3222229135581534944:zalo-secret-part-never-logged"
PHUOC_MY = "Bí thư Đảng ủy phường Phước Mỹ là ai?"


# ---------------------------------------------------------------- webhook secrets


@pytest.mark.parametrize("rule", [credentials.TELEGRAM_SECRET, credentials.ZALO_SECRET], ids=["telegram", "zalo"])
@pytest.mark.parametrize("value", [None, SecretStr("")], ids=["absent", "empty"])
def test_no_secret_means_a_random_one_and_one_warning(rule, value, caplog):
    with caplog.at_level("WARNING", logger="hoibao.channels"):
        first, second = credentials.webhook_secret(value, rule), credentials.webhook_secret(value, rule)
    assert first != second and re.fullmatch(r"[A-Za-z0-9_-]{43}", first)
    assert credentials.check_secret(SecretStr(first), rule) == first  # the platform accepts it
    assert [r.getMessage() for r in caplog.records] == [f"{rule.variable} is not set; using a random secret for this run"] * 2


@pytest.mark.parametrize(
    ("rule", "secret", "error"),
    [
        (credentials.TELEGRAM_SECRET, "x" * 257, "TELEGRAM_WEBHOOK_SECRET has 257 characters; Telegram wants 1 to 256"),
        (credentials.TELEGRAM_SECRET, "có dấu", "TELEGRAM_WEBHOOK_SECRET has 6 characters (some not allowed)"),
        (credentials.TELEGRAM_SECRET, "a.b", "of A-Z, a-z, 0-9, _ and -"),
        (credentials.ZALO_SECRET, "1234567", "ZALO_WEBHOOK_SECRET has 7 characters; Zalo wants 8 to 256"),
        (credentials.ZALO_SECRET, "z" * 257, "ZALO_WEBHOOK_SECRET has 257 characters; Zalo wants 8 to 256"),
    ],
)
def test_a_secret_the_platform_refuses_is_an_error_naming_the_variable(rule, secret, error):
    with pytest.raises(HoibaoError) as caught:
        credentials.webhook_secret(SecretStr(secret), rule)
    assert error in str(caught.value) and str(caught.value).endswith("Change it in .env.")
    assert secret not in str(caught.value)


@pytest.mark.parametrize(
    ("rule", "secret"),
    [(credentials.TELEGRAM_SECRET, "a"), (credentials.TELEGRAM_SECRET, "Az09_-" * 42),
     (credentials.ZALO_SECRET, "8 chars!"), (credentials.ZALO_SECRET, "s3cret with spaces is fine")],
)
def test_a_secret_the_platform_accepts_is_kept(rule, secret):
    assert credentials.webhook_secret(SecretStr(secret), rule) == secret


# ---------------------------------------------------------------- tokens


def test_an_empty_token_is_not_set():
    settings = Settings(_env_file=None, telegram_bot_token="", zalo_bot_token="")
    assert credentials.configured(settings) == []
    with pytest.raises(HoibaoError, match=r"^TELEGRAM_BOT_TOKEN is not set\. Create a bot with @BotFather"):
        credentials.token(settings, credentials.TELEGRAM)
    assert credentials.configured(Settings(_env_file=None, zalo_bot_token="z:1")) == [credentials.ZALO]


def hoibao(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "HOIBAO_"))}
    base.update(PYTHONPATH=str(ROOT), HOIBAO_INDEX_DIR=str(tmp_path / "index"), HOIBAO_SEEDS_DIR=str(SEEDS), **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path,
                          env=base, timeout=60)


@pytest.mark.parametrize(
    ("command", "env", "message"),
    [
        ("telegram", {}, "hoibao: TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather and put its token in .env."),
        ("telegram", {"TELEGRAM_BOT_TOKEN": ""}, "hoibao: TELEGRAM_BOT_TOKEN is not set."),
        ("zalo", {"ZALO_BOT_TOKEN": ""}, "hoibao: ZALO_BOT_TOKEN is not set. Create a bot in Zalo Bot Manager"),
        ("telegram", {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/tg",
                      "TELEGRAM_WEBHOOK_SECRET": "not allowed!"}, "hoibao: TELEGRAM_WEBHOOK_SECRET has 12 characters"),
        ("run", {"ZALO_BOT_TOKEN": "1:x", "ZALO_WEBHOOK_URL": "https://bot.example.vn/zalo",
                 "ZALO_WEBHOOK_SECRET": "short"}, "hoibao: ZALO_WEBHOOK_SECRET has 5 characters"),
    ],
    ids=["telegram-absent", "telegram-empty", "zalo-empty", "telegram-secret", "run-zalo-secret"],
)
def test_a_missing_token_or_bad_secret_is_one_line_before_the_index_is_built(tmp_path, command, env, message):
    done = hoibao(command, tmp_path=tmp_path, **env)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(message) and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "index").exists()  # said so before building anything


# ---------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("/start", ("start", "")), ("/ask@hoibao_bot  Ai là bí thư?", ("ask", "Ai là bí thư?")),
     ("/ask\nAi là bí thư?", ("ask", "Ai là bí thư?")), (" /HELP", ("help", "")),
     ("Ai là bí thư?", None), ("/", None), ("", None), ("a /start", None)],
)
def test_parse_command(text, parsed):
    assert parse_command(text) == parsed


# ---------------------------------------------------------------- both bots, one stop


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_sigterm_stops_telegram_and_zalo_running_together(settings, embedder):
    telegram_api, zalo_api = FakeTelegram(TELEGRAM_TOKEN), FakeZalo(ZALO_TOKEN)
    await telegram_api.start()
    await zalo_api.start()
    both = settings.model_copy(update=dict(
        telegram_bot_token=SecretStr(TELEGRAM_TOKEN), telegram_base_url=telegram_api.base_url,
        zalo_bot_token=SecretStr(ZALO_TOKEN), zalo_base_url=zalo_api.base_url))
    try:
        running = asyncio.create_task(serve.serve_all(both, AnswerService(both, embedder), credentials.configured(both)))
        await telegram_api.wait_for(None, method="setMyCommands")
        await zalo_api.wait_for(None, method="getWebhookInfo")
        telegram_api.message(1, PHUOC_MY)
        zalo_api.message("u1", PHUOC_MY)
        assert "Nguyễn Huy Bình" in (await telegram_api.wait_for(1))[0]["text"]
        assert "Nguyễn Huy Bình" in (await zalo_api.wait_for("u1"))[0]["text"]
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 20)  # both stopped, cleanly: no exception
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # and the handler is gone
    finally:
        await telegram_api.stop()
        await zalo_api.stop()


# ---------------------------------------------------------------- shutdown


def test_typing_budget_allows_a_few_a_second():
    now = [0.0]
    budget = Budget(3, clock=lambda: now[0])
    assert [budget.take() for _ in range(5)] == [True, True, True, False, False]
    now[0] += 1 / 3
    assert budget.take() and not budget.take()
    now[0] += 10
    assert sum(budget.take() for _ in range(10)) == 3  # never more than a second's worth at once


async def test_shutdown_hooks_run_in_order_with_their_time_and_one_failing_does_not_stop_the_next(caplog):
    now = [0.0]  # the hooks' clock: each hook says how long it took
    called: list[tuple[str, float]] = []

    async def flush(seconds: float) -> None:
        called.append(("flush", seconds))
        now[0] += 0.2

    def broken(seconds: float) -> None:
        called.append(("broken", seconds))
        now[0] += 0.4  # past the budget
        raise RuntimeError("disk full")

    async def slow(seconds: float) -> None:
        called.append(("slow", seconds))
        await asyncio.sleep(60)  # cut when its 0.1 s are up

    with caplog.at_level("WARNING", logger="hoibao.channels"):
        await serve.run_hooks([flush, broken, slow, lambda s: called.append(("last", s))], 0.5, clock=lambda: now[0])
    # Each gets what the ones before it left; past the budget, still 0.1 s rather than nothing.
    assert called == [("flush", 0.5), ("broken", pytest.approx(0.3)), ("slow", 0.1), ("last", 0.1)]
    messages = [r.getMessage() for r in caplog.records]
    assert any("broken failed: RuntimeError" in m for m in messages)
    assert any("slow did not finish within 0.1 s" in m for m in messages)


class _WrittenAtClose(QuestionLog):
    """The real question log, holding its rows until it is closed (no timed flush): what a hook sees in the
    database then depends only on whether the log was closed before it."""

    def __init__(self, url: str, **options) -> None:
        super().__init__(url, **{**options, "flush_seconds": 3600.0})


def _questions_in(database) -> int:
    """Rows in the log's `questions` table; 0 while the writer has not created it."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(database)) as db:
        try:
            return db.execute("select count(*) from questions").fetchone()[0]
        except sqlite3.OperationalError:  # no such table: nothing written yet
            return 0


async def test_serve_all_flushes_the_question_log_then_calls_the_hooks(settings, embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(serve, "QuestionLog", _WrittenAtClose)
    api = FakeZalo(ZALO_TOKEN)
    await api.start()
    database = tmp_path / "log.db"
    seen: list[tuple[int, float]] = []  # (questions in the database, seconds given) when the hook ran
    configured = settings.model_copy(update=dict(zalo_bot_token=SecretStr(ZALO_TOKEN), zalo_base_url=api.base_url,
                                                  database_url=f"sqlite:///{database}"))
    stop = asyncio.Event()
    try:
        running = asyncio.create_task(serve.serve_all(configured, AnswerService(configured, embedder),
                                                      [credentials.ZALO], stop,
                                                      on_shutdown=[lambda s: seen.append((_questions_in(database), s))]))
        await api.wait_until(lambda: api.polls > 0)
        api.message("u1", PHUOC_MY)
        await api.wait_for("u1")
        assert _questions_in(database) == 0  # still queued: only the shutdown writes it
        stop.set()
        await asyncio.wait_for(running, 10)
    finally:
        await api.stop()
    [(counted, seconds)] = seen
    assert counted == 1  # the row was in the database when the hook ran: flushed before it
    assert 0 < seconds <= serve.HOOKS_SECONDS


@pytest.mark.parametrize("header", [b"\xff\xfe\xed", b"s3cret-Value_1\x80", "bí mật".encode(), b"\xed\xa0\x80"])
@pytest.mark.parametrize("platform", ["telegram", "zalo"])
async def test_a_webhook_secret_header_that_is_not_utf8_is_refused_without_error(platform, header, caplog):
    """Raw header bytes no HTTP client library would send: 403, not a 500 with a traceback."""
    from aiohttp import web

    from bot.channels.telegram import updates as telegram_updates
    from bot.channels.zalo import app as zalo

    if platform == "zalo":
        class Channel:
            in_flight = 0

            def dispatch(self, update: object) -> None:
                raise AssertionError("not for a forged request")

        app, name = zalo.webhook_app("/hook", "s3cret-Value_1", Channel()), zalo.SECRET_HEADER
    else:
        app, name = telegram_updates.webhook_app("/hook", "s3cret-Value_1", None), telegram_updates.SECRET_HEADER
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        with caplog.at_level("ERROR"):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n" + name.encode() + b": " + header
                         + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            await writer.drain()
            status = (await reader.read())[:12]
            writer.close()
        assert status == b"HTTP/1.1 403" and caplog.records == []
    finally:
        await runner.cleanup()


async def test_updates_waiting_for_a_slot_are_counted_and_cut_cleanly():
    """PTB's updates, one at a time here: the one waiting is counted in `pending`, and cut without a
    'coroutine was never awaited' warning."""
    import gc

    from bot.channels.telegram.updates import DrainingUpdates

    processor = DrainingUpdates(concurrent=1)
    await processor.initialize()
    release, done = asyncio.Event(), []

    async def update(name: str) -> None:
        await release.wait()
        done.append(name)

    first = asyncio.create_task(processor.do_process_update(1, update("first")))
    second = asyncio.create_task(processor.do_process_update(2, update("second")))
    await asyncio.sleep(0.01)
    assert processor.pending == 2
    second.cancel()  # cut while waiting for the slot: its coroutine never started
    await asyncio.gather(second, return_exceptions=True)
    gc.collect()  # a coroutine never awaited would warn here (and warnings are errors in this suite)
    release.set()
    await first
    assert done == ["first"] and processor.pending == 0
