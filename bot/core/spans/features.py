"""The features of a candidate span: one place, read by answering and by benchmarks/fit_spans.py."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from bot.core.spans.asked import Asked
from bot.core.spans.clauses import Word
from bot.core.spans.kinds import DATE, NAMED, NUMBER, OTHER, PERSON, PLACE, ROLE, WHICH
from bot.core.spans.lexicon import FUNCTION_WORDS, PLACE_NAMES, SURNAMES
from bot.core.spans.typed import DATE_RE
from index.text import fold

# "named" is a quoted phrase (the finder for "tên là gì" questions).
SOURCES = ("person", "number", "date", "place", "named", "which", "role", "anchor", "gap", "term", "proper", "clause")
# The typed finder that answers each kind.
_KIND_SOURCE = {PERSON: "person", NUMBER: "number", DATE: "date", PLACE: "place", NAMED: "named", WHICH: "which", ROLE: "role"}
_OPEN_KINDS = (OTHER, NAMED, WHICH)
_MONEY = re.compile(r"đồng|usd|vnđ|vnd|đô la|euro|yên|%", re.IGNORECASE)

FEATURES = (
    *(f"src {s}" for s in SOURCES),
    *(f"open kind × src {s}" for s in SOURCES),
    "person kind × src person", "person kind × src proper", "person kind × name shape", "person kind × known place",
    "known place",
    "kind match", "typed choice", "prior", "name shape", "surname start", "digits", "number with unit", "number kind × date inside", "counted noun", "money for price",
    "year for year", "term for term", "function words", "after anchor", "after a cause", "left context", "right context", "near", "asked before", "asked after", "asked share",
    "length", "short", "whole sentence", "clause cover", "window cover", "span cover",
)


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    source: str
    prior: float = 0.0  # the typed finder's own score


def _cover(ask: Asked, words: list[Word]) -> float:
    if not ask.content:
        return 0.0
    return len(ask.content & {w.form for w in words}) / len(ask.content)


def features(
    sentence: str, p: Proposal, ask: Asked, words: list[Word], bounds: list[tuple[int, int]], chosen: bool = False,
) -> np.ndarray:
    """The feature row of `p`; `chosen`: it is the span the typed finder of the question's kind prefers."""
    inside = [w for w in words if p.start <= w.start and w.end <= p.end] or [Word(p.start, p.end, "", False)]
    text = sentence[p.start : p.end]
    first = next((i for i, w in enumerate(words) if w.start >= p.start), len(words))
    last = first + len(inside) - 1
    before = words[first - 1] if first > 0 else None
    after = words[last + 1] if last + 1 < len(words) else None
    asked_at = [i for i, w in enumerate(words) if w.asked and not p.start <= w.start < p.end]
    distance = min((first - i if i < first else i - last for i in asked_at), default=len(words))
    window = words[max(0, first - 5) : first] + words[last + 1 : last + 6]
    clause = [w for a, b in bounds if a <= p.end and p.start <= b for w in words if a <= w.start and w.end <= b]
    caps = [w for w in inside if sentence[w.start : w.start + 1].isupper()]
    has_digits = any(ch.isdigit() for ch in text)
    counted = has_digits and inside[-1].asked and any(ch.isdigit() for ch in inside[0].form)
    # The asked noun after a number ("250 giường bệnh") is what was counted, not a repeat.
    own = [w for w in inside if not (counted and w.start > inside[0].start)] if counted else inside
    if p.source == "term":  # "nhiệm kỳ" names what the years are
        own = [w for w in inside if any(ch.isdigit() for ch in w.form)] or inside
    if p.source == "person" and len(inside) > 1 and fold(inside[0].form) in SURNAMES:
        own = inside[1:]  # relatives share a family name: "Trần Thu Hà", daughter of "Trần Hiếu"
    f = {f"src {p.source}": 1.0}
    if ask.kind in _OPEN_KINDS:
        f[f"open kind × src {p.source}"] = 1.0
    if ask.kind == PERSON:
        f[f"person kind × src {p.source}"] = 1.0
    place = fold(text) in PLACE_NAMES
    f.update({
        "person kind × known place": float(ask.kind == PERSON and place),
        "known place": float(place),
        "person kind × name shape": float(ask.kind == PERSON and 2 <= len(inside) <= 5 and len(caps) == len(inside)),
        "kind match": float(_KIND_SOURCE.get(ask.kind) == p.source),
        "typed choice": float(chosen),
        "prior": min(p.prior, 3.0),
        "name shape": float(2 <= len(inside) <= 5 and len(caps) == len(inside)),
        "surname start": float(fold(sentence[inside[0].start : inside[0].end]) in SURNAMES and len(caps) >= 2),
        "digits": float(has_digits),
        "number with unit": float(has_digits and bool(re.search(r"\d\s*\D", text))),
        # "250 giường bệnh" for "bao nhiêu giường bệnh": the asked noun after the number
        "counted noun": float(counted),
        # "sáng 2-5 ở mức 85,5 triệu đồng": an amount is asked, the date is not part of it
        "number kind × date inside": float(ask.kind == NUMBER and p.source != "date" and bool(DATE_RE.search(text))),
        "money for price": float(ask.price and has_digits and bool(_MONEY.search(text))),
        "year for year": float(ask.wants_year and bool(re.search(r"\b\d{4}\b", text))),
        "term for term": float(ask.term and p.source == "term"),
        "function words": sum(w.form in FUNCTION_WORDS for w in inside) / len(inside),
        "after anchor": float(before is not None and before.form in ask.anchors),
        "after a cause": float(before is not None and before.form in ask.causes),
        "left context": float(before is not None and before.form in ask.left),
        "right context": float(after is not None and after.form in ask.right),
        "near": 1.0 / (1.0 + max(distance, 0)),
        "asked before": float(before is not None and before.asked),
        "asked after": float(after is not None and after.asked),
        "asked share": sum(w.asked for w in own) / len(own),
        "length": math.log1p(len(inside)),
        "short": float(len(inside) <= 4),
        "whole sentence": float(len(inside) >= len(words) - 1),
        "clause cover": _cover(ask, clause),
        "window cover": _cover(ask, window),
        "span cover": _cover(ask, inside),
    })
    return np.array([f.get(name, 0.0) for name in FEATURES])
