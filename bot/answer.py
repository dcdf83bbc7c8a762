"""From ranked paragraphs to an answer: the decisive sentence, a short span, found or not.

Pure logic over the hits `index.search` returns; no I/O. `Answerer.rank` is the
one place that turns a question into scored candidates, and `Answerer.answer`
the one place that decides; `hoibao eval` and the calibration script go through
both, so what is measured is what ships. Every channel renders the `Answer`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.extract import OTHER, extract, person_spans
from bot.followup import resolve_followup
from bot.policy import AnswerPolicy
from bot.question import Question, analyse, looks_english, match_tokens, required_names
from index.corpus import Paragraph
from index.search import Hit, Searcher
from index.text import bigrams, fold, sentence_spans, tokens


@dataclass(frozen=True)
class Citation:
    paragraph: Paragraph
    score: float
    sentence: str = ""  # the decisive sentence inside this paragraph, if any
    sentence_start: int = -1


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: str | None
    sentence: str | None
    citations: tuple[Citation, ...]
    kind: str = OTHER
    coverage: float = 0.0
    searched: str = ""  # the question as searched, after merging a follow-up
    titles: tuple[str, ...] = ()  # what the bot can answer about (for "not found")
    language: str = "vi"

    @classmethod
    def refused(cls, question: str, titles: tuple[str, ...] = ()) -> "Answer":
        """No answer, no citation: for input that never reached the search (empty, too long…)."""
        return cls(question=question, found=False, answer=None, sentence=None, citations=(), searched=question,
                   titles=titles)

    def to_json(self, reply: str) -> dict:
        """The one JSON shape of an answer (`hoibao ask --json`); fields are added, never renamed."""
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer if self.found else None,
            "reply": reply,
            "kind": self.kind,
            "searched": self.searched,
            "citations": [
                {
                    "title": c.paragraph.title,
                    "source": c.paragraph.source,
                    "paragraph": c.paragraph.number,
                    "text": c.paragraph.text,
                    "sentence": c.sentence,
                    "score": round(c.score, 4),
                    "author": c.paragraph.author,
                    "date": c.paragraph.date,
                    "url": c.paragraph.url,
                }
                for c in self.citations
            ],
        }


# ---------------------------------------------------------------- sentence choice


def coverage(terms: Sequence[str], weights: dict[str, float], sentence: str, exact: bool) -> float:
    """Share of the question's IDF-weighted terms that the sentence contains."""
    if not terms:
        return 0.0
    toks = match_tokens(sentence, exact)
    present = set(toks) | set(bigrams(toks))
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

    @property
    def top_dense(self) -> float:
        return max((h.dense for h in self.hits), default=0.0)


def choose_sentence(question: Question, hits: Sequence[Hit], idf, policy: AnswerPolicy) -> Candidate | None:
    """The sentence, among the top paragraphs, that best answers the question."""
    terms = question.terms
    # A compound ("thủ đô") weighs as much as its syllables together: matching
    # its syllables in other words ("thu hút", "đô thị") is not matching it.
    weights = {t: idf(fold(t)) if "_" not in t else sum(idf(fold(x)) for x in t.split("_")) for t in terms}
    top = max((h.score for h in hits), default=1.0) or 1.0
    best: Candidate | None = None
    for hit in hits[: policy.sentence_pool]:
        text = hit.paragraph.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            cov = coverage(terms, weights, sentence, question.accented)
            span = extract(sentence, question.searched, question.kind)
            score = cov + policy.retrieval_weight * hit.score / top + (policy.span_bonus if span else 0.0)
            if best is None or score > best.score:
                best = Candidate(hit, sentence, start, cov, score, span.text if span else None)
    return best


def is_found(ranking: Ranking, policy: AnswerPolicy) -> bool:
    """Whether the best sentence answers the question, by the policy's calibrated rule."""
    best, question = ranking.best, ranking.question
    if best is None:
        return False
    offset = policy.threshold_offset
    if question.english:
        # Vietnamese terms cannot cover an English question; its names can.
        present = set(tokens(best.sentence))
        return bool(question.names) and all(n in present for n in question.names) and best.span is not None
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


class Answerer:
    """Answers questions over one index; `answer` is safe to call from many threads."""

    def __init__(self, searcher: Searcher, policy: AnswerPolicy | None = None) -> None:
        self.searcher = searcher
        self.policy = policy or AnswerPolicy()
        self.titles = searcher.index.manifest.titles()

    def rank(self, question: str, history: Sequence[str] = ()) -> Ranking:
        """The analysed question, its hits and its best sentence: what `answer` decides on."""
        analysed = analyse(question, resolve_followup(question, history))
        hits = self.searcher.search(analysed.searched, top_k=max(self.policy.top_k, self.policy.sentence_pool))
        best = choose_sentence(analysed, hits, self.searcher.index.lexical.idf, self.policy)
        return Ranking(analysed, tuple(hits), best)

    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        return self.compose(self.rank(question, history))

    def compose(self, ranking: Ranking) -> Answer:
        best, q = ranking.best, ranking.question
        found = is_found(ranking, self.policy)
        return Answer(
            question=q.text,
            found=found,
            answer=(best.span or best.sentence) if best and found else None,
            sentence=best.sentence if best and found else None,
            citations=tuple(_citations(ranking.hits, best)[: self.policy.top_k]) if found else (),
            kind=q.kind,
            coverage=best.coverage if best else 0.0,
            searched=q.searched,
            titles=self.titles,
            language="en" if looks_english(q.text) else "vi",
        )

    def example_questions(self, limit: int = 3) -> list[str]:
        """Questions the index can answer, made from its own sentences (for /start)."""
        examples: list[str] = []
        for paragraph in self.searcher.index.paragraphs:
            for start, end in sentence_spans(paragraph.text):
                sentence = paragraph.text[start:end]
                for span in person_spans(sentence, ""):
                    prefix = sentence[: span.start].strip(" ,:")
                    if 2 <= len(prefix.split()) <= 8 and prefix[:1].isupper():
                        examples.append(f"{prefix} là ai?")
                        break
            if len(examples) >= limit:
                break
        return list(dict.fromkeys(examples))[:limit]


def _citations(hits: Sequence[Hit], best: Candidate | None) -> list[Citation]:
    """The decisive paragraph first, then the rest in retrieval order."""
    ordered = sorted(hits, key=lambda h: 0 if best and h.row == best.hit.row else 1)
    return [
        Citation(h.paragraph, h.score, best.sentence, best.start) if best and h.row == best.hit.row else Citation(h.paragraph, h.score)
        for h in ordered
    ]
