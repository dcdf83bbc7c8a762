"""An incremental Qdrant build: only new and changed articles embedded, written in place.

An article moved or renamed keeps its vectors, read back from the collection by content hash;
points of new and changed articles are upserted, those of changed and removed articles deleted,
while the state point says `updating`. Rerunning an interrupted one converges (point ids are content
hashes; deletes name the old content hash).

BM25: IDF is live (Qdrant computes it from the collection at query time), but the length
normalisation uses the average paragraph length the sparse vectors were weighted with. Every
paragraph is re-weighted when the corpus's average length has drifted more than REWEIGHT_DRIFT from
it (a rewrite of sparse vectors only, no embedding); below that, scores differ from a fresh build's
by less than the drift's effect on the norm term, and only changed articles are written.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import numpy as np

from index.accents import AccentModel
from index.build import BuildReport, make_manifest, plan_build
from index.corpus import LoadReport
from index.embed import Embedder
from index.errors import BuildInterrupted
from index.lexical import Lexicon
from index.manifest import Chunking, DenseInfo, Manifest
from index.qdrant import layout, write
from index.qdrant.engine import Engine
from index.qdrant.layout import CHUNK, UPDATING, State
from index.qdrant.target import Target
from index.text import index_terms

REWEIGHT_DRIFT = 0.01


def _stored_vectors(engine: Engine, collection: str, article_hash: str) -> np.ndarray:
    """The chunk vectors of one stored article (by content hash), in chunk order."""
    records = list(engine.scroll(collection, {"kind": CHUNK, "article_hash": article_hash}, with_dense=True))
    first = min((r.payload["article_id"] for r in records), default=None)
    mine = sorted((r for r in records if r.payload["article_id"] == first),
                  key=lambda r: (r.payload["number"], r.payload["chunk"]))
    return np.array([r.dense for r in mine], dtype=np.float32)


def build_incremental(engine: Engine, target: Target, collection: str, state: State, manifest: Manifest,
                      loaded: LoadReport, embedder: Embedder, chunking: Chunking, embed: Callable,
                      started: float) -> BuildReport:
    """The changes since `manifest` written into `collection` in place; `embed(plan, serving)` embeds."""
    old = manifest.articles
    now = {a.article_id for a in loaded.articles}
    changed = [a for a in loaded.articles if a.article_id not in old or old[a.article_id].hash != a.content_hash]
    removed = [aid for aid in old if aid not in now]
    stored_hashes = {meta.hash for meta in old.values()}
    # An article moved or renamed (same content) keeps its vectors: read back before anything is deleted.
    reusable = {a.content_hash: _stored_vectors(engine, collection, a.content_hash)
                for a in changed if a.content_hash in stored_hashes}
    plan = plan_build(changed, chunking.max_tokens, embedder, reusable)
    vectors, resumed, checkpoint = embed(plan, collection)

    paragraphs = [p for a in loaded.articles for p in a.paragraphs]
    term_lists = [index_terms(p.text) for p in paragraphs]
    previous = Lexicon.from_json(write.json_blob(engine, collection, state, "lexicon"))
    lexicon = Lexicon.build(term_lists)
    reweight = abs(lexicon.avgdl / max(previous.avgdl, 1e-6) - 1) > REWEIGHT_DRIFT
    if not reweight:
        lexicon = Lexicon.build(term_lists, avgdl=previous.avgdl)

    chunks = {aid: n for aid, n in write.json_blob(engine, collection, state, "chunks").items()
              if aid in now and aid not in {a.article_id for a in changed}}
    chunks.update(Counter(plan.paragraphs[int(i)].article_id for i in plan.chunk_paragraph))
    hash_of = {a.article_id: a.content_hash for a in changed}
    rows = list(range(state.next_row, state.next_row + len(plan.paragraphs)))
    try:
        state.status = UPDATING
        layout.write_state(engine, collection, state)
        hashes = [hash_of[p.article_id] for p in plan.paragraphs]
        write.upsert(engine, collection, write.chunk_points(plan.paragraphs, hashes, rows,
                                                            np.array(plan.chunk_paragraph, dtype=np.int64), vectors,
                                                            lexicon, None))
        state.next_row += len(plan.paragraphs)
        for article in changed:
            if article.article_id in old:
                engine.delete(collection, {"article_id": article.article_id, "article_hash": old[article.article_id].hash})
        for aid in removed:
            engine.delete(collection, {"article_id": aid})
        reweighted = _reweight(engine, collection, lexicon) if reweight else 0
        new_manifest = make_manifest(loaded, embedder, chunking, DenseInfo(write.DENSE_KIND), len(paragraphs),
                                     sum(chunks.values()), write.sparse_info(lexicon))
        write.metadata(engine, collection, state, new_manifest, lexicon,
                        AccentModel.build([p.text for p in paragraphs]), chunks)
    except KeyboardInterrupt:
        raise BuildInterrupted(checkpoint.count(), checkpoint.directory, collection) from None
    checkpoint.clear()
    embedded = len(plan.to_embed) - resumed
    total = sum(chunks.values())
    notes = [f"Updated in place: {len(changed)} new or changed and {len(removed)} removed articles."]
    if reweighted:
        notes.append(f"The average paragraph length moved more than {REWEIGHT_DRIFT:.0%}: "
                     f"BM25 weights of all {reweighted} paragraphs rewritten.")
    return BuildReport(
        directory=collection, articles=len(loaded.articles), paragraphs=len(paragraphs), chunks=total,
        embedded=embedded, reused=total - embedded, seconds=time.perf_counter() - started, index_type=write.DENSE_KIND,
        skipped=loaded.skipped, resumed=resumed, notes=notes,
    )


def _reweight(engine: Engine, collection: str, lexicon: Lexicon) -> int:
    """Every paragraph's sparse vector again, with the lexicon's average length; returns how many."""
    done = 0
    records = engine.scroll(collection, {"kind": CHUNK, "chunk": 0})
    for batch in layout.batched(records, write.BATCH):
        engine.set_sparse(collection, [(r.id, *lexicon.document(index_terms(r.payload["text"]))) for r in batch])
        done += len(batch)
    return done
