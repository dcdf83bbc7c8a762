"""`hoibao eval`: retrieval and answer quality on a SQuAD-format file.

A retrieval counts as right when the retrieved paragraph contains a gold
answer span (folded), not only when it is the paragraph the question was
written on: in many sets consecutive windows of one article overlap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.build import build_index
from index.corpus import Article, Paragraph
from index.embed import Embedder
from index.search import Searcher, fuse
from index.text import fold, nfc


@dataclass
class EvalQuestion:
    question: str
    answers: list[str]  # empty: the corpus does not hold the answer


@dataclass
class EvalSet:
    articles: list[Article]
    questions: list[EvalQuestion]


def load_squad(path: Path) -> EvalSet:
    """Paragraphs become one-paragraph articles; questions are merged by text.

    A question marked impossible on one paragraph may be answered by another,
    so a question is unanswerable only when no paragraph answers it.
    """
    data = json.loads(path.read_text("utf-8"))["data"]
    articles: list[Article] = []
    answers: dict[str, list[str]] = {}
    for a_i, entry in enumerate(data):
        title = nfc(entry.get("title") or f"Bài {a_i + 1}")
        for p_i, para in enumerate(entry["paragraphs"]):
            aid = f"a{a_i:04d}p{p_i:03d}"
            paragraph = Paragraph(aid, title, path.name, 1, nfc(para["context"]))
            articles.append(Article(aid, path.name, title, [paragraph], content_hash=_hash(paragraph.text)))
            for qa in para["qas"]:
                gold = answers.setdefault(nfc(qa["question"]).strip(), [])
                if not qa.get("is_impossible"):
                    gold.extend(nfc(x["text"]) for x in qa["answers"] if x["text"] not in gold)
    return EvalSet(articles, [EvalQuestion(q, a) for q, a in answers.items()])


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def contains_answer(text: str, answers: list[str]) -> bool:
    folded = fold(text)
    return any(fold(a) in folded for a in answers if a.strip())


@dataclass
class RetrievalScores:
    n: int = 0
    r1: float = 0.0
    r5: float = 0.0
    mrr10: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.r1 += rank == 1
            self.r5 += rank <= 5
            self.mrr10 += 1 / rank if rank <= 10 else 0

    def row(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {"recall@1": self.r1 / n, "recall@5": self.r5 / n, "mrr@10": self.mrr10 / n}


def first_right(rows: list[int], texts: list[str], answers: list[str]) -> int | None:
    for rank, row in enumerate(rows[:10], start=1):
        if contains_answer(texts[row], answers):
            return rank
    return None


@dataclass
class RetrievalReport:
    methods: dict[str, RetrievalScores] = field(default_factory=dict)

    def score(self, method: str, rank: int | None) -> None:
        self.methods.setdefault(method, RetrievalScores()).add(rank)


def evaluate_retrieval(
    searcher: Searcher, questions: list[EvalQuestion], fuse_fn: Callable = fuse
) -> RetrievalReport:
    """Recall@1/@5 and MRR@10 of hybrid, BM25-only and dense-only, as written and unaccented."""
    report = RetrievalReport()
    texts = [p.text for p in searcher.index.paragraphs]
    for q in questions:
        if not q.answers:
            continue
        for variant, text in (("as written", q.question), ("unaccented", fold(q.question))):
            dense, lexical = searcher.rankings(text, searcher.query_vector(text))
            for method, ranked in (
                ("hybrid", [r for r, _ in fuse_fn(dense, lexical, searcher.dense_weight(text))]),
                ("bm25", [r for r, _ in lexical]),
                ("dense", [r for r, _ in dense]),
            ):
                report.score(f"{method} / {variant}", first_right(ranked, texts, q.answers))
    return report


def build_eval_index(eval_set: EvalSet, cache_dir: Path, embedder: Embedder, progress: bool = True) -> Path:
    """Index the set's paragraphs under `cache_dir`; unchanged paragraphs reuse their vectors."""
    build_index(cache_dir, cache_dir, embedder, articles=eval_set.articles, progress=progress)
    return cache_dir
