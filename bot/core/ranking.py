"""Ranking a question's sentences: the decisive sentence, its coverage, the hand-set found rule.

Pure logic over the hits `index.search` returns. `Ranking` is what every
decision reads (the answerability model's signals, the English rule, the
evaluation); it is built in one place, `Answerer.rank`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.core.coverage import terms_of
from bot.core.extract import extract
from bot.core.levels import RAW, Levels
from bot.core.question import Question, required_names
from bot.core.sentence_model import sentences
from index.corpus import Paragraph
from index.search import Hit
from index.text import fold, tokens

if TYPE_CHECKING:
    from bot.core.policy import AnswerPolicy


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    sentence: str
    start: int
    coverage: float
    score: float  # the sentence model's probability that it holds the answer
    span: str | None


@dataclass(frozen=True)
class Ranking:
    """Everything the decision reads: the analysed question, the hits, the best sentence."""

    question: Question
    hits: tuple[Hit, ...]
    best: Candidate | None
    weights: dict[str, float]  # IDF weight of each of the question's terms
    known: frozenset[str] = frozenset()  # the question's folded names that the index knows
    levels: Levels = RAW  # the index's dense levels, to read dense scores on one scale (bot.core.levels)

    @property
    def top_dense(self) -> float:
        return max((h.dense for h in self.hits), default=0.0)


def term_weights(terms: Sequence[str], idf) -> dict[str, float]:
    # A compound ("thủ đô") weighs as much as its syllables together: matching
    # its syllables in other words ("thu hút", "đô thị") is not matching it.
    return {t: idf(fold(t)) if "_" not in t else sum(idf(fold(x)) for x in t.split("_")) for t in terms}


def choose_sentence(
    question: Question, hits: Sequence[Hit], weights: dict[str, float], policy: "AnswerPolicy"
) -> Candidate | None:
    """The sentence, among the top paragraphs, that the sentence model finds likeliest to answer."""
    rows = sentences(question, hits[: policy.sentence_pool], weights)
    if not rows:
        return None
    chances = policy.sentence_model.probabilities(np.array([r.inputs for r in rows]))
    i = int(np.argmax(chances))
    row = rows[i]
    span = extract(row.text, question.searched, question.kind)
    return Candidate(row.hit, row.text, row.start, float(row.inputs[0]), float(chances[i]), span.text if span else None)


def missing_share(ranking: Ranking) -> float:
    """Weight share of the heaviest question term the decisive sentence lacks (0 when it has them all)."""
    if ranking.best is None:
        return 0.0
    present = terms_of(ranking.best.sentence, ranking.question.accented)
    total = sum(ranking.weights.values()) or 1.0
    return max((ranking.weights[t] for t in ranking.question.terms if t not in present), default=0.0) / total


def is_found(ranking: Ranking, policy: "AnswerPolicy") -> bool:
    """Whether the best sentence answers the question, by the policy's calibrated rule."""
    best, question = ranking.best, ranking.question
    if best is None:
        return False
    offset = policy.found_threshold
    if question.english:
        # Vietnamese terms cannot cover an English question; its names can.
        # Only names the index knows: "Secretary" in "the Party Secretary of X ward" is English, not a name.
        names = [n for n in question.names if n in ranking.known]
        present = set(tokens(best.sentence))
        return bool(names) and all(n in present for n in names) and best.span is not None
    if policy.require_names and not names_present(question, best.hit.paragraph):
        return False
    if best.coverage >= policy.min_coverage + offset:
        return True
    return ranking.top_dense >= policy.min_dense + offset and best.coverage >= policy.min_coverage_with_dense


def names_present(question: Question, paragraph: Paragraph) -> bool:
    """Whether the question's capitalised names (after its first word) are in the paragraph or title."""
    names = required_names(question)
    if not names:
        return True
    present = set(tokens(paragraph.text)) | set(tokens(paragraph.title)) | set(tokens(paragraph.section))
    return all(n in present for n in names)


