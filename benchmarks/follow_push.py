"""Topics to follow at scale: 1,000 followers on 50 topics, 20 new articles, a SIGTERM and a restart.

    .venv/bin/python benchmarks/follow_push.py [--followers 1000] [--topics 50] [--articles 20]
                                               [--stop-after 0.4] [--json benchmarks/results/follow_push.json]

Writes 20 invented articles (each about a few of the 50 topics), builds their index with the default
embedder, subscribes the followers (private chats and, one in twenty, groups) in a fresh question-log
database, and runs `hoibao telegram` as a process against the tests' strict fake Bot API. Then:

1. "indexing is done": `Followers.notify_followers(ids)` queues the pushes (here, in this process,
   as a publish hook in another process would: the bot's sender finds them in the outbox);
2. once `--stop-after` of them were delivered, SIGTERM; the bot finishes the message in hand and exits;
3. the bot is started again and sends the rest; notify_followers is called a second time too, as a
   second hook firing for the same articles would.

Reports the time from the notify to the last push (with and without the restart's gap), messages
expected / delivered / sent twice / lost (counted by chat at the fake), and the breaches of
Telegram's limits (over 30 messages in a second, over 20 a minute to one group), counted by the fake's
own timestamps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import FakeTelegram  # noqa: E402

TOKEN = "515151:follow-push-bench-token"
HOIBAO = Path(sys.executable).parent / "hoibao"
PLACES = ["Hà Lâm", "Bảo Giang", "Tân An", "Quảng Lâm", "Hải Vân", "Bình Hà", "Đắk Rơ", "Long Phú", "Mường Khoa",
          "Hội Thành"]
SUBJECTS = ["giá xăng", "sốt xuất huyết", "xe buýt điện", "học phí", "giải phóng mặt bằng"]


def topics(n: int) -> list[str]:
    """`n` topics: subjects, and subjects in a place ("sốt xuất huyết Tân An")."""
    found = list(SUBJECTS) + [f"{s} {p}" for p in PLACES for s in SUBJECTS]
    return found[:n]


def write_articles(folder: Path, n: int, rng: random.Random) -> list[str]:
    folder.mkdir(parents=True)
    names = []
    for i in range(n):
        place, subjects = PLACES[i % len(PLACES)], rng.sample(SUBJECTS, 2)
        body = [f"Ngày {1 + i % 28}-12, UBND tỉnh {place} họp bàn về {subjects[0]} {place} và {subjects[1]}.",
                f"Theo Sở ngành, vấn đề {subjects[0]} {place} cần được giải quyết trong quý I năm sau.",
                f"Người dân quan tâm tới {subjects[1]} {place} vì ảnh hưởng trực tiếp tới đời sống.",
                f"Tỉnh {place} giao các sở báo cáo kết quả trước ngày 31-12."]
        name = f"tin-{i:02d}.txt"
        (folder / name).write_text(
            f"---\nurl: https://baotin.example.vn/tin/{i}\ndate: 2026-12-{1 + i % 28:02d}\n---\n"
            f"{subjects[0].capitalize()} ở {place}: tỉnh họp bàn giải pháp\n\n" + "\n\n".join(body) + "\n", "utf-8")
        names.append(name)
    return names


def subscribe(store, n: int, followed: list[str], rng: random.Random) -> None:
    for i in range(n):
        chat = -(100_000 + i) if i % 20 == 0 else 10_000 + i
        for topic in rng.sample(followed, rng.randint(1, 3)):
            store.follow("telegram", chat, topic, cap=10)


async def start_bot(env: dict) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(str(HOIBAO), "telegram", env=env, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


def pushes_delivered(fake: FakeTelegram) -> list[int]:
    return [int(p["chat_id"]) for p in fake.sent(None) if str(p.get("text", "")).startswith("🔔")]


async def until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def run(args: argparse.Namespace) -> dict:
    from bot.followers.service import Followers
    from bot.followers.store import QUEUED, FollowStore
    from bot.service import AnswerService, build_from_settings, embedder_from_settings
    from bot.settings import Settings

    rng = random.Random(7)
    work = Path(tempfile.mkdtemp(prefix="follow-push-"))
    ids = write_articles(work / "seeds", args.articles, rng)
    url = f"sqlite:///{work / 'hoibao.db'}"
    settings = Settings(_env_file=None, seeds_dir=work / "seeds", index_dir=work / "index", database_url=url)
    embedder = embedder_from_settings(settings)
    build_from_settings(settings, embedder, progress=False)
    store = FollowStore.open(url)
    subscribe(store, args.followers, topics(args.topics), rng)
    followers = Followers(store, AnswerService(settings, embedder))

    fake = FakeTelegram(TOKEN)
    await fake.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url, HOIBAO_INDEX_DIR=str(work / "index"),
               HOIBAO_SEEDS_DIR=str(work / "seeds"), HOIBAO_DATABASE_URL=url, HOIBAO_REFRESH_MINUTES="0",
               HOIBAO_INDEX_FOLLOW_SECONDS="0", OMP_NUM_THREADS="1")
    bot = await start_bot(env)
    await fake.wait_for(None, method="setMyCommands", timeout=120)

    notified = time.perf_counter()
    queued = followers.notify_followers(ids)
    expected = queued
    await until(lambda: len(pushes_delivered(fake)) >= expected * args.stop_after, 600)
    signalled = time.perf_counter()
    bot.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(bot.wait(), 60)
    stderr_first = (await bot.stderr.read()).decode()
    at_stop = len(pushes_delivered(fake))
    restarted = time.perf_counter()
    bot = await start_bot(env)
    again = followers.notify_followers(ids)  # a second hook for the same articles: nothing new
    await until(lambda: not store.due("telegram", 1) and len(pushes_delivered(fake)) >= expected, 600)
    last = max(c.at for c in fake.calls if c.method == "sendMessage")
    bot.send_signal(signal.SIGTERM)
    await asyncio.wait_for(bot.wait(), 60)
    stderr_second = (await bot.stderr.read()).decode()
    await fake.stop()

    per_chat = Counter(pushes_delivered(fake))
    with store.engine.connect() as connection:
        from sqlalchemy import func, select

        from bot.questionlog.schema import pushes

        states = dict(connection.execute(select(pushes.c.state, func.count()).group_by(pushes.c.state)).all())
    store.engine.dispose()
    shutil.rmtree(work, ignore_errors=True)
    down = restarted - signalled
    return {
        "followers": args.followers, "topics": args.topics, "articles": args.articles,
        "messages_expected": expected, "messages_delivered": sum(per_chat.values()),
        "chats_sent_twice": sum(1 for n in per_chat.values() if n > 1),
        "lost": expected - len(per_chat), "queued_by_second_notify": again,
        "queued_left": states.get(QUEUED, 0), "delivered_before_sigterm": at_stop,
        "sigterm_exit_code": code, "seconds_notify_to_last_push": round(last - notified, 2),
        "seconds_without_restart_gap": round(last - notified - down, 2),
        "flood_limit_breaches": fake.flood_violations(),
        "tracebacks": ("Traceback" in stderr_first) + ("Traceback" in stderr_second),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--stop-after", type=float, default=0.4, help="share delivered before the SIGTERM")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    ok = not result["chats_sent_twice"] and not result["lost"] and not result["flood_limit_breaches"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
