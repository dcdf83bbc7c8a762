"""The span value and the word-shape helpers every finder uses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.spans.lexicon import HONORIFICS, SURNAMES
from index.text import fold, joined_words


def finder(function):
    """Remember a span finder's answers: answering runs the same finders on the same sentence
    for the sentence choice, the typed phrase and the candidate table. Spans are frozen values;
    the tuple keeps callers from changing what another caller gets."""
    cached = lru_cache(maxsize=4096)(lambda sentence, question: tuple(function(sentence, question)))
    cached.__doc__, cached.__name__ = function.__doc__, function.__name__
    return cached


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    score: float


def make_span(sentence: str, start: int, end: int, score: float) -> Span:
    """The span `sentence[start:end]` with surrounding spaces and commas trimmed."""
    while start < end and sentence[start] in " ,;:":
        start += 1
    while end > start and sentence[end - 1] in " ,;:":
        end -= 1
    return Span(start, end, sentence[start:end], score)


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def is_acronym(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def only_space(text: str, a: int, b: int) -> bool:
    return text[a:b].strip() == ""


def capitalised_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of runs of capitalised words ('Hòa Khánh Nguyễn Văn Tùng')."""
    runs: list[tuple[int, int]] = []
    words = joined_words(text)
    i = 0
    while i < len(words):
        if is_capitalised(words[i].group()):
            j = i
            while j + 1 < len(words) and is_capitalised(words[j + 1].group()) and only_space(text, words[j].end(), words[j + 1].start()):
                j += 1
            runs.append((words[i].start(), words[j].end()))
            i = j + 1
        else:
            i += 1
    return runs


def syllables(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the space-separated syllables of `text[start:end]`."""
    return [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]


def person_in_question(question: str) -> str | None:
    """A person's name the question mentions ('Bà Trần Thị Mai Lan ...' → 'Trần Thị Mai Lan')."""
    for start, end in capitalised_runs(question):
        parts = question[start:end].split()
        while parts and fold(parts[0]) in HONORIFICS:
            parts.pop(0)
        if 2 <= len(parts) <= 5 and fold(parts[0]) in SURNAMES:
            return " ".join(parts)
    return None
