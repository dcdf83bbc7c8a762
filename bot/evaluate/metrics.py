"""What `hoibao eval` counts: retrieval ranks, and answer outcomes and quality (shares of a question set).

A retrieval counts as right when the retrieved paragraph contains a gold answer span (folded), not only
when it is the paragraph the question was written on: in many sets consecutive windows of one article overlap.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.core.outcome import ANSWERED, NOT_FOUND, UNSURE
from bot.evaluate.sets import EvalQuestion
from index.text import fold, tokens


def contains_answer(text: str, answers: list[str]) -> bool:
    folded = fold(text)
    return any(fold(a) in folded for a in answers if a.strip())


@dataclass
class RetrievalScores:
    """The rank of the first right paragraph for each question (None: not in the top 10)."""

    ranks: list[int | None] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.ranks.append(rank)

    def row(self) -> dict[str, float]:
        n = max(len(self.ranks), 1)
        found = [r for r in self.ranks if r is not None]
        return {
            "recall@1": sum(r == 1 for r in found) / n,
            "recall@5": sum(r <= 5 for r in found) / n,
            "mrr@10": sum(1 / r for r in found if r <= 10) / n,
        }


def first_right(texts: list[str], answers: list[str]) -> int | None:
    """The rank (1-based, top 10) of the first text holding a gold answer."""
    for rank, text in enumerate(texts[:10], start=1):
        if contains_answer(text, answers):
            return rank
    return None


@dataclass
class RetrievalReport:
    methods: dict[str, RetrievalScores] = field(default_factory=dict)

    def score(self, method: str, rank: int | None) -> None:
        self.methods.setdefault(method, RetrievalScores()).add(rank)


def f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 over folded syllables."""
    p, g = tokens(prediction), tokens(gold)
    common = sum((Counter(p) & Counter(g)).values())
    if not p or not g or not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


@dataclass
class AnswerScores:
    """Counts of outcomes and answer quality over a question set (`row` turns them into shares)."""

    answerable: int = 0
    answered: int = 0
    unsure: int = 0
    unsure_right: int = 0
    accurate: int = 0
    exact: int = 0
    f1_sum: float = 0.0
    cited_right: int = 0
    unanswerable: int = 0
    not_answered: int = 0
    said_not_found: int = 0
    stated_wrong: int = 0  # answered, and the answer line shares no word with any gold answer
    line_holds: int = 0  # answered, and the answer line holds a gold answer
    phrases: int = 0  # answered with a short phrase (answer_form "phrase")
    phrase_exact: int = 0

    def add(self, q: EvalQuestion, answer) -> None:
        if not q.answers:
            self.unanswerable += 1
            self.not_answered += answer.status != ANSWERED
            self.said_not_found += answer.status == NOT_FOUND
            return
        self.answerable += 1
        cited_right = bool(answer.citations) and contains_answer(answer.citations[0].paragraph.text, q.answers)
        if answer.status == UNSURE:
            self.unsure += 1
            self.unsure_right += cited_right
        if answer.status != ANSWERED:
            return
        self.answered += 1
        text = answer.answer or ""
        self.accurate += contains_answer(text, q.answers)
        self.exact += any(fold(text).strip() == fold(a).strip() for a in q.answers)
        self.f1_sum += max(f1(text, a) for a in q.answers)
        self.cited_right += cited_right
        words = set(tokens(text))
        self.stated_wrong += not any(words & set(tokens(a)) for a in q.answers)
        self.line_holds += contains_answer(text, q.answers)
        if getattr(answer, "answer_form", "phrase") == "phrase":
            self.phrases += 1
            self.phrase_exact += any(fold(text).strip() == fold(a).strip() for a in q.answers)

    def row(self) -> dict[str, float]:
        n = max(self.answerable, 1)
        return {
            "answered": self.answered / n,
            "unsure": self.unsure / n,
            "not found": (self.answerable - self.answered - self.unsure) / n,
            "answered or unsure, right passage": (self.cited_right + self.unsure_right) / n,
            "answer accuracy": self.accurate / n,
            "exact match": self.exact / n,
            "F1": self.f1_sum / n,
            "F1 when answered": self.f1_sum / max(self.answered, 1),
            "cited paragraph holds answer": self.cited_right / n,
            "not answered (unanswerable)": self.not_answered / max(self.unanswerable, 1),
            "not found (unanswerable)": self.said_not_found / max(self.unanswerable, 1),
            "stated wrong (of answered)": self.stated_wrong / max(self.answered, 1),
            "answer line holds gold (of answered)": self.line_holds / max(self.answered, 1),
            "phrase (of answered)": self.phrases / max(self.answered, 1),
            "exact match among phrases": self.phrase_exact / max(self.phrases, 1),
        }
