"""Ranking a question's sentences: the decisive sentence, its coverage, the hand-set found rule.

Pure logic over the hits `index.search` returns. `Ranking` is what every
decision reads (the answerability model's signals, the English rule, the
evaluation); it is built in one place, `Answerer.rank`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.extract import extract
from bot.spans.expect import typed_phrase
from bot.question import Question, match_tokens, required_names
from index.corpus import Paragraph
from index.search import Hit
from index.text import bigrams, fold, has_diacritics, sentence_spans, tokens

if TYPE_CHECKING:
    from bot.policy import AnswerPolicy


class Terms:
    """The terms a text holds, to look a question's terms up in.

    In an accented question a term with diacritics must match exactly ("đô" is not
    "do"); a term typed without them ("An Hai Tay" in "Bí thư phường An Hai Tay là
    ai?", as a follow-up or a name often is) matches the text folded.
    """

    def __init__(self, text: str, exact: bool) -> None:
        folded = tokens(text)
        self.folded = set(folded) | set(bigrams(folded))
        accented = match_tokens(text, True) if exact else []
        self.exact = set(accented) | set(bigrams(accented))
        self.accents = exact

    def __contains__(self, term: str) -> bool:
        if self.accents and has_diacritics(term):
            return term in self.exact
        return fold(term) in self.folded


def coverage(terms: Sequence[str], weights: dict[str, float], sentence: str, exact: bool) -> float:
    """Share of the question's IDF-weighted terms that the sentence contains."""
    if not terms:
        return 0.0
    present = Terms(sentence, exact)
    total = sum(weights[t] for t in terms)
    return sum(weights[t] for t in terms if t in present) / total if total else 0.0


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    sentence: str
    start: int
    coverage: float
    score: float
    span: str | None


@dataclass(frozen=True)
class Ranking:
    """Everything the decision reads: the analysed question, the hits, the best sentence."""

    question: Question
    hits: tuple[Hit, ...]
    best: Candidate | None
    weights: dict[str, float]  # IDF weight of each of the question's terms
    known: frozenset[str] = frozenset()  # the question's folded names that the index knows

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
    """The sentence, among the top paragraphs, that best answers the question."""
    terms = question.terms
    top = max((h.score for h in hits), default=1.0) or 1.0
    best: Candidate | None = None
    for hit in hits[: policy.sentence_pool]:
        text = hit.paragraph.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            cov = coverage(terms, weights, sentence, question.accented)
            # A news sentence names its subject by a pronoun ("công trình") when the title has named it.
            context = policy.title_weight * _title_coverage(terms, weights, sentence, hit.paragraph.title, question.accented) if policy.title_weight else 0.0
            span = extract(sentence, question.searched, question.kind)
            typed = typed_phrase(sentence, question.searched, question.kind, question.expects)
            bonus = policy.span_bonus if typed else 0.0
            score = cov + context + policy.retrieval_weight * hit.score / top + bonus
            if best is None or score > best.score:
                best = Candidate(hit, sentence, start, cov, score, span.text if span else None)
    return best


def _title_coverage(terms: Sequence[str], weights: dict[str, float], sentence: str, title: str, exact: bool) -> float:
    """Share of the question's weighted terms missing from the sentence that its article's title has."""
    in_sentence, in_title = Terms(sentence, exact), Terms(title, exact)
    total = sum(weights[t] for t in terms)
    return sum(weights[t] for t in terms if t not in in_sentence and t in in_title) / total if total else 0.0


def missing_share(ranking: Ranking) -> float:
    """Weight share of the heaviest question term the decisive sentence lacks (0 when it has them all)."""
    if ranking.best is None:
        return 0.0
    present = Terms(ranking.best.sentence, ranking.question.accented)
    total = sum(ranking.weights.values()) or 1.0
    return max((ranking.weights[t] for t in ranking.question.terms if t not in present), default=0.0) / total


def is_found(ranking: Ranking, policy: "AnswerPolicy") -> bool:
    """Whether the best sentence answers the question, by the policy's calibrated rule."""
    best, question = ranking.best, ranking.question
    if best is None:
        return False
    offset = policy.threshold_offset
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


