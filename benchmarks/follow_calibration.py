"""Which new articles match a followed topic: the phrase alone, or the phrase or a dense score above a cut.

    .venv/bin/python benchmarks/follow_calibration.py [--json benchmarks/results/follow_calibration.json]

20 topics × 23 invented articles (benchmarks/follow/topics.json says which articles each topic
should bring; the rest are negatives). For each pair: does the folded topic phrase occur in the
article (bot.followers.match), and the best cosine between the topic and the article's chunks
(`AnswerService.topic_scores`, the default embedder). The cut is chosen for precision (≥ 0.95 on
the pairs the phrase leaves unmatched) on one half of the topics and reported on the other half,
both ways round, then on all topics; bot/followers/match.py keeps the cut it chose for this embedder.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.followers.match import matching_paragraph  # noqa: E402
from bot.service import AnswerService, build_from_settings, embedder_from_settings  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.newsroom import write_articles  # noqa: E402

FOLDERS = (ROOT / "benchmarks" / "summaries" / "articles", ROOT / "benchmarks" / "conversations" / "articles")
PRECISION = 0.95


def pairs(service: AnswerService, topics: dict[str, list[str]]) -> list[dict]:
    articles = frozenset(aid for aid, _ in service.catalog_items())
    found = []
    for topic, wanted in topics.items():
        scores = service.topic_scores(topic, articles)
        for article in sorted(articles):
            meta = service.article(article)
            phrase = matching_paragraph(topic, meta.title, meta.url, service.paragraphs(article)) is not None
            found.append({"topic": topic, "article": article, "relevant": article in wanted, "phrase": phrase,
                          "cosine": round(scores.get(article, (0.0, None))[0], 4)})
    return found


def figures(rows: list[dict], cut: float | None) -> dict:
    chosen = [r for r in rows if r["phrase"] or (cut is not None and r["cosine"] >= cut)]
    hits = sum(r["relevant"] for r in chosen)
    relevant = sum(r["relevant"] for r in rows)
    return {"precision": round(hits / len(chosen), 3) if chosen else 1.0, "recall": round(hits / relevant, 3),
            "matched": len(chosen), "relevant": relevant}


def fit(rows: list[dict]) -> float:
    """The lowest cut whose extra matches (beyond the phrase) are right at least PRECISION of the time."""
    extra = sorted((r for r in rows if not r["phrase"]), key=lambda r: -r["cosine"])
    best, right = 1.0, 0
    for i, row in enumerate(extra, 1):
        right += row["relevant"]
        if right / i >= PRECISION:
            best = row["cosine"]
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    topics = json.loads((ROOT / "benchmarks" / "follow" / "topics.json").read_text("utf-8"))["topics"]
    work = Path(tempfile.mkdtemp(prefix="follow-cal-"))
    seeds = write_articles(work / "seeds")
    for folder in FOLDERS:
        for path in folder.glob("*.txt"):
            shutil.copy(path, seeds / path.name)
    settings = Settings(_env_file=None, seeds_dir=seeds, index_dir=work / "index")
    embedder = embedder_from_settings(settings)
    build_from_settings(settings, embedder, progress=False)
    service = AnswerService(settings, embedder)
    rows = pairs(service, topics)
    names = sorted(topics)
    halves = (set(names[::2]), set(names[1::2]))
    result = {"embedder": embedder.id, "phrase_only": figures(rows, None), "folds": []}
    for fit_on, report_on in (halves, halves[::-1]):
        cut = fit([r for r in rows if r["topic"] in fit_on])
        result["folds"].append({"cut": cut, **figures([r for r in rows if r["topic"] in report_on], cut),
                                "phrase_only": figures([r for r in rows if r["topic"] in report_on], None)})
    cut = fit(rows)
    result["all_topics"] = {"cut": cut, **figures(rows, cut)}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
