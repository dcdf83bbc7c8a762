"""Extractive summaries (bot/desk/summary.py) against lead-3, scored with ROUGE-1/2 against the article's sapo.

    .venv/bin/python benchmarks/summary_rouge.py [--json benchmarks/results/summary_rouge.json]

Protocol: the sapo (the first paragraph) is the reference and is taken out; both systems summarise the
body that follows it in three sentences (the same length, so F-measures compare). Lead-3 is the
body's first three sentences. Corpora:

- news: the invented articles of benchmarks/summaries/articles (each says whether its body opens
  with a summary or with a scene) and of benchmarks/conversations/articles (inverted pyramid);
- mlqa / zalo: Wikipedia contexts of /work/shared/data with at least 5 sentences; the context's
  first sentence stands for the sapo (a Wikipedia paragraph opens with its topic sentence).

ROUGE is Google's rouge-score, with a tokenizer that keeps Vietnamese letters (its default keeps
only a-z0-9), lower-cased, diacritics kept.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from statistics import mean

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.desk.summary import lead, summarize  # noqa: E402
from index.corpus import Paragraph, read_article  # noqa: E402
from index.text import split_sentences, words  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
ARTICLE_DIRS = (ROOT / "benchmarks" / "summaries" / "articles", ROOT / "benchmarks" / "conversations" / "articles")
MIN_SENTENCES = 5
_LEAD = re.compile(r"^lead:\s*(\w+)\s*$", re.MULTILINE)


class VietnameseTokenizer:
    """rouge-score's tokenizer interface: lower-cased words, diacritics kept."""

    def tokenize(self, text: str) -> list[str]:
        return words(text.lower())


def news() -> list[tuple[str, str, list[Paragraph]]]:
    """(lead kind, sapo, body paragraphs) of every invented article."""
    found = []
    for folder in ARTICLE_DIRS:
        for path in sorted(folder.glob("*.txt")):
            article = read_article(path)
            kind = _LEAD.search(path.read_text("utf-8"))
            found.append((kind.group(1) if kind else "summary", article.paragraphs[0].text, article.paragraphs[1:]))
    return found


def contexts(name: str) -> list[tuple[str, str, list[Paragraph]]]:
    """(\"wiki\", first sentence, the other sentences as one paragraph) of each long enough context."""
    data = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    seen, found = set(), []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            text = paragraph["context"]
            sentences = split_sentences(text)
            if text in seen or len(sentences) < MIN_SENTENCES:
                continue
            seen.add(text)
            body = Paragraph(name, article.get("title", ""), name, 1, " ".join(sentences[1:]))
            found.append(("wiki", sentences[0], [body]))
    return found


def score(items, scorer, **options) -> dict:
    rows = {"ours": [], "lead3": []}
    kinds = []
    for kind, sapo, body in items:
        ours = " ".join(s.sentence for s in summarize(body, k=3, **options))
        base = " ".join(s.sentence for s in lead(body, 3))
        for system, text in (("ours", ours), ("lead3", base)):
            result = scorer.score(sapo, text)
            rows[system].append((result["rouge1"].fmeasure, result["rouge2"].fmeasure))
        kinds.append(kind)
    table = {}
    for group in sorted(set(kinds)) + ["all"]:
        picked = [i for i, k in enumerate(kinds) if group in ("all", k)]
        table[group] = {"articles": len(picked), **{
            f"{system}_rouge{n}": round(mean(rows[system][i][n - 1] for i in picked), 4)
            for system in ("ours", "lead3") for n in (1, 2)}}
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=VietnameseTokenizer())
    corpora = {"news": news(), "mlqa": contexts("mlqa_vi_dev"), "zalo": contexts("zalo_qa_vi")}
    results = {name: score(items, scorer) for name, items in corpora.items()}
    print(f"{'corpus':<6} {'lead':<8} {'n':>4}  {'ours R1':>8} {'lead3 R1':>8}  {'ours R2':>8} {'lead3 R2':>8}")
    for name, table in results.items():
        for group, row in table.items():
            print(f"{name:<6} {group:<8} {row['articles']:>4}  {row['ours_rouge1']:>8.3f} {row['lead3_rouge1']:>8.3f}"
                  f"  {row['ours_rouge2']:>8.3f} {row['lead3_rouge2']:>8.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
