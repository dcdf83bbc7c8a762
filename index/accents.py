"""Diacritics put back into a question typed without them, learnt from the index's own text.

The dense model reads 'bi thu dang uy' as noise (recall@1 0.13 unaccented vs
0.71 accented on zalo_qa_vi) while folded BM25 does not care, so the dense side
should embed the question with its accents restored. Each folded syllable has
the accented forms the corpus writes for it ('do' → đó, đô, độ, do, …); a
syllable bigram model over those forms, decoded with Viterbi, picks the
sequence the corpus makes likeliest ('thu do' → 'thủ đô', 'nam 1945' → 'năm …').

Use: `AccentModel.build(paragraph_texts)`, `model.save(build_dir)`,
`AccentModel.load(build_dir)`, then `model.dense_query(question)` for the text
the dense side embeds (BM25 keeps the question as typed). `model.restore` and
`model.restoration` (with the share of known syllables and a confidence) are
the parts it is made of.

Saved beside the index as JSON and .npy (never pickle), arrays memory-mapped on load:

    accents_forms.json              format, folded keys, accented forms grouped by key
    accents_key_start.npy           int32: key k's forms are rows key_start[k]:key_start[k+1]
    accents_unigram.npy             int64: corpus count of each form
    accents_bigram_{indptr,following,count}.npy   CSR rows: form → the forms after it, with counts
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.accent_counts import NUMBER, Counts, count, form_of
from index.errors import IndexCorrupt
from index.text import fold, has_diacritics, word_runs

FORMAT = 1
# Weight of the bigram estimate against the unigram one (interpolation).
# Tuned on zalo_qa_vi and mlqa_vi_dev questions (benchmarks/accent_restore.py).
BIGRAM_WEIGHT = 0.9
# Above this many distinct pairs, pairs seen once are dropped (memory at 100k
# paragraphs; measured in benchmarks/accent_restore.py).
PRUNE_ABOVE = 2_000_000
# Questions use words news and encyclopedia text rarely does ('ở đâu', 'bao
# nhiêu', 'là ai'): without these, 'o dau' came back 'ở đầu' ("at the head").
# Each phrase counts as PHRASE_SHARE of the corpus's syllables.
QUESTION_PHRASES = (
    "là ai", "ai là", "ai đã", "của ai", "với ai", "cho ai", "người nào",
    "là gì", "cái gì", "điều gì", "việc gì", "làm gì", "tên là gì", "gọi là gì", "có nghĩa là gì",
    "ở đâu", "tại đâu", "từ đâu", "đến đâu", "đâu là", "nơi nào",
    "bao nhiêu", "là bao nhiêu", "có bao nhiêu", "bao lâu", "bao giờ", "có mấy", "mấy",
    "khi nào", "lúc nào", "năm nào", "ngày nào", "tháng nào", "nào",
    "như thế nào", "thế nào", "ra sao", "tại sao", "vì sao", "bằng cách nào", "có phải", "hay không",
)
PHRASE_SHARE = 1e-4
# Below this confidence a restoration more likely garbles a foreign question
# ('who is the president' → 'who is thế president': 0.55; eight English
# questions all ≤ 0.77) than restores a Vietnamese one (5 of 895 zalo_qa_vi and
# mlqa_vi_dev questions fall below it, and gain nothing from it).
MIN_CONFIDENCE = 0.8
FILES = ("accents_forms.json", "accents_key_start.npy", "accents_unigram.npy",
         "accents_bigram_indptr.npy", "accents_bigram_following.npy", "accents_bigram_count.npy")


@dataclass(frozen=True)
class Restoration:
    text: str  # the question with diacritics put back (unchanged if it had some)
    known: float  # share of its syllables whose folded form the corpus has
    confidence: float  # mean posterior of the chosen form over syllables with a choice (1.0: none)


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return (top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))).squeeze(axis)


def _cased(typed: str, form: str) -> str:
    """`form` with the letter case the user typed ('Ha' → 'Hà', 'HA NOI' → 'HÀ NỘI')."""
    if len(form) == len(typed):
        return "".join(f.upper() if t.isupper() else f for t, f in zip(typed, form))
    if typed.isupper():
        return form.upper()
    return form[:1].upper() + form[1:] if typed[:1].isupper() else form


class AccentModel:
    """Folded syllable → accented forms, with the corpus's bigram counts between forms."""

    def __init__(self, counts: Counts, bigram_weight: float = BIGRAM_WEIGHT) -> None:
        self.counts = counts
        self.forms = counts.forms
        self.key_index = {key: k for k, key in enumerate(counts.keys)}
        self.bigram_weight = bigram_weight
        self.log_unigram = np.log(np.asarray(counts.unigram, dtype=np.float64) / max(int(counts.unigram.sum()), 1))

    @classmethod
    def build(cls, texts: Iterable[str], prune_above: int = PRUNE_ABOVE,
              phrases: Iterable[str] = QUESTION_PHRASES, phrase_share: float = PHRASE_SHARE) -> "AccentModel":
        """Count the accented forms and adjacent pairs in `texts` (the index's paragraphs)."""
        return cls(count(texts, phrases, phrase_share, prune_above))

    def candidates(self, token: str) -> np.ndarray | None:
        """Form rows for a typed syllable, commonest first; None when the corpus never has it."""
        k = self.key_index.get(form_of(fold(token)))
        return None if k is None else np.arange(self.counts.key_start[k], self.counts.key_start[k + 1])

    def _transition(self, prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
        """log P(cur | prev) for every pair, bigram interpolated with unigram."""
        uni = np.exp(self.log_unigram[cur])
        c = self.counts
        rows = np.empty((len(prev), len(cur)))
        for r, a in enumerate(prev):
            lo, hi = c.indptr[a], c.indptr[a + 1]
            following = c.following[lo:hi]
            pos = np.searchsorted(following, cur)
            hit = pos < len(following)
            hit[hit] = following[pos[hit]] == cur[hit]
            pair = np.zeros(len(cur))
            pair[hit] = c.count[lo:hi][pos[hit]]
            rows[r] = np.log(self.bigram_weight * pair / c.unigram[a] + (1 - self.bigram_weight) * uni)
        return rows

    def _decode(self, lattice: list[np.ndarray]) -> tuple[list[int], list[float]]:
        """Viterbi path through one run's candidates, and each chosen form's posterior."""
        steps = [self._transition(a, b) for a, b in zip(lattice, lattice[1:])]
        score, back = self.log_unigram[lattice[0]], []
        forward = [score]
        for step in steps:
            back.append((score[:, None] + step).argmax(axis=0))
            score = (score[:, None] + step).max(axis=0)
            forward.append(_logsumexp(forward[-1][:, None] + step, axis=0))
        path = [int(score.argmax())]
        for pointers in reversed(back):
            path.append(int(pointers[path[-1]]))
        path.reverse()
        backward = [np.zeros(len(lattice[-1]))]
        for step in reversed(steps):
            backward.insert(0, _logsumexp(step + backward[0][None, :], axis=1))
        total = _logsumexp(forward[-1], axis=0)
        posterior = [float(np.exp(f[c] + b[c] - total)) for f, b, c in zip(forward, backward, path)]
        return path, posterior

    def restoration(self, text: str) -> Restoration:
        """The question with diacritics restored, and how much of it the corpus knew."""
        if has_diacritics(text):
            return Restoration(text, 1.0, 1.0)
        pieces, cursor, known, total, posteriors = [], 0, 0, 0, []
        for run in word_runs(text):
            total += len(run)
            # An unknown syllable stays as typed and cuts the run: no pair spans it.
            segments: list[list[tuple[tuple[int, int], np.ndarray]]] = [[]]
            for span in run:
                options = self.candidates(text[span[0] : span[1]])
                if options is None:
                    segments.append([])
                else:
                    segments[-1].append((span, options))
            for segment in filter(None, segments):
                known += len(segment)
                path, posterior = self._decode([options for _, options in segment])
                for ((start, end), options), choice, p in zip(segment, path, posterior):
                    typed, form = text[start:end], self.forms[options[choice]]
                    if len(options) > 1:
                        posteriors.append(p)
                    if form != NUMBER:
                        pieces.append(text[cursor:start] + _cased(typed, form))
                        cursor = end
        restored = "".join(pieces) + text[cursor:]
        confidence = float(np.mean(posteriors)) if posteriors else 1.0
        return Restoration(restored, known / total if total else 0.0, confidence)

    def dense_query(self, question: str) -> str:
        """What the dense side should embed: the restored question, unless the restoration is unsure."""
        restored = self.restoration(question)
        return restored.text if restored.confidence >= MIN_CONFIDENCE else question

    def to_bytes(self) -> dict[str, bytes]:
        """The files `save` writes, as bytes by file name (stored elsewhere than a directory: index.qdrant)."""
        c = self.counts
        meta = {"format": FORMAT, "keys": c.keys, "forms": c.forms}
        blobs = {FILES[0]: json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")}
        for name, values in zip(FILES[1:], (c.key_start, c.unigram, c.indptr, c.following, c.count)):
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(values), allow_pickle=False)
            blobs[name] = buffer.getvalue()
        return blobs

    def save(self, directory: Path) -> None:
        for name, data in self.to_bytes().items():
            (directory / name).write_bytes(data)

    @classmethod
    def load(cls, directory: Path, index_dir: Path | None = None) -> "AccentModel":
        """Memory-mapped arrays; a missing or damaged file is an IndexCorrupt naming it.

        `index_dir` is the directory the error tells the user to rebuild.
        """
        path = directory / FILES[0]

        def read(name: str):
            nonlocal path
            path = directory / name
            if name == FILES[0]:
                return json.loads(path.read_text("utf-8"))
            return np.load(path, mmap_mode="r", allow_pickle=False)

        try:
            return cls._checked(read)
        except Exception as exc:  # json, numpy and the checks each raise their own kinds
            raise IndexCorrupt(path, f"{type(exc).__name__}: {str(exc)[:120]}", index_dir) from None

    @classmethod
    def from_bytes(cls, blobs: dict[str, bytes]) -> "AccentModel":
        """The model `to_bytes` gave; ValueError (naming the part) when a part is missing or damaged."""
        name = FILES[0]

        def read(part: str):
            nonlocal name
            name = part
            if part == FILES[0]:
                return json.loads(blobs[part].decode("utf-8"))
            return np.load(io.BytesIO(blobs[part]), allow_pickle=False)

        try:
            return cls._checked(read)
        except Exception as exc:
            raise ValueError(f"{name}: {type(exc).__name__}: {str(exc)[:120]}") from None

    @classmethod
    def _checked(cls, read) -> "AccentModel":
        """The model from `read(file name)` (the JSON part parsed, arrays loaded), its parts checked."""
        meta = read(FILES[0])
        _check(isinstance(meta, dict) and meta.get("format") == FORMAT, f"not an accent model of format {FORMAT}")
        counts = Counts(meta["keys"], meta["forms"], *[read(name) for name in FILES[1:]])
        for name, problem in _problems(counts):
            if problem:
                read(name)  # names the part in the caller's error
                _check(False, problem)
        return cls(counts)


def _problems(c: Counts) -> list[tuple[str, str]]:
    """(file, what is wrong) for each consistency check; the problem is '' when it holds."""
    n = len(c.forms)
    return [
        (FILES[1], "" if len(c.key_start) == len(c.keys) + 1 and c.key_start[-1] == n else "keys and forms disagree"),
        (FILES[2], "" if len(c.unigram) == n and c.unigram.min(initial=1) > 0 else "one positive count per form expected"),
        (FILES[3], "" if len(c.indptr) == n + 1 and c.indptr[-1] == len(c.following) else "rows disagree with the pairs"),
        (FILES[4], "" if len(c.following) == 0 or 0 <= c.following.min() <= c.following.max() < n else "form id out of range"),
        (FILES[5], "" if len(c.count) == len(c.following) else "one count per pair expected"),
    ]


def _check(ok: bool, detail: str) -> None:
    if not ok:
        raise ValueError(detail)
