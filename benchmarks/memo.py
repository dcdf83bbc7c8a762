"""An embedder that remembers query vectors: benchmarks ask the same questions of several indexes."""

from __future__ import annotations

import numpy as np


class QueryMemo:
    """The embedder with its query vectors remembered; only saves time (a vector does not depend on when)."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self._memo: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str):
        return getattr(self._embedder, name)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            for text, vector in zip(missing, self._embedder.embed_queries(missing)):
                self._memo[text] = vector
        return np.stack([self._memo[t] for t in texts])
