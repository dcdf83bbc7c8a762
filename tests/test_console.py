"""The console channel: `hoibao run` without a token, `hoibao chat`, on a pipe and on a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import re
import signal
import subprocess
import sys
import threading

import pytest

from bot import messages
from bot.channels import console
from bot.service import AnswerService
from tests.conftest import ROOT, SEEDS

PHUOC_MY = "Bí thư Đảng ủy phường Phước Mỹ là ai?"
BOLD = "\033[1m"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "HOIBAO_", "NO_COLOR"))}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_run_without_token_builds_the_index_and_chats(tmp_path):
    env = clean_env(HOIBAO_INDEX_DIR=str(tmp_path / "index"), HOIBAO_SEEDS_DIR=str(SEEDS),
                    TELEGRAM_BOT_TOKEN="", ZALO_BOT_TOKEN="")  # left empty, as in .env.example: not set
    chat = "Bí thư Đảng ủy phường Phước Mỹ là ai?\nCòn phường An Hải Tây thì sao?\n😀\nGiá vàng hôm nay?\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], input=chat, capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Indexed 1 article, " in done.stderr
    out = done.stdout
    assert "Trả lời: Nguyễn Huy Bình" in out
    assert "Trả lời: Phạm Đình Nam" in out
    assert "Mình chỉ hiểu câu hỏi bằng chữ" in out
    assert "không nói về điều này" in out
    assert (tmp_path / "index" / "current" / "manifest.json").exists()


def test_chat_shows_no_log_line_and_no_ansi_codes_in_a_pipe(tmp_path, seed_index_dir):
    """What a new user sees, standard error included: only the chat, and no escape codes in a pipe."""
    env = clean_env(HOIBAO_INDEX_DIR=str(seed_index_dir), HOIBAO_SEEDS_DIR=str(SEEDS))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input=f"{PHUOC_MY}\nCòn phường An Hải Tây thì sao?\n",
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stdout
    chat = done.stdout[done.stdout.index("\n? "):]
    exchanges = chat.split("\n? ")[1:]
    assert exchanges[0].startswith("Trả lời: Nguyễn Huy Bình\n") and exchanges[1].startswith("Trả lời: Phạm Đình Nam\n")
    assert not re.search(r"\b(DEBUG|INFO|WARNING|ERROR)\b", chat)
    assert "\033" not in done.stdout


# ---------------------------------------------------------------- in-process, on a terminal


@pytest.fixture
def service(settings, embedder) -> AnswerService:
    return AnswerService(settings, embedder)


def stop_reading(read_end: int, write_end: int | None = None) -> None:
    """Close the chat's input once its reader thread saw the end (a closed fd might be reused under it)."""
    if write_end is not None:
        os.close(write_end)
    for thread in threading.enumerate():
        if thread.name == "console-stdin":
            thread.join(5)
    os.close(read_end)


async def chat_on_terminal(settings, service, lines: str) -> str:
    """`console.serve` reading `lines` from a pipe and writing to a pseudo-terminal; what it showed."""
    read_end, write_end = os.pipe()
    os.write(write_end, lines.encode())
    os.close(write_end)
    master, slave = pty.openpty()
    shown = bytearray()

    def drain() -> None:  # read while the chat writes: a full terminal buffer would block it
        with contextlib.suppress(OSError):  # EIO once the terminal is closed
            while chunk := os.read(master, 65536):
                shown.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        with open(slave, "w", encoding="utf-8") as out:
            await asyncio.wait_for(console.serve(settings, service, asyncio.Event(), stdin_fd=read_end, out=out), 30)
    finally:
        stop_reading(read_end)
        reader.join(10)
        os.close(master)
    return shown.decode().replace("\r\n", "\n")


async def test_terminal_shows_the_sentence_in_bold(settings, service, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    shown = await chat_on_terminal(settings, service, f"{PHUOC_MY}\n")
    assert f"{BOLD}Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình" in shown and "\033[0m" in shown


@pytest.mark.parametrize("value", ["1", "true"])
async def test_no_color_turns_ansi_codes_off(settings, service, monkeypatch, value):
    monkeypatch.setenv("NO_COLOR", value)
    shown = await chat_on_terminal(settings, service, f"{PHUOC_MY}\n")
    assert "Trả lời: Nguyễn Huy Bình" in shown and "“Bí thư Đảng ủy phường Phước Mỹ Nguyễn Huy Bình" in shown
    assert "\033" not in shown


def test_an_empty_no_color_keeps_colour_on_a_terminal():
    """no-color.org: NO_COLOR counts when it is set to a non-empty string."""
    class Terminal:
        def isatty(self) -> bool:
            return True

    assert console.wants_color(Terminal(), {"NO_COLOR": ""}) and not console.wants_color(Terminal(), {"NO_COLOR": "0"})


async def test_console_commands_and_exit(settings, service):
    shown = await chat_on_terminal(settings, service, "/sources\n/help\n/start\nexit\nnever read\n")
    assert "Các bài báo mình có:\n• Xây dựng Đảng gắn với thực hiện các nhiệm vụ trọng tâm" in shown
    assert messages.CONSOLE_HELP in shown
    assert "Xin chào!" in shown and "never read" not in shown


async def test_ctrl_c_ends_the_chat_cleanly(settings, service):
    """Ctrl-C (SIGINT) sets the stop event of `bot.channels.runtime.until_stopped`: the chat ends at its prompt."""
    read_end, write_end = os.pipe()  # nothing is ever typed
    shown_read, shown_write = os.pipe()
    try:
        with open(shown_write, "w", encoding="utf-8") as out:
            chatting = asyncio.create_task(console.serve(settings, service, stdin_fd=read_end, out=out))
            shown = b""
            while b"\n? " not in shown:  # the prompt: the signals are hooked, the chat waits for a line
                shown += await asyncio.to_thread(os.read, shown_read, 65536)
            os.kill(os.getpid(), signal.SIGINT)
            await asyncio.wait_for(chatting, 5)
    finally:
        stop_reading(read_end, write_end)
        os.close(shown_read)
