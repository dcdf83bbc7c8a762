"""Is a written answer grounded? Pure: the text, the paragraphs it was given, a reason or None.

A written answer passes only if
- it carries at least one citation marker ([1], [2], [1, 2]) and every marker
  names a given paragraph (else `bad_citation`: an uncited answer cites nothing,
  so its facts cannot be traced; "I don't know" is uncited too, and the
  extractive answer, which did find something, is better);
- every name (a run of capitalised words), number and date in it appears, after
  folding, in one of the paragraphs it cites (else `unsupported_fact`). The first
  word of a sentence is capitalised anyway, so it alone does not make a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.text import fold, nfc, split_sentences, tokens

BAD_CITATION, UNSUPPORTED_FACT = "bad_citation", "unsupported_fact"

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_NUMBER = re.compile(r"\d+(?:[.,/:-]\d+)*")
_WORD = re.compile(r"\w+")


def cited(text: str) -> list[int]:
    """The paragraph numbers the markers name, in order (1-based)."""
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"[,;]", group)]


def names(text: str) -> list[str]:
    """Runs of capitalised words, without a sentence's capitalised first word when it stands alone."""
    found = []
    for sentence in split_sentences(text):
        run: list[str] = []
        for position, word in enumerate(_WORD.findall(sentence) + [""]):
            if word[:1].isupper():
                run.append(word)
                continue
            starts = position - len(run) == 0
            if starts and run:
                run = run[1:]  # "Theo [1], ..." / "Ông Nguyễn Văn A ..." → "Nguyễn Văn A"
            if run:
                found.append(" ".join(run))
            run = []
    return found


def numbers(text: str) -> list[str]:
    """Numbers and dates as written: '1.200', '15/3/2024', '7,5'."""
    return _NUMBER.findall(text)


def _has_name(name: str, paragraph: str) -> bool:
    return f" {' '.join(tokens(name))} " in f" {' '.join(tokens(paragraph))} "


def _has_number(number: str, paragraph: str) -> bool:
    """Whole: "200" is not in "1.200" nor "2001", but "19" is in "Covid-19" (as `numbers` finds it there)."""
    return re.search(rf"(?<!\d)(?<!\d[.,/:-]){re.escape(number)}(?!\d|[.,/:-]\d)", paragraph) is not None


def check(text: str, paragraphs: Sequence[str]) -> str | None:
    """None when `text` is grounded in `paragraphs` (numbered from 1), else the reason it is not."""
    text = nfc(text)
    numbers_cited = cited(text)
    if not numbers_cited or any(not 1 <= n <= len(paragraphs) for n in numbers_cited):
        return BAD_CITATION
    sources = [fold(nfc(paragraphs[n - 1])) for n in dict.fromkeys(numbers_cited)]
    plain = _MARKER.sub(" ", text)
    for name in names(plain):
        if not any(_has_name(name, source) for source in sources):
            return UNSUPPORTED_FACT
    for number in numbers(fold(plain)):
        if not any(_has_number(number, source) for source in sources):
            return UNSUPPORTED_FACT
    return None
