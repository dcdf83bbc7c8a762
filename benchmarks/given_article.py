"""Open retrieval against "given the article" (`hoibao ask --article`) on the written conversations.

    .venv/bin/python benchmarks/given_article.py [--json benchmarks/results/given_article.json]

Every turn of benchmarks/conversations/conversations.jsonl that has a gold answer is asked on its
own (no history: a follow-up like "Bệnh này lây qua đường nào?" has only its article to go on)
twice through the real answer service: over the whole index of the eight articles, and scoped to
the turn's article (`AnswerService.answer(article=…)`, the filter in the search layer). Reported:
answered / unsure / not found, the first citation from the turn's article, the cited paragraph
holding a gold answer, and the answer line (the short answer, else the decisive sentence) holding
one — case and accents folded (`bot.evaluate.run.contains_answer`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate.metrics import contains_answer  # noqa: E402
from bot.service import AnswerService, embedder_from_settings  # noqa: E402
from bot.settings import Settings  # noqa: E402
from index.faiss.build import build_faiss  # noqa: E402

DATA = ROOT / "benchmarks" / "conversations"


def turns() -> list[dict]:
    found = []
    for line in (DATA / "conversations.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            found += [t for t in json.loads(line)["turns"] if t.get("answer")]
    return found


def score(service: AnswerService, items: list[dict], given: bool) -> dict:
    counts = {"answered": 0, "unsure": 0, "not_found": 0, "right_article": 0, "paragraph_holds_gold": 0,
              "answer_line_holds_gold": 0}
    for turn in items:
        answer = service.answer(turn["q"], article=turn["article"] if given else None)
        counts[answer.status] += 1
        if not answer.citations:
            continue
        first = answer.citations[0].paragraph
        counts["right_article"] += first.article_id == turn["article"]
        counts["paragraph_holds_gold"] += contains_answer(first.text, turn["answer"])
        line = answer.answer or answer.sentence or ""
        counts["answer_line_holds_gold"] += answer.status == "answered" and contains_answer(line, turn["answer"])
    return {key: round(value / len(items), 3) for key, value in counts.items()} | {"questions": len(items)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, seeds_dir=DATA / "articles", index_dir=Path(tmp) / "index")
        embedder = embedder_from_settings(settings)
        build_faiss(settings.seeds_dir, settings.index_dir, embedder, progress=False)
        service = AnswerService(settings, embedder)
        items = turns()
        result = {"open": score(service, items, False), "given_article": score(service, items, True)}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
