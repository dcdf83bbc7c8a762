"""The dense-index seam: nearest-neighbour search over normalised vectors, whatever stores them.

`DenseIndex` is what the file backend sees of vector search (in the spirit of
txtai's `ann/base.py`): FAISS files in the build directory
(`index.faiss.engine.FaissIndex`, the one module that imports faiss). The Qdrant backend
(`index.qdrant`) replaces the whole stored index instead (vectors, BM25 and paragraphs:
`index.search.SearchIndex`), since a distributed index has to move more than the vectors.

Contract every implementation keeps:

- Vectors are L2-normalised float32 rows; scores are inner products (= cosine).
- Ids are ints. `build(vectors)` numbers the rows 0..n-1, which is how the
  store uses them: id = chunk row (`chunks.npy` maps it to a paragraph).
  `add` numbers new rows from the highest id + 1; `delete(ids)` removes those
  ids and leaves every other id as it was (no renumbering).
- `search(queries, k)` answers one list per query: up to k (id, score), best
  first; fewer when the index holds fewer vectors.
- `save(directory)` writes only the files named in `files`; `load(directory)`
  reopens them read-mostly (FAISS memory-maps them, so bot processes on one
  machine share the pages). An index must be writable before `add`/`delete`;
  a loaded one copies itself into memory on the first change.
- `kind` is "flat" (exact), "hnsw" or "ivfpq" (approximate);
  `recall_at_k(vectors)` measures an approximate kind against exact search.
- `validate(count)` raises DenseIndexUnfit when this kind cannot index
  `count` vectors, so a build can fail before it spends time embedding.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np


class DenseIndex(ABC):
    """Vectors in, (id, cosine) out; see the module docstring for the contract."""

    files: ClassVar[tuple[str, ...]]  # what `save` writes into a build directory
    kind: str

    @abstractmethod
    def validate(self, count: int) -> None:
        """Raise DenseIndexUnfit when this kind cannot index `count` vectors."""

    @abstractmethod
    def build(self, vectors: np.ndarray) -> None:
        """Index exactly these vectors (ids 0..n-1), training first where the kind needs it."""

    @abstractmethod
    def add(self, vectors: np.ndarray) -> list[int]:
        """Append vectors; returns their ids."""

    @abstractmethod
    def delete(self, ids: Sequence[int]) -> None:
        """Remove these ids; the others keep theirs."""

    @abstractmethod
    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row, up to k (id, score), best first."""

    @abstractmethod
    def count(self) -> int:
        """How many vectors the index holds."""

    @abstractmethod
    def recall_at_k(self, vectors: np.ndarray, k: int = 10, sample: int = 200, seed: int = 0) -> float:
        """Recall@k against exact search, with a sample of `vectors` (the indexed ones) as queries."""

    def params(self) -> dict[str, object]:
        """The engine's tuning for this kind (for benchmark reports); none by default."""
        return {}

    @abstractmethod
    def save(self, directory: Path) -> None:
        """Write `files` into `directory`."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> "DenseIndex":
        """Reopen what `save` wrote (memory-mapped where the engine allows)."""
