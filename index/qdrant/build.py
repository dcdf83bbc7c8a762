"""Builds into Qdrant: full (a new collection, then one alias flip; `index.qdrant.full`) or incremental
(in place; `index.qdrant.incremental`), chosen as the FAISS backend chooses: a full build when there
is nothing to reuse, --full is given, or the embedder or chunking changed.

Both embed through one checkpoint in `index_dir`, so an interrupted build resumes from the vectors it
had computed.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from index.build import BuildReport, articles_and_chunking, embed_plan, reuse_reason
from index.checkpoint import Checkpoint
from index.corpus import Article
from index.embed import Embedder
from index.errors import BuildInterrupted
from index.manifest import Chunking, Manifest
from index.qdrant.engine import Engine
from index.qdrant.engines import connect
from index.qdrant.full import build_full
from index.qdrant.incremental import build_incremental
from index.qdrant.layout import State
from index.qdrant.store import QdrantHalfBuilt, QdrantNotBuilt, read_current
from index.qdrant.target import Target


def _current(engine: Engine, target: Target) -> tuple[str, State, Manifest] | str:
    """The collection the alias names, with its state and manifest; or why there is none to reuse."""
    try:
        return read_current(engine, target)
    except QdrantNotBuilt:
        return ""
    except QdrantHalfBuilt as exc:
        return f"the current collection cannot be reused ({exc})"


def build_qdrant(
    target: Target,
    seeds_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    max_tokens: int = 480,
    batch_size: int = 32,
    full: bool = False,
    progress: bool = True,
    articles: list[Article] | None = None,
    max_chars: int | None = None,
) -> BuildReport:
    """Build (or incrementally update) the Qdrant index; `index_dir` only keeps the embedding checkpoint."""
    started = time.perf_counter()
    loaded, chunking = articles_and_chunking(seeds_dir, articles, max_tokens, embedder, max_chars)
    engine = connect(target)
    embed = partial(_embedding, embedder=embedder, batch_size=batch_size, progress=progress, index_dir=index_dir,
                    chunking=chunking)
    current = _current(engine, target)
    if isinstance(current, str):
        reason = "--full was given" if full else current
        return build_full(engine, target, loaded, embedder, chunking, embed, started, reason)
    collection, state, manifest = current
    reason = reuse_reason(manifest, embedder.id, chunking, full)
    if reason is not None:
        return build_full(engine, target, loaded, embedder, chunking, embed, started, reason)
    return build_incremental(engine, target, collection, state, manifest, loaded, embedder, chunking, embed, started)


def _embedding(plan, serving: str | None, *, embedder: Embedder, batch_size: int, progress: bool, index_dir: Path,
               chunking: Chunking):
    """The plan's missing vectors, checkpointed; an interruption names what is still serving."""
    checkpoint = Checkpoint(index_dir, embedder.id, chunking.max_tokens)
    try:
        vectors, resumed = embed_plan(plan, embedder, batch_size, progress, checkpoint)
    except KeyboardInterrupt:
        raise BuildInterrupted(checkpoint.count(), checkpoint.directory, serving) from None
    return vectors, resumed, checkpoint
