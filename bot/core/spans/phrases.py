"""Untyped candidate phrases: a term of office, after the question's anchor word, the gaps
between the question's words, proper nouns, clauses. Each finder returns (start, end) pairs."""

from __future__ import annotations

import re

from bot.core.spans.asked import Asked
from bot.core.spans.base import capitalised_runs
from bot.core.spans.clauses import Word
from bot.core.spans.lexicon import FUNCTION_WORDS

_TERM = re.compile(r"(?:nhiệm kỳ|khóa|khoá|giai đoạn|term)\s+(?:[IVXLC]+\s*,?\s*(?:nhiệm kỳ\s+)?)?(?:\d{4}\s*[-–—]\s*\d{2,4})", re.IGNORECASE)
_MAX_WORDS = 15
# Anchors that open a list ("gồm A, B và C"): their phrase runs past commas to the sentence end.
_ENUMERATING = frozenset({"gồm", "gom"})
_LIST_MAX_WORDS = 30


def terms_of_office(sentence: str) -> list[tuple[int, int]]:
    """'nhiệm kỳ 2020 - 2025', 'giai đoạn 2021–2025'."""
    return [m.span() for m in _TERM.finditer(sentence)]


def _clause_end(words: list[Word], i: int, bounds: list[tuple[int, int]]) -> int:
    """The end of the clause holding word i."""
    return next((b for a, b in bounds if a <= words[i].start < b), words[-1].end)


def after_anchor(sentence: str, words: list[Word], ask: Asked, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The phrase after each anchor word ("bàn về …"): to the clause end, and to the next question word."""
    spans = []
    for i, word in enumerate(words[:-1]):
        if word.form not in ask.anchors and word.form not in ask.causes:
            continue
        end = _clause_end(words, i, bounds)
        rest = [w for w in words[i + 1 :] if w.end <= end][:_MAX_WORDS]
        if not rest:
            continue
        if sentence[word.end : rest[0].start].strip() in ("“", '"', "«"):
            continue  # the quoted phrase is its own candidate
        spans.append((rest[0].start, rest[-1].end))
        cut = next((k for k, w in enumerate(rest) if w.asked), None)
        if cut:
            spans.append((rest[0].start, rest[cut - 1].end))
        if word.form in _ENUMERATING:
            spans += _listed(sentence, words[i + 1 :])
    return spans


def _listed(sentence: str, rest: list[Word]) -> list[tuple[int, int]]:
    """The list after "gồm", less the words the question has at its head ("các nội dung")."""
    stop = next((k for k, w in enumerate(rest[1:], 1) if re.search(r"[;.]\s*$", sentence[rest[k - 1].end : w.start])), len(rest))
    items = rest[:stop][:_LIST_MAX_WORDS]
    head = next((k for k, w in enumerate(items) if not w.asked and w.form not in FUNCTION_WORDS), len(items))
    return [(items[head].start, items[-1].end)] if head < len(items) else []


def gaps(words: list[Word], bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of words the question does not have, inside one clause, next to words it has."""
    spans = []
    for a, b in bounds:
        inside = [w for w in words if a <= w.start and w.end <= b]
        if not any(w.asked for w in inside):
            continue
        run: list[Word] = []
        for w in inside + [None]:
            if w is not None and not w.asked:
                run.append(w)
                continue
            if run and len(run) <= _MAX_WORDS:
                spans.append((run[0].start, run[-1].end))
            run = []
    return spans


def proper_nouns(sentence: str, words: list[Word]) -> list[tuple[int, int]]:
    """Capitalised runs, less the words the question already has at their start."""
    asked_at = {w.start: w for w in words if w.asked}
    spans = []
    for start, end in capitalised_runs(sentence):
        parts = [w for w in words if start <= w.start and w.end <= end]
        while parts and parts[0].start in asked_at:
            parts.pop(0)
        if parts and len(parts) <= 8:
            spans.append((parts[0].start, parts[-1].end))
    return spans


def clause_spans(bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each clause, and each clause with the next one."""
    pairs = [(a, d) for (a, _), (_, d) in zip(bounds, bounds[1:])]
    return list(bounds) + pairs
