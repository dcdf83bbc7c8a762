"""SIGTERM during a burst: `hoibao telegram` and `hoibao zalo` run as the operator runs them (a
subprocess, against the fake APIs), get a burst of questions, then SIGTERM.

Either every reply reaches the API before the drain deadline, or the ones still unsent are counted
in one log line; in both cases the process exits 0 within HOIBAO_DRAIN_SECONDS + 5 s, and its
stderr holds no traceback.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

TELEGRAM_TOKEN = "654321:AAH-drain-secret"
ZALO_TOKEN = "3222229135581534944:zalo-drain-secret"
QUESTIONS = ["Bí thư Đảng ủy phường Phước Mỹ là ai?", "bi thu dang uy phuong an hai tay la ai",
             "Phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?", "/help", "Hôm nay trời thế nào?"]
UNSENT = re.compile(r"(telegram|zalo): (\d+) answer\(s\) not sent: the ([\d.]+) s drain \(HOIBAO_DRAIN_SECONDS\)")


class Bot:
    """`python -m bot COMMAND` with its own environment, stderr to a file."""

    def __init__(self, command: str, tmp_path: Path, index_dir: Path, **env: str) -> None:
        self.command, self.tmp_path, self.drain = command, tmp_path, float(env["HOIBAO_DRAIN_SECONDS"])
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "HOIBAO_"))}
        self.env.update(PYTHONPATH=str(ROOT), HOIBAO_INDEX_DIR=str(index_dir), HOIBAO_SEEDS_DIR=str(SEEDS), **env)
        self.stderr_path = tmp_path / f"{command}.stderr"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with open(self.stderr_path, "wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", self.command, cwd=self.tmp_path, env=self.env,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=stderr)

    async def terminate(self) -> tuple[int, float, str]:
        """SIGTERM; (exit code, seconds it took to exit, stderr)."""
        assert self.process
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), self.drain + 30)
        finally:
            if self.process.returncode is None:
                self.process.kill()
        return code, time.monotonic() - started, self.stderr_path.read_text("utf-8", "replace")


def unsent_counts(stderr: str) -> list[int]:
    return [int(m.group(2)) for m in UNSENT.finditer(stderr)]


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr[-3000:]
    assert " ERROR " not in stderr and " CRITICAL " not in stderr, stderr[-3000:]


# ---------------------------------------------------------------- Telegram


async def telegram_burst(tmp_path: Path, index_dir: Path, drain: float, retry_after: int,
                         chats: int = 20, per_chat: int = 3) -> tuple[FakeTelegram, list[dict], int, float, str]:
    """A burst from `chats` chats, the first reply answered 429 (retry_after) so the rest queue
    behind the flood limit, then SIGTERM once the bot has taken every update."""
    fake = FakeTelegram(TELEGRAM_TOKEN)
    await fake.start()
    bot = Bot("telegram", tmp_path, index_dir, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BASE_URL=fake.base_url,
              HOIBAO_DRAIN_SECONDS=str(drain))
    try:
        await bot.start()
        await fake.wait_for(None, method="setMyCommands", timeout=90)
        fake.fail_next_messages(1, retry_after=retry_after)
        updates = [fake.message(chat, QUESTIONS[(chat + i) % len(QUESTIONS)])
                   for i in range(per_chat) for chat in range(1, chats + 1)]
        async with fake._changed:  # every update fetched (confirmed by the next getUpdates' offset)
            await asyncio.wait_for(fake._changed.wait_for(lambda: not fake.updates), 30)
        code, took, stderr = await bot.terminate()
        return fake, updates, code, took, stderr
    finally:
        if bot.process and bot.process.returncode is None:
            bot.process.kill()
        await fake.stop()


def replied_to(fake: FakeTelegram) -> set[int]:
    """The message ids the bot's accepted replies quote (each update gets one reply)."""
    return {int(p["reply_parameters"]["message_id"]) if isinstance(p["reply_parameters"], dict) else -1
            for p in fake.sent() if p.get("reply_parameters")}


async def test_telegram_sigterm_sends_every_queued_reply_within_the_drain(tmp_path, seed_index_dir):
    fake, updates, code, took, stderr = await telegram_burst(tmp_path, seed_index_dir, drain=20, retry_after=2)
    assert code == 0 and took < 20 + 5
    assert_clean(stderr)
    assert unsent_counts(stderr) == []
    answered = [p for p in fake.sent() if p.get("reply_parameters")]
    assert len(answered) == len(updates)  # every reader got an answer, none twice
    keys = {(int(p["chat_id"]), int(p["reply_parameters"]["message_id"])) for p in answered}
    assert keys == {(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in updates}


async def test_telegram_sigterm_past_the_deadline_counts_the_unsent_in_one_line(tmp_path, seed_index_dir):
    fake, updates, code, took, stderr = await telegram_burst(tmp_path, seed_index_dir, drain=2, retry_after=60)
    assert code == 0 and took < 2 + 5, took
    assert_clean(stderr)
    (unsent,) = unsent_counts(stderr)  # one line, for all of them
    sent = [p for p in fake.sent() if p.get("reply_parameters")]
    assert unsent == len(updates) - len(sent) and unsent > 0


# ---------------------------------------------------------------- Zalo


async def zalo_burst(tmp_path: Path, index_dir: Path, drain: float, send_delay: float,
                     chats: int = 15, per_chat: int = 2) -> tuple[FakeZalo, list[dict], int, float, str]:
    fake = FakeZalo(ZALO_TOKEN)
    await fake.start()
    bot = Bot("zalo", tmp_path, index_dir, ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_BASE_URL=fake.base_url,
              HOIBAO_DRAIN_SECONDS=str(drain))
    try:
        await bot.start()
        await fake.wait_until(lambda: fake.polls > 0, timeout=90)  # polling (a poll is recorded when it ends)
        fake.send_delay = send_delay
        updates = [fake.message(f"u{chat}", QUESTIONS[(chat + i) % len(QUESTIONS)])
                   for i in range(per_chat) for chat in range(chats)]
        await fake.wait_until(lambda: len(fake.delivered) == len(updates), timeout=30)
        code, took, stderr = await bot.terminate()
        return fake, updates, code, took, stderr
    finally:
        if bot.process and bot.process.returncode is None:
            bot.process.kill()
        await fake.stop()


async def test_zalo_sigterm_sends_every_reply_within_the_drain(tmp_path, seed_index_dir):
    fake, updates, code, took, stderr = await zalo_burst(tmp_path, seed_index_dir, drain=20, send_delay=0.5)
    assert code == 0 and took < 20 + 5
    assert_clean(stderr)
    assert unsent_counts(stderr) == []
    per_chat: dict[str, int] = {}
    for params in fake.sent():
        per_chat[params["chat_id"]] = per_chat.get(params["chat_id"], 0) + 1
    assert sum(per_chat.values()) >= len(updates)  # one reply each (an answer, or /help)
    assert all(per_chat.get(u["message"]["chat"]["id"]) for u in updates)


async def test_zalo_sigterm_past_the_deadline_counts_the_unsent_in_one_line(tmp_path, seed_index_dir):
    fake, updates, code, took, stderr = await zalo_burst(tmp_path, seed_index_dir, drain=2, send_delay=60)
    assert code == 0 and took < 2 + 5, took
    assert_clean(stderr)
    (unsent,) = unsent_counts(stderr)
    chats_answered = {p["chat_id"] for p in fake.sent()}
    assert unsent > 0 and not chats_answered  # each reply takes 60 s: none made it
