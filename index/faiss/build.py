"""A FAISS build: the neutral plan (`index.build`) embedded, written as a new build directory, swapped in.

Incremental by default: an unchanged article keeps its stored vectors and its chunking (`Kept`).
Any failure leaves the previous index serving.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np

from index.accents import AccentModel
from index.build import (
    BuildReport, Kept, Plan, articles_and_chunking, embed_plan, load_notes, make_manifest, plan_build, reuse_reason,
)
from index.checkpoint import Checkpoint
from index.corpus import Article
from index.embed import Embedder
from index.errors import BuildInterrupted, HoibaoError
from index.faiss import layout, store
from index.faiss.dense import DenseIndex
from index.lexical import LexicalIndex
from index.manifest import Chunking, DenseInfo, Manifest, choose_type


def _previous(index_dir: Path) -> Manifest | None:
    try:
        return store.read_manifest(index_dir)
    except HoibaoError:
        return None


def _reusable_vectors(index_dir: Path, manifest: Manifest | None, embedder_id: str, chunking: Chunking, full: bool):
    """Old vectors per unchanged article, and why there are none when there are none."""
    reason = reuse_reason(manifest, embedder_id, chunking, full)
    if reason is not None:
        return {}, reason
    try:
        article_ids, chunk_paragraph, vectors = store.load_vectors(index_dir)
    except HoibaoError as exc:
        return {}, f"the old index cannot be reused ({exc})"
    article_of = np.array(article_ids, dtype=object)[chunk_paragraph]
    first = {}  # an article's paragraphs are consecutive rows: its first row turns rows into its own numbering
    for row, aid in enumerate(article_ids):
        first.setdefault(aid, row)
    # Keyed by content hash: a renamed or moved article keeps its vectors (and its chunking) too.
    kept = {}
    for aid, meta in manifest.articles.items():
        rows = article_of == aid
        kept[meta.hash] = Kept(np.asarray(vectors[rows]), chunk_paragraph[rows] - first.get(aid, 0), meta.paragraphs)
    return kept, ""


def _write(index_dir: Path, manifest: Manifest, plan: Plan, vectors: np.ndarray, dense: DenseIndex) -> Path:
    """Write the build beside the current one and swap it in; nothing half-written stays behind."""
    build_dir = layout.new_build_dir(index_dir)
    try:
        layout.write_files(
            build_dir, manifest, plan.paragraphs, np.array(plan.chunk_paragraph, dtype=np.int32), vectors,
            dense, LexicalIndex.build([p.text for p in plan.paragraphs]),
            AccentModel.build([p.text for p in plan.paragraphs]),
        )
        return layout.publish(build_dir, index_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise


def build_faiss(
    seeds_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    max_tokens: int = 480,
    index_type: str = "auto",
    batch_size: int = 32,
    full: bool = False,
    progress: bool = True,
    articles: list[Article] | None = None,
    max_chars: int | None = None,
) -> BuildReport:
    """Build (or incrementally rebuild) the index and swap it in; returns what was done.

    `articles` replaces reading `seeds_dir` (evaluation sets arrive already split). An articles
    folder with no article gives an empty index when an index was there before (the last article was
    taken down); a first build of an empty folder is NoArticles, which names the folder.
    """
    from index.faiss.engine import FaissIndex  # imports faiss: only when a build runs

    started = time.perf_counter()
    previous = _previous(index_dir)
    loaded, chunking = articles_and_chunking(seeds_dir, articles, max_tokens, embedder, max_chars,
                                             allow_empty=previous is not None)
    window = chunking.max_tokens
    reusable, full_reason = _reusable_vectors(index_dir, previous, embedder.id, chunking, full)
    plan = plan_build(loaded.articles, window, embedder, reusable)
    chosen = choose_type(len(plan.vectors), index_type)
    dense = FaissIndex(chosen, embedder.dim)
    dense.validate(len(plan.vectors))  # before hours of embedding, not after

    checkpoint = Checkpoint(index_dir, embedder.id, window)
    try:
        vectors, resumed = embed_plan(plan, embedder, batch_size, progress, checkpoint)
        dense.build(vectors)
        recall = dense.recall_at_k(vectors)
        manifest = make_manifest(loaded, embedder, chunking, DenseInfo(chosen, round(recall, 4)),
                                 len(plan.paragraphs), len(vectors))
        final = _write(index_dir, manifest, plan, vectors, dense)
    except KeyboardInterrupt:
        raise BuildInterrupted(checkpoint.count(), checkpoint.directory, store.current_build(index_dir)) from None
    checkpoint.clear()
    embedded = len(plan.to_embed) - resumed
    return BuildReport(
        directory=final, articles=len(loaded.articles), paragraphs=len(plan.paragraphs), chunks=len(vectors),
        embedded=embedded, reused=len(vectors) - embedded, seconds=time.perf_counter() - started,
        index_type=chosen, full_reason=full_reason if previous else "", skipped=loaded.skipped,
        recall_at_10=recall, resumed=resumed, notes=load_notes(loaded, seeds_dir),
    )
