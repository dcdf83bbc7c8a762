"""The short phrase an answer may state, and the signals of whether it is the answer.

`choose` ranks every candidate span of the decisive sentence with the span weights
(bot/core/models/spans.json), then keeps the best one that is of the expected type and a
whole constituent (bot.core.spans.expect). `signals` describes that choice for the phrase
model (bot/core/models/phrase.json), whose probability is the answer's `span_confidence`:
the chance that this phrase, not just its paragraph, is the answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.core.spans.base import Span, make_span
from bot.core.spans.expect import TYPES, Expected, agrees, expected, whole
from bot.core.spans.features import _KIND_SOURCE
from bot.core.spans.model import scores
from bot.core.spans.short import candidate_table
from index.text import fold, tokens

PHRASE_VERSION = 1
SIGNALS = (
    "score",  # the span ranker's score of the chosen phrase
    "margin",  # … minus the best other phrase of the expected type (0 when it is alone)
    "behind top",  # … below the best candidate of any type (0 when it is the top)
    "is top",  # the ranker's own first choice is of the expected type and whole
    "rivals",  # log(1 + other phrases of the expected type)
    "typed",  # found by the finder of the question's kind (person, number, date…)
    "words",  # log(1 + its words)
    "one word",
    "asked share",  # share of its words that the question already has
    "sentence words",  # log(1 + the sentence's words): long sentences hold more rivals
    "passage",  # the answerability model's probability for the paragraph
    "coverage",  # the question's terms the sentence covers
    "missing",  # weight share of the heaviest question term the sentence lacks ("hoàn thành" in a sentence about "khởi công")
) + tuple(f"type {t}" for t in TYPES)


@dataclass(frozen=True)
class Choice:
    phrase: Span | None  # None: no candidate of the expected type is a whole constituent
    expected: Expected
    signals: np.ndarray


def choose(sentence: str, question: str, kind: str, passage: float = 0.0, coverage: float = 0.0,
           missing: float = 0.0) -> Choice:
    """The best whole phrase of the expected type in `sentence`, and the signals describing it."""
    want = expected(question, kind)
    found, matrix = candidate_table(sentence, question, kind)
    values = dict.fromkeys(SIGNALS, 0.0)
    values.update({"passage": passage, "coverage": coverage, "missing": missing, f"type {want.type}": 1.0,
                   "sentence words": math.log1p(len(tokens(sentence)))})
    if not found:
        return Choice(None, want, _vector(values))
    ranked = scores(matrix)
    order = [int(i) for i in np.argsort(-ranked, kind="stable")]
    eligible = [i for i in order if agrees(sentence[found[i].start : found[i].end], want)
                and whole(sentence, found[i].start, found[i].end)]
    if not eligible:
        return Choice(None, want, _vector(values))
    pick = eligible[0]
    span = make_span(sentence, found[pick].start, found[pick].end, float(ranked[pick]))
    words = tokens(span.text)
    asked = set(tokens(question))
    values.update({
        "score": float(ranked[pick]),
        "margin": float(ranked[pick] - ranked[eligible[1]]) if len(eligible) > 1 else 0.0,
        "behind top": float(ranked[order[0]] - ranked[pick]),
        "is top": float(pick == order[0]),
        "rivals": math.log1p(len(eligible) - 1),
        "typed": float(_KIND_SOURCE.get(kind) == found[pick].source),
        "words": math.log1p(len(words)),
        "one word": float(len(words) == 1),
        "asked share": sum(w in asked for w in words) / max(len(words), 1),
    })
    return Choice(span, want, _vector(values))


def _vector(values: dict[str, float]) -> np.ndarray:
    return np.array([values[name] for name in SIGNALS], dtype=np.float64)


def same_phrase(a: str, b: str) -> bool:
    """Equal up to case, diacritics and punctuation (how exact match is counted)."""
    return tokens(fold(a)) == tokens(fold(b))
