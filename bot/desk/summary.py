"""Extractive summaries: three to five of an article's own sentences, each with its paragraph number.

Pure functions over paragraphs; no model needed. A sentence is chosen for

- centrality: how much of the article it shares terms with (LexRank's degree, over TF-IDF vectors of
  folded syllables and syllable pairs: the lexical index's own terms);
- coverage: each pick is penalised by its closeness to the sentences already picked (maximal
  marginal relevance), so the summary spreads over the article instead of saying one thing thrice;
- position: the lead (sapo) and the first sentences get a prior that decays down the article, the
  inverted pyramid's due, without letting a lead that is only a scene win on position alone.

Captions, bylines, one-line fragments and near-duplicates are never candidates. The picks are shown
in reading order. Measured against each article's sapo with ROUGE (benchmarks/summary_rouge.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index.corpus import Paragraph, is_noise_line
from index.text import index_terms, split_sentences, tokens

MIN_WORDS = 6  # shorter "sentences" are fragments: datelines, "Ảnh: …", a lone quote
DUPLICATE = 0.7  # term-set overlap (Jaccard) at or above which a sentence repeats an earlier one
# Set by a small grid on the three corpora of benchmarks/summary_rouge.py: ROUGE-1 moved by < 0.02 over
# lead 0.2–1.0, redundancy 0.3–0.6, decay 1–2; a stronger lead prior loses the scene-led articles.
LEAD_WEIGHT = 0.35  # the prior of the first sentence; sentence i gets LEAD_WEIGHT / (1 + i / LEAD_DECAY)
LEAD_DECAY = 2.0
REDUNDANCY = 0.6  # how much closeness to an already picked sentence costs
_BYLINE = re.compile(r"^\(?(?:theo|nguồn|source)\s*[:\-]?\s*\S.{0,40}\)?$", re.IGNORECASE)


@dataclass(frozen=True)
class SummarySentence:
    sentence: str
    paragraph: int  # as a reader counts body paragraphs (Paragraph.number)

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "paragraph": self.paragraph}


def length_for(candidates: int) -> int:
    """Three sentences for a short article, up to five for a long one."""
    return max(3, min(5, 2 + candidates // 8))


def candidates(paragraphs: Sequence[Paragraph]) -> list[SummarySentence]:
    """Every sentence a summary may use, in reading order: no captions, fragments or repeats."""
    found: list[SummarySentence] = []
    seen: list[set[str]] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph.text):
            if len(tokens(sentence)) < MIN_WORDS or is_noise_line(sentence) or _BYLINE.match(sentence):
                continue
            terms = set(tokens(sentence))
            if any(len(terms & other) / len(terms | other) >= DUPLICATE for other in seen):
                continue
            seen.append(terms)
            found.append(SummarySentence(sentence, paragraph.number))
    return found


def tfidf(sentences: Sequence[str], idf: Callable[[str], float] | None = None) -> np.ndarray:
    """Unit TF-IDF rows over index terms; the IDF is the index's when given, else the article's own."""
    counts = [Counter(index_terms(s)) for s in sentences]
    vocab = {t: i for i, t in enumerate(sorted({t for c in counts for t in c}))}
    if idf is None:
        df = Counter(t for c in counts for t in c)
        n = len(sentences)
        weight = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in vocab}
    else:
        weight = {t: idf(t) for t in vocab}
    matrix = np.zeros((len(sentences), len(vocab)), dtype=np.float32)
    for row, c in enumerate(counts):
        for term, tf in c.items():
            matrix[row, vocab[term]] = (1 + math.log(tf)) * weight[term]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def choose(similarity: np.ndarray, k: int, lead_weight: float = LEAD_WEIGHT, redundancy: float = REDUNDANCY,
           lead_decay: float = LEAD_DECAY) -> list[int]:
    """Indices of `k` sentences by centrality, position and coverage (MMR), in reading order."""
    n = len(similarity)
    if n <= k:
        return list(range(n))
    off_diagonal = similarity - np.eye(n)
    centrality = off_diagonal.sum(axis=1) / (n - 1)
    centrality = centrality / max(float(centrality.max()), 1e-9)
    prior = lead_weight / (1 + np.arange(n) / lead_decay)
    base = centrality + prior
    picked: list[int] = []
    while len(picked) < k:
        closeness = off_diagonal[:, picked].max(axis=1) if picked else np.zeros(n)
        score = base - redundancy * closeness
        score[picked] = -np.inf
        picked.append(int(np.argmax(score)))
    return sorted(picked)


def summarize(paragraphs: Sequence[Paragraph], k: int | None = None,
              idf: Callable[[str], float] | None = None) -> list[SummarySentence]:
    """The summary of one article (its paragraphs in reading order): 3–5 sentences, reading order."""
    pool = candidates(paragraphs)
    if not pool:
        return []
    k = k or length_for(len(pool))
    vectors = tfidf([c.sentence for c in pool], idf)
    return [pool[i] for i in choose(vectors @ vectors.T, k)]


def lead(paragraphs: Sequence[Paragraph], k: int = 3) -> list[SummarySentence]:
    """The baseline: the first `k` candidate sentences."""
    return candidates(paragraphs)[:k]
