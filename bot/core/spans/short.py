"""`short_answer`: every candidate span of a sentence, ranked by the fitted weights; never None."""

from __future__ import annotations

import numpy as np

from bot.core.spans import phrases
from bot.core.spans.asked import Asked, asked
from bot.core.spans.base import Span, make_span, person_in_question
from bot.core.spans.clauses import clauses, sentence_words
from bot.core.spans.features import Proposal, features
from bot.core.spans.model import scores
from bot.core.spans.people import role_span
from bot.core.spans.typed import FINDERS, extract, organisation_spans


def proposals(sentence: str, ask: Asked) -> list[Proposal]:
    """Candidate spans of every source, typed finders first; duplicates keep the first source."""
    words = sentence_words(sentence, ask)
    bounds = clauses(sentence)
    found = [Proposal(s.start, s.end, kind, s.score) for kind, finder in FINDERS.items() for s in finder(sentence, ask.text)]
    found += [Proposal(s.start, s.end, "which", s.score) for s in organisation_spans(sentence, ask.text)]
    person = person_in_question(ask.text)
    role = role_span(sentence, person) if person else None
    if role:
        found.append(Proposal(role.start, role.end, "role", role.score))
    found += [Proposal(a, b, "term") for a, b in phrases.terms_of_office(sentence)]
    if words:
        found += [Proposal(a, b, "anchor") for a, b in phrases.after_anchor(sentence, words, ask, bounds)]
        found += [Proposal(a, b, "gap") for a, b in phrases.gaps(words, bounds)]
        found += [Proposal(a, b, "proper") for a, b in phrases.proper_nouns(sentence, words)]
    found += [Proposal(a, b, "clause") for a, b in phrases.clause_spans(bounds)]
    unique: dict[tuple[int, int], Proposal] = {}
    for p in found:
        span = make_span(sentence, p.start, p.end, 0.0)
        if span.text:
            unique.setdefault((span.start, span.end), Proposal(span.start, span.end, p.source, p.prior))
    return list(unique.values())


def candidate_table(sentence: str, question: str, kind: str) -> tuple[list[Proposal], np.ndarray]:
    """The proposals of `sentence` for `question` and their feature rows (for answering and fitting)."""
    ask = asked(question, kind)
    words = sentence_words(sentence, ask)
    bounds = clauses(sentence)
    found = proposals(sentence, ask)
    typed = extract(sentence, question, kind)
    choice = make_span(sentence, typed.start, typed.end, 0.0) if typed else None
    rows = [features(sentence, p, ask, words, bounds, chosen=choice is not None and (p.start, p.end) == (choice.start, choice.end)) for p in found]
    matrix = np.array(rows) if found else np.zeros((0, 0))
    return found, matrix


def short_answer(sentence: str, question: str, kind: str) -> Span:
    """The short answer in `sentence`: the best-ranked typed span, phrase or clause; a verbatim slice.

    Args:
        sentence: the decisive sentence.
        question: the question as searched (after follow-up resolution).
        kind: the question's kind (`question_kind`).
    """
    found, matrix = candidate_table(sentence, question, kind)
    if not found:
        return Span(0, len(sentence), sentence, 0.0)
    ranked = scores(matrix)
    best = int(np.argmax(ranked))
    return make_span(sentence, found[best].start, found[best].end, float(ranked[best]))
