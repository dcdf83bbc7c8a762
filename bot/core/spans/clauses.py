"""Clauses of a sentence, and the words of a sentence marked by whether the question has them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.spans.asked import Asked
from index.text import fold, joined_words, nfc

# A comma between digits is a decimal mark ("85,5"), a dash between them a range ("2020 - 2025").
_PUNCT = r"(?<!\d),|,(?!\d)|[;:()\[\]“”\"«»!?]|(?<!\d)\s[-–—]\s|\s[-–—]\s(?!\d)|\.\s"
# Words that open a new clause, measured on the evaluation sets (benchmarks/span_quality.py).
CONJUNCTIONS = ("nhưng", "trong đó", "tuy nhiên", "đồng thời", "vì vậy", "do đó", "sau khi", "trước khi", "trong khi")
_BOUNDARY = re.compile(_PUNCT + "|" + "|".join(rf"(?<=\s)(?={re.escape(c)}\s)" for c in CONJUNCTIONS), re.IGNORECASE)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of `sentence`, trimmed; the whole sentence when it has no boundary."""
    cuts = [0]
    for m in _BOUNDARY.finditer(sentence):
        cuts += [m.start(), m.end()]
    cuts.append(len(sentence))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        while a < b and not sentence[a].isalnum():
            a += 1
        while b > a and not sentence[b - 1].isalnum() and sentence[b - 1] not in "%)":
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans or [(0, len(sentence))]


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    form: str  # match form: accented lower-case, or folded
    asked: bool  # the question has this word


def sentence_words(sentence: str, ask: Asked) -> list[Word]:
    question = set(ask.words)
    words = []
    for m in joined_words(sentence):
        form = nfc(m.group()).lower() if ask.accented else fold(m.group())
        words.append(Word(m.start(), m.end(), form, form in question))
    return words
