"""People in a sentence: names for "who" questions, the title written before a named person."""

from __future__ import annotations

import re

from bot.core.spans.base import Span, capitalised_runs, finder, is_acronym, syllables
from bot.core.spans.lexicon import HONORIFICS, INSTITUTION_WORDS, SURNAMES, TITLE_HEADS
from bot.core.spans.nearby import anchor_bonus
from index.text import fold, tokens


@finder
def person_spans(sentence: str, question: str) -> list[Span]:
    """Names in `sentence`: 2–5 capitalised syllables, not words the question already has."""
    folded_question = tokens(question)
    asked = set(folded_question)
    asked_pairs = {f"{a} {b}" for a, b in zip(folded_question, folded_question[1:])}
    spans: list[Span] = []
    for start, end in capitalised_runs(sentence):
        sylls = syllables(sentence, start, end)
        # Acronyms ("UBND", "HĐQT") are organisations: a name starts after them.
        while sylls and is_acronym(sentence[sylls[0][0] : sylls[0][1]]):
            sylls.pop(0)
        # Drop leading syllables the question already names (the place before a
        # name), but never a family name that starts a name-shaped rest.
        dropped = None
        while sylls and fold(sentence[sylls[0][0] : sylls[0][1]]) in asked:
            here = fold(sentence[sylls[0][0] : sylls[0][1]])
            # ...unless it goes on a phrase the question has ("Ấn Độ" before "Narendra Modi").
            if here in SURNAMES and 2 <= len(sylls) <= 5 and f"{dropped} {here}" not in asked_pairs:
                break
            dropped = here
            sylls.pop(0)
        if not sylls:
            continue
        folded = [fold(sentence[a:b]) for a, b in sylls]
        # A surname inside the run starts the name ("Hòa Khánh Nguyễn Văn Tùng").
        cut = next((i for i, f in enumerate(folded) if f in SURNAMES and len(folded) - i >= 2), None)
        if cut is not None:
            sylls, folded = sylls[cut:], folded[cut:]
        if not 2 <= len(sylls) <= 5 or all(f in asked for f in folded):
            continue
        score = 1.0 + (1.0 if folded[0] in SURNAMES else 0.0)
        if sentence[sylls[0][0] : sylls[0][1]] in INSTITUTION_WORDS:
            score -= 0.5
        before = fold(sentence[max(0, sylls[0][0] - 30) : sylls[0][0]]).split()
        if before and (before[-1] in HONORIFICS or any(" ".join(before[-k:]) in TITLE_HEADS for k in (1, 2, 3))):
            score += 0.5
        a, b = sylls[0][0], sylls[-1][1]
        score += anchor_bonus(sentence, a, b, question)
        spans.append(Span(a, b, sentence[a:b], score))
    return [s for s in spans if s.score >= 1.0]


def role_span(sentence: str, person: str) -> Span | None:
    """The title written before (or in apposition after) `person` in `sentence`."""
    folded_sentence = fold(sentence)
    at = folded_sentence.find(fold(person))
    if at < 0:
        return None
    prefix = sentence[:at]
    clause_start = max(prefix.rfind(","), prefix.rfind(":"), prefix.rfind(";"), prefix.rfind("“")) + 1
    clause = prefix[clause_start:]
    folded_clause = fold(clause)
    starts = [m.start() for head in TITLE_HEADS for m in re.finditer(rf"(?:^|\s){re.escape(head)}\b", folded_clause)]
    if starts:
        offset = min(starts)
        offset += len(folded_clause[offset:]) - len(folded_clause[offset:].lstrip())
        text = clause[offset:].strip()
        a = clause_start + offset
        if text:
            return Span(a, a + len(text), text, 2.0)
    after = sentence[at + len(person) :]
    match = re.match(r"\s*,\s*([^,;:.]{3,80}?)\s*,", after)
    if match and any(fold(match.group(1)).startswith(h) for h in TITLE_HEADS):
        a = at + len(person) + match.start(1)
        return Span(a, a + len(match.group(1)), match.group(1), 1.5)
    return None
