"""Which sentence of the top paragraphs answers: cheap signals per sentence, weighed by a fitted model.

The signals are the ones a reader uses without a neural reader: how much of the
question the sentence (and its article's title, and the sentence before it) holds,
how well its paragraph was retrieved, whether it holds a whole phrase of the type
asked for. `bot/core/models/sentences.json` weighs them (benchmarks/fit_sentences.py,
fitted across corpora); the sentence with the highest probability is the decisive one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core import logistic
from bot.core.coverage import share, terms_of
from bot.core.extract import extract
from bot.core.question import Question
from bot.core.spans.expect import typed_phrase
from index.search import Hit
from index.text import sentence_spans, tokens

SENTENCE_VERSION = 1
INPUTS = (
    "coverage",  # IDF-weighted share of the question's terms in the sentence
    "title context",  # … of those it lacks, in its article's title
    "previous",  # … in the sentence before it (the answer often follows the sentence that names the subject)
    "paragraph coverage",  # … in its whole paragraph
    "bigrams",  # share of the question's word pairs in the sentence
    "retrieval",  # its paragraph's fused score over the best one's
    "rank",  # its paragraph's place among the hits (0 = first)
    "dense gap",  # best dense score minus its paragraph's (scale-free across embedders only roughly)
    "typed",  # holds a whole phrase of the expected type
    "span",  # the kind's extractor finds a span in it
    "first",  # the paragraph's first sentence
    "words",  # log(1 + its words)
)
MODEL_FILE = Path(__file__).resolve().parent / "models" / "sentences.json"
REFIT = "make calibrate (benchmarks/fit_sentences.py)"


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    start: int
    text: str
    inputs: np.ndarray


def sentences(question: Question, hits: Sequence[Hit], weights: dict[str, float]) -> list[Sentence]:
    """Every sentence of `hits`, with its inputs."""
    terms = question.terms
    top = max((h.score for h in hits), default=1.0) or 1.0
    best_dense = max((h.dense for h in hits), default=0.0)
    pairs = [t for t in terms if "_" in t]
    out = []
    exact = question.accented
    for rank, hit in enumerate(hits):
        text = hit.paragraph.text
        paragraph = share(terms, weights, terms_of(text, exact))
        title = terms_of(hit.paragraph.title, exact)
        previous = 0.0
        for i, (start, end) in enumerate(sentence_spans(text)):
            sentence = text[start:end]
            present = terms_of(sentence, exact)
            cov = share(terms, weights, present)
            typed = typed_phrase(sentence, question.searched, question.kind, question.expects)
            span = extract(sentence, question.searched, question.kind)
            values = (
                cov, share(terms, weights, present, title), previous,
                paragraph, share(pairs, weights, present) if pairs else 0.0,
                hit.score / top, float(rank), best_dense - hit.dense, float(typed is not None), float(span is not None),
                float(i == 0), math.log1p(len(tokens(sentence))),
            )
            out.append(Sentence(hit, start, sentence, np.array(values, dtype=np.float64)))
            previous = cov
    return out


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> logistic.Logistic:
    return logistic.load(path, INPUTS, SENTENCE_VERSION, REFIT)
