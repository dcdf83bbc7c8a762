"""Fit the span ranker's weights (bot/core/models/spans.json) on one corpus, report on the other.

    .venv/bin/python benchmarks/span_quality.py --dump var/spans.jsonl   # the pipeline's best sentences
    .venv/bin/python benchmarks/fit_spans.py var/spans.jsonl --fit-on mlqa [--folds 5] [--write]

Each dumped record is a question, its gold answers and the best sentence the real
pipeline chose (holding a gold answer). Every candidate span of the sentence gets
the features answering uses (`bot.core.spans.short.candidate_table`); the weights
maximise the softmax likelihood of the candidates with the best token F1, with an
L2 penalty. Prints, for the fitted corpus and the other one, the F1 of the chosen
span, and the best F1 any candidate reaches (the ceiling of the candidates).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.extract import question_kind  # noqa: E402
from bot.core.spans.features import FEATURES  # noqa: E402
from bot.core.spans.model import REFIT, WEIGHTS, SpanModelError  # noqa: E402
from bot.core.spans.model import load as load_weights  # noqa: E402
from bot.core.spans.short import candidate_table  # noqa: E402
from bot.evaluate.metrics import contains_answer, f1  # noqa: E402


def load(path: Path) -> dict[str, list[dict]]:
    """Records by corpus, each with its candidates' feature matrix and F1s."""
    by_corpus: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text("utf-8").splitlines():
        r = json.loads(line)
        kind = question_kind(r["searched"])
        found, matrix = candidate_table(r["sentence"], r["searched"], kind)
        texts = [r["sentence"][p.start : p.end] for p in found]
        gold = r["gold"]
        by_corpus[r["corpus"]].append({
            "kind": kind, "matrix": matrix, "texts": texts, "gold": gold,
            "f1": np.array([max(f1(t, g) for g in gold) for t in texts]),
        })
    return by_corpus


# Where the weights start and what the penalty pulls them back to: a feature the fitting corpus
# never exercises (numbers and dates are absent from zalo_qa_vi) keeps this hand-set value.
PRIOR = {
    "kind match": 2.0, "typed choice": 1.5, "prior": 0.5, "near": 1.0, "asked share": -2.0, "whole sentence": -1.0, "src clause": -0.5,
    "after anchor": 1.0, "money for price": 1.0, "counted noun": 1.0, "clause cover": 0.5, "function words": -2.0,
    "term for term": 3.0, "after a cause": 2.0, "person kind × src person": 1.5, "person kind × src proper": 0.5, "person kind × name shape": 1.0,
    "person kind × known place": -2.0, "number kind × date inside": -2.0,
}


def loss(w: np.ndarray, records: list[dict], l2: float, prior: np.ndarray) -> tuple[float, np.ndarray]:
    total, grad = 0.0, np.zeros_like(w)
    for r in records:
        best = r["f1"].max()
        if best <= 0:
            continue
        target = (r["f1"] >= best - 1e-9).astype(float)
        target /= target.sum()
        s = r["matrix"] @ w
        p = np.exp(s - s.max())
        p /= p.sum()
        total -= float(target @ np.log(p + 1e-12))
        grad -= r["matrix"].T @ (target - p)
    drift = w - prior
    return total / len(records) + l2 * drift @ drift, grad / len(records) + 2 * l2 * drift


def fit(records: list[dict], l2: float, prior: np.ndarray) -> np.ndarray:
    return minimize(loss, prior, args=(records, l2, prior), jac=True, method="L-BFGS-B").x


def report(name: str, w: np.ndarray | list[np.ndarray], records: list[dict]) -> dict[str, float]:
    """Figures of the weights `w` (or, for cross-validation, one weight vector per record)."""
    rows: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    weights = w if isinstance(w, list) else [w] * len(records)
    for r, w in zip(records, weights):
        choice = r["texts"][int(np.argmax(r["matrix"] @ w))]
        f = max(f1(choice, g) for g in r["gold"])
        row = (f, float(contains_answer(choice, r["gold"]) and f >= 0.5), r["f1"].max())
        rows["all"].append(row)
        rows[r["kind"]].append(row)
    out = {}
    for kind, values in sorted(rows.items(), key=lambda kv: -len(kv[1])):
        a = np.array(values)
        out[kind] = {"n": len(values), "F1": round(a[:, 0].mean(), 3), "right": round(a[:, 1].mean(), 3), "ceiling F1": round(a[:, 2].mean(), 3)}
        print(f"  {name:<6} {kind:<8} n={len(values):>4}  F1 {a[:, 0].mean():.3f}  right {a[:, 1].mean():.3f}  ceiling {a[:, 2].mean():.3f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--fit-on", default="mlqa")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on the fitted corpus")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS}")
    args = parser.parse_args()
    data = load(args.dump)
    train = data[args.fit_on]
    prior = np.array([PRIOR.get(name, 0.0) for name in FEATURES])
    fitted = fit(train, args.l2, prior)
    try:
        stored = [("stored", load_weights())]
    except SpanModelError as err:
        print(err)
        stored = []
    figures = {}
    for label, w in stored + [("prior", prior), ("fitted", fitted)]:
        print(f"{label} weights:")
        figures[label] = {corpus: report(corpus, w, records) for corpus, records in data.items()}
    # Out of sample on the fitted corpus too: each record scored by weights fitted without its fold.
    per_fold = [fit([r for i, r in enumerate(train) if i % args.folds != k], args.l2, prior) for k in range(args.folds)]
    print(f"{args.folds}-fold cross-validation on {args.fit_on}:")
    figures["cross-validated"] = {args.fit_on: report(args.fit_on, [per_fold[i % args.folds] for i in range(len(train))], train)}
    for name, value in sorted(zip(FEATURES, fitted), key=lambda nv: -abs(nv[1])):
        print(f"  {value:+.2f}  {name}")
    if args.write:
        WEIGHTS.write_text(json.dumps({
            "version": 1,
            "fitted_on": f"the {args.fit_on} records of {args.dump.name} (benchmarks/span_quality.py --dump)",
            "refit": REFIT,
            "l2": args.l2,
            "figures": {"fitted": figures["fitted"], "cross-validated": figures["cross-validated"]},
            "features": list(FEATURES),
            "weights": [round(float(x), 4) for x in fitted],
        }, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
