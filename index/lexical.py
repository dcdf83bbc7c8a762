"""BM25 over accent-folded syllables and syllable bigrams.

Users often type without diacritics; dense models collapse on such queries
while folded BM25 keeps working, so folding happens on both sides. Scores are
precomputed per (term, document) into a sparse matrix (bm25s' eager approach),
so a query is a sum of a few columns.

The matrix is compressed sparse columns held in three numpy arrays (`Columns`), the layout
scipy.sparse uses and the files it would write: a query needs only the columns of its terms,
so answering a question never imports scipy (about 60 ms of every `hoibao ask`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from dataclasses import dataclass

import numpy as np

from index.text import index_terms

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Columns:
    """A documents × terms matrix by columns: column t's rows are indices[indptr[t]:indptr[t+1]]."""

    data: np.ndarray  # float32, the BM25 weight of each stored (document, term)
    indices: np.ndarray  # int32, the document (row) of each
    indptr: np.ndarray  # int32, len = terms + 1
    shape: tuple[int, int]  # (documents, terms)

    @classmethod
    def from_entries(cls, values: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> "Columns":
        """Entries given row by row (rows ascending, each (row, col) once), stored column by column."""
        order = np.argsort(cols, kind="stable")  # keeps rows ascending within each column
        indptr = np.zeros(shape[1] + 1, dtype=np.int32)
        np.cumsum(np.bincount(cols, minlength=shape[1]), out=indptr[1:])
        return cls(values[order].astype(np.float32), rows[order].astype(np.int32), indptr, shape)

    def row_sums(self, columns: list[int]) -> np.ndarray:
        """The sum over these columns of every row, added column by column in float32."""
        scores = np.zeros(self.shape[0], dtype=np.float32)
        for col in columns:
            start, end = self.indptr[col], self.indptr[col + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores


class LexicalIndex:
    def __init__(self, vocab: dict[str, int], idf: np.ndarray, weights: Columns) -> None:
        self.vocab = vocab
        self.idf_values = idf
        self.weights = weights

    @classmethod
    def build(cls, documents: list[str]) -> "LexicalIndex":
        return cls.from_term_lists([index_terms(doc) for doc in documents])

    @classmethod
    def from_term_lists(cls, term_lists: list[list[str]]) -> "LexicalIndex":
        """BM25 weights over documents already turned into terms (benchmarks compare other term functions)."""
        counts = [Counter(terms) for terms in term_lists]
        vocab: dict[str, int] = {}
        for counter in counts:
            for term in counter:
                vocab.setdefault(term, len(vocab))
        n_docs = len(term_lists)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if n_docs else 1.0
        rows, cols, tfs = [], [], []
        for row, counter in enumerate(counts):
            for term, tf in counter.items():
                rows.append(row)
                cols.append(vocab[term])
                tfs.append(tf)
        rows_a = np.array(rows, dtype=np.int32)
        cols_a = np.array(cols, dtype=np.int32)
        tf_a = np.array(tfs, dtype=np.float32)
        df = np.bincount(cols_a, minlength=len(vocab)).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = K1 * (1 - B + B * lengths[rows_a] / max(avg, 1e-6))
        values = idf[cols_a] * tf_a * (K1 + 1) / (tf_a + norm)
        return cls(vocab, idf, Columns.from_entries(values, rows_a, cols_a, (n_docs, len(vocab))))

    def idf(self, term: str) -> float:
        """IDF of a folded term; unseen terms weigh like the rarest seen ones."""
        idx = self.vocab.get(term)
        if idx is None:
            return float(self.idf_values.max()) if len(self.idf_values) else 1.0
        return float(self.idf_values[idx])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for `query` (zeros where nothing matches)."""
        ids = sorted({self.vocab[t] for t in index_terms(query) if t in self.vocab})
        return self.weights.row_sums(ids)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top-k (row, score) with score > 0, best first."""
        scores = self.scores(query)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, directory: Path) -> None:
        (directory / "lexical_vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), "utf-8")
        w = self.weights
        for name, array in (("data", w.data), ("indices", w.indices), ("indptr", w.indptr),
                            ("shape", np.array(w.shape, dtype=np.int64)), ("idf", self.idf_values)):
            np.save(directory / f"lexical_{name}.npy", array, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """Memory-mapped: bot processes on one index share the BM25 weights' pages."""
        vocab = json.loads((directory / "lexical_vocab.json").read_text("utf-8"))
        arrays = {
            name: np.load(directory / f"lexical_{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ("data", "indices", "indptr", "shape", "idf")
        }
        shape = tuple(int(x) for x in arrays["shape"])
        weights = Columns(arrays["data"], arrays["indices"], arrays["indptr"], shape)
        if len(weights.indptr) != shape[1] + 1 or weights.indptr[-1] != len(weights.data):
            raise ValueError("lexical arrays disagree with each other")
        return cls(vocab, np.asarray(arrays["idf"]), weights)

    @staticmethod
    def files() -> list[str]:
        return ["lexical_vocab.json"] + [f"lexical_{n}.npy" for n in ("data", "idf", "indices", "indptr", "shape")]


# ---- The same BM25 as sparse vectors (the Qdrant backend, index.qdrant) ----------------------------
#
# A document's sparse vector carries the tf part of BM25, tf·(k1+1)/(tf + k1·(1−b+b·len/avgdl)); the
# engine multiplies it by the IDF of each query term at query time (Qdrant's Modifier.IDF:
# ln(1 + (N − df + 0.5)/(df + 0.5)), N = points carrying the sparse vector, exactly `LexicalIndex`'s
# idf). A query is the set of its known terms, each with weight 1, so the score is the same sum
# `LexicalIndex.scores` takes.


def term_id(term: str) -> int:
    """A term's sparse-vector index: the first 4 bytes of its blake2b digest (stable across processes)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


def _idf(df: int, n_docs: int) -> float:
    """`LexicalIndex`'s IDF, computed in float32 as it is."""
    d = np.float32(df)
    return float(np.log1p((n_docs - d + np.float32(0.5)) / (d + np.float32(0.5))))


class Lexicon:
    """Document frequencies of the folded terms, and the average length the sparse weights were made with.

    What a bot needs of BM25 besides the engine's scores: which terms the corpus knows (the share of
    known syllables decides how much the dense side counts) and their IDF (answer sentence weights).
    """

    def __init__(self, df: dict[str, int], n_docs: int, total_length: int, avgdl: float, collisions: int = 0) -> None:
        self.vocab = df  # term -> document frequency; `term in vocab` as with LexicalIndex
        self.n_docs, self.total_length = n_docs, total_length
        self.avgdl = avgdl  # the average the stored sparse vectors were weighted with
        self.collisions = collisions  # distinct terms sharing a term id with another
        self._max_idf = _idf(min(df.values()), n_docs) if df else 1.0

    @classmethod
    def build(cls, term_lists: list[list[str]], avgdl: float | None = None) -> "Lexicon":
        """Statistics of these documents; `avgdl` keeps the sparse weights of an earlier build."""
        df: Counter[str] = Counter()
        total = 0
        for terms in term_lists:
            df.update(set(terms))
            total += len(terms)
        ids = Counter(term_id(term) for term in df)
        collisions = sum(n for n in ids.values() if n > 1)
        n_docs = len(term_lists)
        actual = total / n_docs if n_docs else 1.0
        return cls(dict(df), n_docs, total, actual if avgdl is None else avgdl, collisions)

    def idf(self, term: str) -> float:
        """IDF of a folded term; unseen terms weigh like the rarest seen ones (as LexicalIndex.idf)."""
        df = self.vocab.get(term)
        return self._max_idf if df is None else _idf(df, self.n_docs)

    def document(self, terms: list[str]) -> tuple[list[int], list[float]]:
        """A document's sparse vector (term ids, tf parts), ids sorted; colliding terms add up."""
        counts: Counter[int] = Counter(term_id(term) for term in terms)
        ids = sorted(counts)
        tf = np.array([counts[i] for i in ids], dtype=np.float32)
        norm = np.float32(K1 * (1 - B + B * len(terms) / max(self.avgdl, 1e-6)))
        return ids, (tf * np.float32(K1 + 1) / (tf + norm)).astype(np.float32).tolist()

    def query(self, text: str) -> list[int]:
        """A question's sparse vector indices: its distinct terms the corpus knows (each weighs 1)."""
        return sorted({term_id(t) for t in index_terms(text) if t in self.vocab})

    def to_json(self) -> dict:
        return {"n_docs": self.n_docs, "total_length": self.total_length, "avgdl": self.avgdl,
                "collisions": self.collisions, "df": self.vocab}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        return cls({str(k): int(v) for k, v in data["df"].items()}, int(data["n_docs"]),
                   int(data["total_length"]), float(data["avgdl"]), int(data.get("collisions", 0)))
