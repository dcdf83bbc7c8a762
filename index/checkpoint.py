"""Resumable embedding: vectors of an unfinished build are kept, so a rerun continues instead of restarting."""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.chunk import CHUNKER_VERSION
from index.embed import Embedder
from index.text import content_hash

# A checkpoint part is written every CHECKPOINT_EVERY batches or CHECKPOINT_SECONDS, whichever comes
# first: on a busy machine 8 batches took minutes, and a Ctrl-C at 30 s kept nothing.
CHECKPOINT_EVERY = 8
CHECKPOINT_SECONDS = 10.0


class Checkpoint:
    """Vectors embedded so far by an unfinished build.

    Lives in `<index_dir>/.partial-<embedder+window>/` as numpy files (keys are
    hashes of the chunk text); removed once a build is published.
    """

    def __init__(self, index_dir: Path, embedder_id: str, window: int) -> None:
        tag = hashlib.sha1(f"{embedder_id}|{window}|{CHUNKER_VERSION}".encode()).hexdigest()[:12]
        self.directory = index_dir / f".partial-{tag}"

    def _read(self, with_vectors: bool = True) -> list[tuple[list[str], np.ndarray | None]]:
        """(keys, vectors) per readable part; a part cut short by an interruption is passed over."""
        parts = []
        for part in sorted(self.directory.glob("part-*.npz")):
            try:
                with np.load(part, allow_pickle=False) as data:
                    parts.append((data["keys"].tolist(), data["vectors"] if with_vectors else None))
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                continue  # embedded again by the next build
        return parts

    def load(self) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for keys, vectors in self._read():
            found.update(zip(keys, vectors))
        return found

    def count(self) -> int:
        """How many vectors a rerun would find (reads only the keys)."""
        return len({key for keys, _ in self._read(with_vectors=False) for key in keys})

    def save(self, keys: list[str], vectors: np.ndarray) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        n = len(list(self.directory.glob("part-*.npz")))
        tmp = self.directory / f"tmp-{n:06d}.npz"
        np.savez(tmp, keys=np.array(keys), vectors=vectors)
        tmp.rename(self.directory / f"part-{n:06d}.npz")

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def embed_resuming(
    embedder: Embedder, texts: list[str], batch_size: int, progress: bool, checkpoint: Checkpoint | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[np.ndarray, int]:
    """Passage vectors for `texts`, in batches, and how many of them came from `checkpoint`."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    keys = [content_hash(t) for t in texts]
    done = checkpoint.load() if checkpoint else {}
    todo = [i for i, k in enumerate(keys) if k not in done]
    for i, k in enumerate(keys):
        if k in done:
            out[i] = done[k]
    bar = None
    if progress and len(todo) > batch_size:
        from tqdm import tqdm

        bar = tqdm(total=len(texts), initial=len(texts) - len(todo), unit="chunk", desc="Embedding", file=sys.stderr)
    pending_keys: list[str] = []
    pending: list[np.ndarray] = []
    saved_at = clock()
    for start in range(0, len(todo), batch_size):
        rows = todo[start : start + batch_size]
        vectors = embedder.embed_passages([texts[i] for i in rows])
        out[rows] = vectors
        if checkpoint:
            pending_keys += [keys[i] for i in rows]
            pending.append(vectors)
            if len(pending) >= CHECKPOINT_EVERY or clock() - saved_at >= CHECKPOINT_SECONDS:
                checkpoint.save(pending_keys, np.vstack(pending))
                pending_keys, pending = [], []
                saved_at = clock()
        if bar:
            bar.update(len(rows))
    if checkpoint and pending:
        checkpoint.save(pending_keys, np.vstack(pending))
    if bar:
        bar.close()
    return out, len(texts) - len(todo)
