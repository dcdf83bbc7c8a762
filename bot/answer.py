"""From ranked paragraphs to an answer: the decisive sentence, a short span, found or not.

Pure logic over the hits `index.search` returns; no I/O. Every channel renders
the `Answer` this module produces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.extract import (
    OTHER,
    extract,
    person_spans,
    question_content,
    question_kind,
)
from index.corpus import Paragraph
from index.search import Hit, Searcher
from index.text import bigrams, fold, has_diacritics, nfc, sentence_spans, tokens

SENTENCE_POOL = 5  # paragraphs whose sentences compete for the answer
_RETRIEVAL_WEIGHT = 0.25
_SPAN_BONUS = 0.3

# Calibrated with `hoibao eval` and benchmarks/calibrate_found.py (see README):
# a question is answered when the best sentence covers enough of its
# IDF-weighted content terms, or when the dense match is strong and some terms
# match (cross-lingual questions).
MIN_COVERAGE = 0.6
MIN_DENSE = 0.88
MIN_COVERAGE_WITH_DENSE = 0.2
# Not used: calling a "who / how many / when" question not found when its best
# sentence holds no name, number or date. Measured, it turned away as many
# answerable questions as unanswerable ones (21% each).
# Every proper name the question writes with a capital ("Việt Nam", "Hồ Chí Minh")
# must appear in the cited paragraph or its title: a paragraph about another
# country's coach does not answer a question about Vietnam's.
REQUIRE_NAMES = True


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
    debug: dict = field(default_factory=dict)

    def to_json(self, reply: str) -> dict:
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


# ---------------------------------------------------------------- follow-ups

_ELLIPSIS_START = re.compile(r"^(?:thế còn|vậy còn|còn|the con|vay con|con|and|what about|how about)\s+", re.I)
_ELLIPSIS_END = re.compile(r"\s*(?:thì sao|thi sao|thế nào|the nao|ra sao|nữa|nua|thì|thi)?\s*[?.!]*\s*$", re.I)
# Words where the asking part of a question begins ("... là ai", "... có bao nhiêu").
_PREDICATE_STARTS = {fold(w) for w in "là ai gì bao mấy nào khi ở tại đâu có được đã sẽ đang giữ thì làm sinh nằm".split()}


def is_followup(question: str) -> bool:
    """Short or elliptical ("Còn phường X thì sao?") questions lean on the previous one."""
    folded = fold(question).strip()
    if _ELLIPSIS_START.match(folded) or re.search(r"\b(thi sao|ra sao)\s*\??$", folded):
        return True
    return question_kind(question) == OTHER and len(question_content(question)) <= 2


def resolve_followup(question: str, history: Sequence[str]) -> str:
    """Rewrite an elliptical question using the previous one; others pass unchanged.

    "Còn phường Hòa Khánh thì sao?" after "Chủ tịch UBND phường Thạch Thang là ai?"
    becomes "Chủ tịch UBND phường Hòa Khánh là ai?": the new phrase replaces the
    previous question's phrase that starts with the same word (phường, ông, quận...).
    """
    if not history or not is_followup(question):
        return question
    previous = history[-1]
    core = _ELLIPSIS_END.sub("", _ELLIPSIS_START.sub("", question.strip())).strip()
    if not core:
        return previous
    core_words = core.split()
    prev_words = previous.split()
    for i, word in enumerate(prev_words):
        if fold(word) != fold(core_words[0]):
            continue
        # The previous phrase runs from the shared word to where the question part starts.
        j = i + 1
        while j < len(prev_words) and fold(prev_words[j]).strip("?.,!") not in _PREDICATE_STARTS:
            j += 1
        # Keep the previous question's own spelling of the shared word.
        return " ".join(prev_words[: i + 1] + core_words[1:] + prev_words[j:])
    if core[:1].isupper():
        # A bare name: swap it for the previous question's last proper noun run.
        for i in range(len(prev_words) - 1, 0, -1):
            if prev_words[i][:1].isupper():
                j = i
                while j > 1 and prev_words[j - 1][:1].isupper():
                    j -= 1
                return " ".join(prev_words[:j] + [core] + prev_words[i + 1 :])
    return f"{previous} {core}"


# ---------------------------------------------------------------- sentence choice


def _match_tokens(text: str, exact: bool) -> list[str]:
    """Lower-case syllables, accents kept when the question has them ('đô' ≠ 'do')."""
    return re.findall(r"\w+", nfc(text).lower()) if exact else tokens(text)


def query_terms(question: str) -> list[str]:
    """Content syllables and the bigrams between them, in the question's own accenting."""
    content = set(question_content(question))
    toks = _match_tokens(question, has_diacritics(question))
    keep = [t in content for t in toks]
    pairs = [b for b, k1, k2 in zip(bigrams(toks), keep, keep[1:]) if k1 and k2]
    return list(dict.fromkeys([t for t, k in zip(toks, keep) if k] + pairs))


def coverage(terms: list[str], weights: dict[str, float], sentence: str, exact: bool) -> float:
    """Share of the question's IDF-weighted terms that the sentence contains."""
    if not terms:
        return 0.0
    toks = _match_tokens(sentence, exact)
    present = set(toks) | set(bigrams(toks))
    total = sum(weights[t] for t in terms)
    return sum(weights[t] for t in terms if t in present) / total if total else 0.0


# Capitalised for emphasis or by habit, not names.
_NAME_EXCEPTIONS = {"ai", "khi", "bao", "o", "tai", "the", "nhu", "i"}


def proper_terms(question: str) -> list[str]:
    """Folded capitalised words after the first: the names an English question keeps."""
    words = re.findall(r"\w+", question)[1:]
    return [fold(w) for w in words if w[:1].isupper()]


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    sentence: str
    start: int
    coverage: float
    score: float
    span: str | None


def choose_sentence(question: str, hits: list[Hit], idf, kind: str) -> Candidate | None:
    """The sentence, among the top paragraphs, that best answers the question."""
    terms = query_terms(question)
    exact = has_diacritics(question)
    # A compound ("thủ đô") weighs as much as its syllables together: matching
    # its syllables in other words ("thu hút", "đô thị") is not matching it.
    weights = {t: idf(fold(t)) if "_" not in t else sum(idf(fold(x)) for x in t.split("_")) for t in terms}
    top = max((h.score for h in hits), default=1.0) or 1.0
    best: Candidate | None = None
    for hit in hits[:SENTENCE_POOL]:
        text = hit.paragraph.text
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            cov = coverage(terms, weights, sentence, exact)
            span = extract(sentence, question, kind)
            score = cov + _RETRIEVAL_WEIGHT * hit.score / top + (_SPAN_BONUS if span else 0.0)
            if best is None or score > best.score:
                best = Candidate(hit, sentence, start, cov, score, span.text if span else None)
    return best


def is_found(best: Candidate | None, top_dense: float, threshold_offset: float = 0.0, question: str = "") -> bool:
    if best is None:
        return False
    if looks_english(question):
        # Vietnamese terms cannot cover an English question; its names can.
        names = proper_terms(question)
        present = set(tokens(best.sentence))
        return bool(names) and all(n in present for n in names) and (best.span is not None)
    if REQUIRE_NAMES and not names_present(question, best.hit.paragraph):
        return False
    if best.coverage >= MIN_COVERAGE + threshold_offset:
        return True
    return top_dense >= MIN_DENSE + threshold_offset and best.coverage >= MIN_COVERAGE_WITH_DENSE


def names_present(question: str, paragraph: Paragraph) -> bool:
    """Whether the question's capitalised names (after its first word) are in the paragraph or title."""
    names = [n for n in proper_terms(question) if n not in _NAME_EXCEPTIONS]
    if not names:
        return True
    present = set(tokens(paragraph.text)) | set(tokens(paragraph.title)) | set(tokens(paragraph.section))
    return all(n in present for n in names)


def looks_english(question: str) -> bool:
    return bool(re.search(r"\b(who|what|when|where|which|how|is|are|the|of)\b", question.lower())) and fold(
        question
    ) == question.lower()


class Answerer:
    """Answers questions over one index; `answer` is safe to call from many threads."""

    def __init__(self, searcher: Searcher, top_k: int = 5, threshold_offset: float = 0.0) -> None:
        self.searcher = searcher
        self.top_k = top_k
        self.threshold_offset = threshold_offset
        articles = searcher.index.manifest.get("articles", {})
        self.titles = tuple(meta["title"] for meta in articles.values())

    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        searched = resolve_followup(question, history)
        kind = question_kind(searched)
        hits = self.searcher.search(searched, top_k=max(self.top_k, SENTENCE_POOL))
        best = choose_sentence(searched, hits, self.searcher.index.lexical.idf, kind)
        top_dense = max((h.dense for h in hits), default=0.0)
        found = is_found(best, top_dense, self.threshold_offset, searched)
        citations = _citations(hits, best)[: self.top_k]
        return Answer(
            question=question,
            found=found,
            answer=(best.span or best.sentence) if best and found else None,
            sentence=best.sentence if best and found else None,
            citations=tuple(citations) if found else (),
            kind=kind,
            coverage=best.coverage if best else 0.0,
            searched=searched,
            titles=self.titles,
            language="en" if looks_english(question) else "vi",
            debug={"top_dense": round(top_dense, 4), "coverage": round(best.coverage, 4) if best else 0.0},
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


def _citations(hits: list[Hit], best: Candidate | None) -> list[Citation]:
    """The decisive paragraph first, then the rest in retrieval order."""
    ordered = sorted(hits, key=lambda h: 0 if best and h.row == best.hit.row else 1)
    return [
        Citation(h.paragraph, h.score, best.sentence, best.start) if best and h.row == best.hit.row else Citation(h.paragraph, h.score)
        for h in ordered
    ]
