"""How the accent model grows with the corpus: pairs, file size, build time, load time, memory.

    PYTHONPATH=. .venv/bin/python benchmarks/accent_scale.py [--data ../shared/data] [--paragraphs 100000]

1. Growth on real text (zalo_qa_vi + mlqa_vi_dev paragraphs, read in place):
   distinct forms and pairs over growing prefixes, a power law fitted to each,
   extrapolated to --paragraphs paragraphs of the same mean length.
2. Counting cost at --paragraphs paragraphs, drawn with replacement from the
   real ones (time and peak memory are about the number of syllables; repeats
   add no new pairs, which is why step 1 exists).
3. A model of the extrapolated size (forms and pairs drawn at random, Zipf-like
   counts): its files, load time, resident arrays and restore time.
Writes benchmarks/results/accent_scale.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate.sets import load_squad  # noqa: E402
from index.accent_counts import Counts, count  # noqa: E402
from index.accents import FILES, PRUNE_ABOVE, AccentModel  # noqa: E402
from index.text import fold, tokens  # noqa: E402


def growth(texts: list[str], target_tokens: float) -> dict:
    """Distinct forms/pairs over prefixes, and their power-law extrapolation to `target_tokens`."""
    rows = []
    for share in (0.125, 0.25, 0.5, 1.0):
        part = texts[: int(len(texts) * share)]
        c = count(part)
        rows.append({"paragraphs": len(part), "syllables": int(c.unigram.sum()), "forms": len(c.forms),
                     "pairs": len(c.following), "pairs seen once": float((c.count == 1).mean())})
    x = np.log([r["syllables"] for r in rows])
    fitted = {}
    for what in ("forms", "pairs"):
        slope, intercept = np.polyfit(x, np.log([r[what] for r in rows]), 1)
        fitted[what] = {"exponent": float(slope), "extrapolated": float(np.exp(intercept) * target_tokens**slope)}
    return {"prefixes": rows, "fit": fitted, "target syllables": target_tokens}


def timed(fn, *args):
    """(result, wall seconds, CPU seconds): the machine is shared, CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def counting_cost(texts: list[str], n: int) -> dict:
    sample = [texts[i] for i in np.random.default_rng(7).integers(0, len(texts), size=n)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model, wall, cpu = timed(AccentModel.build, sample)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"paragraphs": n, "syllables": int(model.counts.unigram.sum()), "build wall s": wall, "build CPU s": cpu,
            "peak RSS growth MB": grown / 1024}


def synthetic_counts(real: Counts, n_forms: int, n_pairs: int, seed: int = 7) -> Counts:
    """The real forms plus suffixed copies up to `n_forms`; `n_pairs` random pairs, Zipf-like rows and counts."""
    rng = np.random.default_rng(seed)
    extra = [f"{real.forms[i % len(real.forms)]}{i // len(real.forms)}" for i in range(len(real.forms), n_forms)]
    forms = sorted(real.forms + extra, key=fold)  # stable: a key's real forms stay commonest first
    keys, starts = [], []
    for row, form in enumerate(forms):
        if not keys or keys[-1] != fold(form):
            keys.append(fold(form))
            starts.append(row)
    rank = rng.permutation(len(forms))  # which forms have the long rows
    codes = np.empty(0, np.int64)
    while len(codes) < n_pairs:
        left = rank[np.minimum(rng.zipf(1.2, n_pairs) - 1, len(forms) - 1)].astype(np.int64)
        codes = np.unique(np.concatenate([codes, left << 32 | rng.integers(0, len(forms), n_pairs)]))
    codes = np.sort(rng.choice(codes, n_pairs, replace=False))
    indptr = np.zeros(len(forms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes >> 32, minlength=len(forms)), out=indptr[1:])
    return Counts(keys, forms, np.array(starts + [len(forms)], dtype=np.int32),
                  rng.zipf(1.5, len(forms)).astype(np.int64), indptr, (codes & 0xFFFFFFFF).astype(np.int32),
                  np.minimum(rng.zipf(1.8, n_pairs), 2**31 - 1).astype(np.int32))


def large_model(real: Counts, n_forms: int, n_pairs: int, questions: list[str]) -> dict:
    model = AccentModel(synthetic_counts(real, n_forms, n_pairs))
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp))
        size = sum((Path(tmp) / name).stat().st_size for name in FILES)
        loads = [timed(AccentModel.load, Path(tmp)) for _ in range(5)]
        loaded = loads[0][0]
        _, wall, cpu = timed(lambda: [loaded.restoration(fold(q)).text for q in questions])
    return {"forms": len(model.forms), "pairs": len(model.counts.following), "bytes": size,
            "load wall s (median of 5)": statistics.median(w for _, w, _ in loads),
            "load CPU s (median of 5)": statistics.median(c for _, _, c in loads),
            "restore ms per question (wall)": 1000 * wall / len(questions),
            "restore ms per question (CPU)": 1000 * cpu / len(questions)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--paragraphs", type=int, default=100_000)
    args = parser.parse_args()
    sets = [load_squad(Path(args.data) / f"{name}.json") for name in ("zalo_qa_vi", "mlqa_vi_dev")]
    texts = [p.text for s in sets for a in s.articles for p in a.paragraphs]
    questions = [q.question for s in sets for q in s.questions]
    per_paragraph = sum(len(tokens(t)) for t in texts) / len(texts)
    result = {"counting": counting_cost(texts, args.paragraphs)}  # first: its peak RSS is the process's
    result["growth"] = growth(texts, per_paragraph * args.paragraphs)
    fit = result["growth"]["fit"]
    n_pairs = int(fit["pairs"]["extrapolated"])
    # Above PRUNE_ABOVE pairs the build drops those seen once: the model never holds more.
    result["large model"] = large_model(count(texts), int(fit["forms"]["extrapolated"]), min(n_pairs, PRUNE_ABOVE), questions)
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "accent_scale.json").write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    main()
