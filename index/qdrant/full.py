"""A full Qdrant build: every chunk into a new collection, then one alias flip.

First build, --full, another embedder or chunking, or a collection that cannot be reused: every
chunk goes into a new collection `<alias>_<build id>`; the metadata and the state point are written
last; then one `update_collection_aliases` call moves the alias onto it, the equivalent of the FAISS
backend's symlink swap. The collection the alias left is kept for rollback (point the alias back at
it), and so is any collection made in the last REPLICA_GRACE_SECONDS, which a replica may still be
reading until it follows the alias (HOIBAO_INDEX_FOLLOW_SECONDS); older hoibao collections of that
alias are dropped. A build that fails drops its own collection and leaves the alias where it was.
"""

from __future__ import annotations

import calendar
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from index.accents import AccentModel
from index.build import BuildReport, make_manifest, plan_build
from index.corpus import LoadReport, Paragraph
from index.embed import Embedder
from index.errors import BuildInterrupted
from index.lexical import Lexicon
from index.manifest import Chunking, DenseInfo, Manifest
from index.qdrant import write
from index.qdrant.engine import Engine
from index.qdrant.layout import State
from index.qdrant.target import Target
from index.text import index_terms


# Replicas re-read the alias every HOIBAO_INDEX_FOLLOW_SECONDS (30 by default): two full builds
# minutes apart must not drop the collection a replica still searches. Ten minutes is many intervals.
REPLICA_GRACE_SECONDS = 600
_BUILD_TIME = "%Y%m%dt%H%M%S"


def build_id() -> str:
    return time.strftime(_BUILD_TIME, time.gmtime()) + "_" + uuid.uuid4().hex[:6]


def _made_at(collection: str) -> float:
    """When a collection named `<alias>_<build id>` was made (UTC seconds), from its name."""
    stamp = collection.rsplit("_", 2)[-2]
    return calendar.timegm(time.strptime(stamp, _BUILD_TIME))


def droppable(collections: list[str], keep: set[str], now: float) -> list[str]:
    """The old builds to drop: not kept, and older than the replicas' grace."""
    return [name for name in collections if name not in keep and now - _made_at(name) > REPLICA_GRACE_SECONDS]


def _own_collections(engine: Engine, alias: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(alias)}_\d{{8}}t\d{{6}}_[0-9a-f]{{6}}$")
    return [name for name in engine.collections() if pattern.match(name)]


def write_full(engine: Engine, target: Target, manifest: Manifest, paragraphs: list[Paragraph], hashes: list[str],
               chunk_paragraph: np.ndarray, vectors: np.ndarray, accents: AccentModel | None = None) -> str:
    """A new collection holding this build, then the alias flipped onto it; returns the collection.

    Shared by full builds and `hoibao index export --to qdrant` (a FAISS build's own vectors).
    """
    name = f"{target.collection}_{build_id()}"
    previous = engine.alias_target(target.collection)
    engine.create(name, int(vectors.shape[1]), target.storage)
    try:
        term_lists = [index_terms(p.text) for p in paragraphs]
        lexicon = Lexicon.build(term_lists)
        rows = list(range(len(paragraphs)))
        write.upsert(engine, name, write.chunk_points(paragraphs, hashes, rows, chunk_paragraph, vectors, lexicon,
                                                      term_lists))
        accents = accents or AccentModel.build([p.text for p in paragraphs])
        manifest = replace(manifest, lexical={**manifest.lexical, **write.sparse_info(lexicon)})
        chunks = Counter(paragraphs[int(i)].article_id for i in chunk_paragraph)
        state = State(manifest.embedder.id, int(vectors.shape[1]), 0, 0, len(paragraphs), 0)
        write.metadata(engine, name, state, manifest, lexicon, accents, dict(chunks))
        engine.flip(target.collection, name)
    except BaseException:
        try:
            engine.drop(name)
        except Exception:  # the original failure is the one to report
            pass
        raise
    for old in droppable(_own_collections(engine, target.collection), {name, previous}, time.time()):
        engine.drop(old)
    return name


def build_full(engine: Engine, target: Target, loaded: LoadReport, embedder: Embedder, chunking: Chunking,
               embed: Callable, started: float, reason: str) -> BuildReport:
    """Every article embedded (resuming a checkpoint) and written by `write_full`; `embed(plan, serving)` embeds."""
    plan = plan_build(loaded.articles, chunking.max_tokens, embedder, {})
    serving = engine.alias_target(target.collection)
    vectors, resumed, checkpoint = embed(plan, serving)
    manifest = make_manifest(loaded, embedder, chunking, DenseInfo(write.DENSE_KIND), len(plan.paragraphs),
                             len(vectors))
    hash_of = {a.article_id: a.content_hash for a in loaded.articles}
    try:
        name = write_full(engine, target, manifest, plan.paragraphs, [hash_of[p.article_id] for p in plan.paragraphs],
                          np.array(plan.chunk_paragraph, dtype=np.int64), vectors)
    except KeyboardInterrupt:
        raise BuildInterrupted(checkpoint.count(), checkpoint.directory, serving) from None
    checkpoint.clear()
    embedded = len(plan.to_embed) - resumed
    return BuildReport(
        directory=name, articles=len(loaded.articles), paragraphs=len(plan.paragraphs), chunks=len(vectors),
        embedded=embedded, reused=len(vectors) - embedded, seconds=time.perf_counter() - started,
        index_type=write.DENSE_KIND, full_reason=reason if serving else "", skipped=loaded.skipped, resumed=resumed,
        notes=[f"Qdrant ({target.where}): alias {target.collection} → {name}"
               + (f"; {serving} kept for rollback" if serving else "")],
    )
