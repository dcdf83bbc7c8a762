"""The answerability signals of a ranking: computed here only, by answering and by training alike.

Each is a number the pipeline already has or gets cheaply: how much of the
question the chosen sentence and paragraph cover, how strong and how clear the
retrieval is, whether the question's names are there, what kind of answer is
asked for and whether one was found. `bot.core.answerability` weighs them with a
model fitted by `benchmarks/fit_answerability.py`; `FEATURE_VERSION` changes
whenever a signal's meaning does, so an old model file is refused.
"""

from __future__ import annotations

import math

import numpy as np

from bot.core.coverage import coverage, terms_of
from bot.core.extract import DATE, NAMED, NUMBER, OTHER, PERSON, PLACE, ROLE, WHICH
from bot.core.question import required_names
from bot.core.ranking import Ranking, names_present
from index.lexical import K1

FEATURE_VERSION = 2  # 2: dense scores on the index's own scale (bot.core.levels), not raw cosines
KINDS = (PERSON, ROLE, NUMBER, DATE, PLACE, NAMED, WHICH, OTHER)
FEATURES = (
    "coverage",  # IDF-weighted share of the question's terms in the best sentence
    "paragraph_coverage",  # … in the paragraph holding it
    "title_coverage",  # … in that paragraph with its title and section
    "top_coverage",  # … in the top retrieved paragraph
    "missing_max",  # weight share of the heaviest term found nowhere in the best paragraph
    "dense_top",  # best dense score among the hits, on the index's scale (0 unrelated, 1 related)
    "dense_best",  # … of the paragraph holding the best sentence
    "dense_margin",  # best minus the runner-up's, on that scale
    "lexical_share",  # BM25 of the best paragraph over the most the question's terms could score
    "fused_margin",  # (first − second) / first fused score
    "best_rank",  # position of the best sentence's paragraph among the hits (0 = first)
    "names_ok",  # every capitalised name of the question is in the paragraph or title
    "names",  # how many such names the question has
    "unknown_names",  # of those, how many the index has never seen
    "span",  # a span of the asked kind was found in the sentence
    "terms",  # log(1 + number of content terms)
    "accented",
    "english",
) + tuple(f"kind_{kind}" for kind in KINDS)

_BM25_CEILING = K1 + 1  # the most one occurrence of a term can score, per unit of IDF


def _share(terms, weights: dict[str, float], text: str, exact: bool) -> float:
    return coverage(list(terms), weights, text, exact)


def signals(ranking: Ranking) -> dict[str, float]:
    """The named signals of one ranking (all zeros where nothing was retrieved)."""
    q, best, hits = ranking.question, ranking.best, ranking.hits
    out = dict.fromkeys(FEATURES, 0.0)
    names = required_names(q)
    out.update(
        names=float(len(names)),
        unknown_names=float(sum(1 for n in names if n not in ranking.known)),
        terms=math.log1p(len(q.terms)),
        accented=float(q.accented),
        english=float(q.english),
    )
    out[f"kind_{q.kind}"] = 1.0
    if best is None or not hits:
        return out
    paragraph = best.hit.paragraph
    total = sum(ranking.weights.values()) or 1.0
    exact = q.accented
    in_paragraph = terms_of(paragraph.text, exact)
    missing = [ranking.weights[t] for t in q.terms if t not in in_paragraph]
    dense = sorted((h.dense for h in hits), reverse=True)
    fused = [h.score for h in hits]
    out.update(
        coverage=best.coverage,
        paragraph_coverage=_share(q.terms, ranking.weights, paragraph.text, exact),
        title_coverage=_share(q.terms, ranking.weights, f"{paragraph.title}. {paragraph.section}. {paragraph.text}", exact),
        top_coverage=_share(q.terms, ranking.weights, hits[0].paragraph.text, exact),
        missing_max=max(missing, default=0.0) / total,
        dense_top=ranking.levels.scaled(dense[0]),
        dense_best=ranking.levels.scaled(best.hit.dense),
        dense_margin=(dense[0] - (dense[1] if len(dense) > 1 else 0.0)) / ranking.levels.span,
        lexical_share=min(1.0, best.hit.lexical / (_BM25_CEILING * total)),
        fused_margin=(fused[0] - fused[1]) / fused[0] if len(fused) > 1 and fused[0] > 0 else 1.0,
        best_rank=float(next(i for i, h in enumerate(hits) if h.row == best.hit.row)),
        names_ok=float(names_present(q, paragraph)),
        span=float(best.span is not None),
    )
    return out


def vector(ranking: Ranking) -> np.ndarray:
    """The signals in `FEATURES` order, as the model reads them."""
    values = signals(ranking)
    return np.array([values[name] for name in FEATURES], dtype=np.float64)
