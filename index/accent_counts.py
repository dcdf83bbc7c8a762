"""Counts for the accent model: accented syllable forms and the pairs they make in a corpus.

Pure: texts in, arrays out. A pair is coded as one int64 (left id << 32 | right
id) and batches of codes are merged with np.unique, so 100k paragraphs never
build a Python dict of millions of pairs.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from index.text import fold, nfc, spelling_key, word_runs

NUMBER = "0"  # every token with a digit: "năm 1945" and "năm 2019" teach the same 'năm'
_MERGE_EVERY = 2_000_000
_LOW = 0xFFFFFFFF


@dataclass
class Counts:
    keys: list[str]  # folded syllables
    forms: list[str]  # accented lower-case forms, grouped by key, commonest first
    key_start: np.ndarray  # int32: key k's forms are rows key_start[k]:key_start[k+1]
    unigram: np.ndarray  # int64 count per form
    indptr: np.ndarray  # int64 CSR row starts: form → the forms that follow it
    following: np.ndarray  # int32, sorted within each row
    count: np.ndarray  # int32 count of each pair


def form_of(token: str) -> str:
    """The model's unit for a lower-case syllable (numbers are one unit)."""
    return NUMBER if any(ch.isdigit() for ch in token) else token


class _Tally:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.unigram: list[int] = []
        self.pending = array("q")
        self.codes, self.code_counts = np.empty(0, np.int64), np.empty(0, np.int64)

    def add(self, text: str, times: int = 1) -> None:
        """Count the forms of `text` and the pairs inside each of its word runs."""
        text = nfc(text.lower())
        for run in word_runs(text):
            prev = -1
            for start, end in run:
                i = self.ids.setdefault(form_of(text[start:end]), len(self.ids))
                if i == len(self.unigram):
                    self.unigram.append(0)
                self.unigram[i] += times
                if prev >= 0:
                    self.pending.extend([prev << 32 | i] * times)
                prev = i
        if len(self.pending) >= _MERGE_EVERY:
            self.merge()

    def merge(self) -> None:
        fresh, fresh_counts = np.unique(np.frombuffer(self.pending, dtype=np.int64), return_counts=True)
        self.codes, self.code_counts = _sum_by_code(np.concatenate([self.codes, fresh]),
                                                    np.concatenate([self.code_counts, fresh_counts]))
        self.pending = array("q")


def _sum_by_code(codes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct codes and the summed count of each."""
    distinct, inverse = np.unique(codes, return_inverse=True)
    return distinct, np.bincount(inverse, weights=counts, minlength=len(distinct)).astype(np.int64)


def count(texts: Iterable[str], phrases: Iterable[str] = (), phrase_share: float = 0.0,
          prune_above: int | None = None) -> Counts:
    """Forms and pairs of `texts`; each of `phrases` counted as `phrase_share` of the corpus's tokens."""
    tally = _Tally()
    for text in texts:
        tally.add(text)
    times = max(1, round(phrase_share * sum(tally.unigram)))
    for phrase in phrases:
        tally.add(phrase, times)
    tally.merge()
    return _layout(list(tally.ids), np.array(tally.unigram, dtype=np.int64), tally.codes, tally.code_counts, prune_above)


def _layout(forms: list[str], unigram: np.ndarray, codes: np.ndarray, code_counts: np.ndarray,
            prune_above: int | None) -> Counts:
    """Pool tone-placement variants, group forms by folded key, lay the pairs out as CSR rows."""
    # Old and new tone placement ('hòa', 'hoà') are one word: pool their counts
    # under the commoner spelling, so a corpus that mixes both does not split the evidence.
    target = np.arange(len(forms))
    canonical: dict[str, int] = {}
    for i in np.argsort(-unigram, kind="stable"):
        target[i] = canonical.setdefault(spelling_key(forms[i]), int(i))
    unigram = np.bincount(target, weights=unigram, minlength=len(forms)).astype(np.int64)
    folded = {i: fold(forms[i]) for i in canonical.values()}
    order = sorted(folded, key=lambda i: (folded[i], -unigram[i]))
    new_id = np.full(len(forms), -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    new_id = new_id[target]
    pairs, pair_counts = _sum_by_code(new_id[codes >> 32] << 32 | new_id[codes & _LOW], code_counts)
    if prune_above is not None and len(pairs) > prune_above:
        # Pairs seen once are most of the distinct pairs and carry the least.
        pairs, pair_counts = pairs[pair_counts > 1], pair_counts[pair_counts > 1]
    keys: list[str] = []
    starts: list[int] = []
    for row, i in enumerate(order):
        if not keys or keys[-1] != folded[i]:
            keys.append(folded[i])
            starts.append(row)
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs >> 32, minlength=len(order)), out=indptr[1:])
    # np.unique sorted the pairs by (left, right): each row is contiguous and sorted.
    return Counts(keys, [forms[i] for i in order], np.array(starts + [len(order)], dtype=np.int32),
                  unigram[order], indptr, (pairs & _LOW).astype(np.int32), pair_counts.astype(np.int32))
