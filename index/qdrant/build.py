"""Builds into Qdrant: full (a new collection, then one alias flip) or incremental (in place).

Full build (first build, --full, another embedder or chunking, or a collection that cannot be
reused): every chunk goes into a new collection `<alias>_<build id>`; the metadata and the state
point are written last; then one `update_collection_aliases` call moves the alias onto it, the
equivalent of the FAISS backend's symlink swap. The collection the alias left is kept for rollback
(point the alias back at it); older hoibao collections of that alias are dropped. A build that fails
drops its own collection and leaves the alias where it was.

Incremental build: only new and changed articles are embedded (an article moved or renamed keeps its
vectors, read back from the collection by content hash); their points are upserted, the points of
changed and removed articles deleted, in place, while the state point says `updating`. Rerunning an
interrupted one converges (point ids are content hashes; deletes name the old content hash).

BM25 in an incremental build: IDF is live (Qdrant computes it from the collection at query time),
but the length normalisation uses the average paragraph length the sparse vectors were weighted with.
Every paragraph is re-weighted when the corpus's average length has drifted more than REWEIGHT_DRIFT
from it (a rewrite of sparse vectors only, no embedding); below that, scores differ from a fresh
build's by less than the drift's effect on the norm term, and only changed articles are written.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from index import build as faiss_build
from index.accents import AccentModel
from index.build import BuildReport, embed_plan, make_manifest, reuse_reason
from index.checkpoint import Checkpoint
from index.chunk import CHUNKER_VERSION
from index.corpus import Article, LoadReport, Paragraph, load_articles
from index.embed import Embedder
from index.errors import BuildInterrupted, NoArticles
from index.lexical import Lexicon
from index.manifest import Chunking, DenseInfo, Manifest
from index.qdrant import layout
from index.qdrant.engine import Engine, Point, Target, connect
from index.qdrant.layout import CHUNK, COMPLETE, UPDATING, State
from index.qdrant.store import QdrantHalfBuilt, QdrantNotBuilt, read_current
from index.text import index_terms

REWEIGHT_DRIFT = 0.01
BATCH = 128  # points per upsert request (~1 MB of JSON with 384-dim vectors and paragraph text)
DENSE_KIND = "qdrant-hnsw"


def build_id() -> str:
    return time.strftime("%Y%m%dt%H%M%S", time.gmtime()) + "_" + uuid.uuid4().hex[:6]


def _own_collections(engine: Engine, alias: str) -> list[str]:
    pattern = re.compile(rf"^{re.escape(alias)}_\d{{8}}t\d{{6}}_[0-9a-f]{{6}}$")
    return [name for name in engine.collections() if pattern.match(name)]


def sparse_info(lexicon: Lexicon) -> dict[str, str]:
    return {"sparse": f"blake2b-32 term ids, IDF by Qdrant (Modifier.IDF), avgdl {lexicon.avgdl:.2f}; "
                      f"{lexicon.collisions} terms share an id"}


# ---- writing points ------------------------------------------------------------------------------

def _points(paragraphs: list[Paragraph], hashes: list[str], rows: list[int], chunk_paragraph: np.ndarray,
            vectors: np.ndarray, lexicon: Lexicon, term_lists: list[list[str]] | None) -> Iterator[Point]:
    """One point per chunk; paragraph i's first chunk carries its sparse vector."""
    seen: Counter[int] = Counter()
    for chunk_row, paragraph_index in enumerate(chunk_paragraph):
        i = int(paragraph_index)
        paragraph, chunk = paragraphs[i], seen[i]
        seen[i] += 1
        terms = term_lists[i] if term_lists is not None else index_terms(paragraph.text)
        yield Point(
            layout.point_id(paragraph.article_id, hashes[i], paragraph.number, chunk),
            layout.payload_of(paragraph, rows[i], chunk, hashes[i]),
            vectors[chunk_row],
            lexicon.document(terms) if chunk == 0 else None,
        )


def _upsert(engine: Engine, collection: str, points) -> None:
    for batch in layout.batched(points, BATCH):
        engine.upsert(collection, batch)


def _write_metadata(engine: Engine, collection: str, state: State, manifest: Manifest, lexicon: Lexicon,
                    accents: AccentModel, chunks: dict[str, int]) -> State:
    """The blobs at the next generation, then the state naming them (complete), then old blobs dropped."""
    state.generation += 1
    blobs = layout.write_json_blobs(engine, collection, {"manifest": manifest.to_json(), "lexicon": lexicon.to_json(),
                                                         "chunks": chunks}, state.generation)
    for name, data in accents.to_bytes().items():
        blobs[f"accents/{name}"] = layout.write_blob(engine, collection, f"accents/{name}", data, state.generation)
    state.blobs, state.status = blobs, COMPLETE
    state.chunks, state.paragraphs = manifest.counts.chunks, manifest.counts.paragraphs
    state.embedder, state.built_at = manifest.embedder.id, manifest.built_at
    for what, where, expected in (("chunk points", {"kind": CHUNK}, state.chunks),
                                  ("paragraph points", {"kind": CHUNK, "chunk": 0}, state.paragraphs)):
        found = engine.count(collection, where)
        if found != expected:
            raise QdrantHalfBuilt(engine.target, collection, f"{found} {what} written, {expected} expected")
    layout.write_state(engine, collection, state)
    layout.drop_old_blobs(engine, collection, state)
    return state


def write_full(engine: Engine, target: Target, manifest: Manifest, paragraphs: list[Paragraph], hashes: list[str],
               chunk_paragraph: np.ndarray, vectors: np.ndarray, accents: AccentModel | None = None) -> str:
    """A new collection holding this build, then the alias flipped onto it; returns the collection.

    Shared by full builds and `hoibao index export --to qdrant` (a FAISS build's own vectors).
    """
    name = f"{target.collection}_{build_id()}"
    previous = engine.alias_target(target.collection)
    engine.create(name, int(vectors.shape[1]))
    try:
        term_lists = [index_terms(p.text) for p in paragraphs]
        lexicon = Lexicon.build(term_lists)
        _upsert(engine, name, _points(paragraphs, hashes, list(range(len(paragraphs))), chunk_paragraph, vectors,
                                      lexicon, term_lists))
        accents = accents or AccentModel.build([p.text for p in paragraphs])
        manifest = replace(manifest, lexical={**manifest.lexical, **sparse_info(lexicon)})
        chunks = Counter(paragraphs[int(i)].article_id for i in chunk_paragraph)
        state = State(manifest.embedder.id, int(vectors.shape[1]), 0, 0, len(paragraphs), 0)
        _write_metadata(engine, name, state, manifest, lexicon, accents, dict(chunks))
        engine.flip(target.collection, name)
    except BaseException:
        try:
            engine.drop(name)
        except Exception:  # the original failure is the one to report
            pass
        raise
    for old in _own_collections(engine, target.collection):
        if old not in (name, previous):
            engine.drop(old)
    return name


# ---- the build -----------------------------------------------------------------------------------

def _current(engine: Engine, target: Target) -> tuple[str, State, Manifest] | str:
    """The collection the alias names, with its state and manifest; or why there is none to reuse."""
    try:
        return read_current(engine, target)
    except QdrantNotBuilt:
        return ""
    except QdrantHalfBuilt as exc:
        return f"the current collection cannot be reused ({exc})"


def _stored_vectors(engine: Engine, collection: str, article_hash: str) -> np.ndarray:
    """The chunk vectors of one stored article (by content hash), in chunk order."""
    records = list(engine.scroll(collection, {"kind": CHUNK, "article_hash": article_hash}, with_dense=True))
    first = min((r.payload["article_id"] for r in records), default=None)
    mine = sorted((r for r in records if r.payload["article_id"] == first),
                  key=lambda r: (r.payload["number"], r.payload["chunk"]))
    return np.array([r.dense for r in mine], dtype=np.float32)


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
) -> BuildReport:
    """Build (or incrementally update) the Qdrant index; `index_dir` only keeps the embedding checkpoint."""
    started = time.perf_counter()
    loaded = LoadReport(articles=articles) if articles is not None else load_articles(seeds_dir)
    if not loaded.articles:
        raise NoArticles(seeds_dir, loaded.skipped)
    engine = connect(target)
    window = min(max_tokens, embedder.max_tokens)
    chunking = Chunking(max_tokens=window, chunker=CHUNKER_VERSION)
    current = _current(engine, target)
    if isinstance(current, str):
        reason = "--full was given" if full else current
        return _full(engine, target, loaded, embedder, chunking, batch_size, progress, index_dir, started, reason)
    collection, state, manifest = current
    reason = reuse_reason(manifest, embedder.id, chunking, full)
    if reason is not None:
        return _full(engine, target, loaded, embedder, chunking, batch_size, progress, index_dir, started, reason)
    return _incremental(engine, target, collection, state, manifest, loaded, embedder, chunking, batch_size,
                        progress, index_dir, started)


def _embedding(plan, embedder: Embedder, batch_size: int, progress: bool, index_dir: Path, chunking: Chunking,
               serving: str | None):
    checkpoint = Checkpoint(index_dir, embedder.id, chunking.max_tokens)
    try:
        vectors, resumed = embed_plan(plan, embedder, batch_size, progress, checkpoint)
    except KeyboardInterrupt:
        raise BuildInterrupted(checkpoint.count(), checkpoint.directory, serving) from None
    return vectors, resumed, checkpoint


def _full(engine, target, loaded, embedder, chunking, batch_size, progress, index_dir, started, reason) -> BuildReport:
    plan = faiss_build._plan(loaded.articles, chunking.max_tokens, embedder, {})
    serving = engine.alias_target(target.collection)
    vectors, resumed, checkpoint = _embedding(plan, embedder, batch_size, progress, index_dir, chunking, serving)
    manifest = make_manifest(loaded, embedder, chunking, DenseInfo(DENSE_KIND), len(plan.paragraphs), len(vectors))
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
        index_type=DENSE_KIND, full_reason=reason if serving else "", skipped=loaded.skipped, resumed=resumed,
        notes=[f"Qdrant ({target.where}): alias {target.collection} → {name}"
               + (f"; {serving} kept for rollback" if serving else "")],
    )


def _incremental(engine, target, collection, state, manifest, loaded, embedder, chunking, batch_size, progress,
                 index_dir, started) -> BuildReport:
    old = manifest.articles
    now = {a.article_id for a in loaded.articles}
    changed = [a for a in loaded.articles if a.article_id not in old or old[a.article_id].hash != a.content_hash]
    removed = [aid for aid in old if aid not in now]
    stored_hashes = {meta.hash for meta in old.values()}
    # An article moved or renamed (same content) keeps its vectors: read back before anything is deleted.
    reusable = {a.content_hash: _stored_vectors(engine, collection, a.content_hash)
                for a in changed if a.content_hash in stored_hashes}
    plan = faiss_build._plan(changed, chunking.max_tokens, embedder, reusable)
    vectors, resumed, checkpoint = _embedding(plan, embedder, batch_size, progress, index_dir, chunking, collection)

    paragraphs = [p for a in loaded.articles for p in a.paragraphs]
    term_lists = [index_terms(p.text) for p in paragraphs]
    previous = Lexicon.from_json(json_blob(engine, collection, state, "lexicon"))
    lexicon = Lexicon.build(term_lists)
    reweight = abs(lexicon.avgdl / max(previous.avgdl, 1e-6) - 1) > REWEIGHT_DRIFT
    if not reweight:
        lexicon = Lexicon.build(term_lists, avgdl=previous.avgdl)

    chunks = {aid: n for aid, n in json_blob(engine, collection, state, "chunks").items()
              if aid in now and aid not in {a.article_id for a in changed}}
    chunks.update(Counter(plan.paragraphs[int(i)].article_id for i in plan.chunk_paragraph))
    hash_of = {a.article_id: a.content_hash for a in changed}
    rows = list(range(state.next_row, state.next_row + len(plan.paragraphs)))
    try:
        state.status = UPDATING
        layout.write_state(engine, collection, state)
        _upsert(engine, collection, _points(plan.paragraphs, [hash_of[p.article_id] for p in plan.paragraphs], rows,
                                            np.array(plan.chunk_paragraph, dtype=np.int64), vectors, lexicon, None))
        state.next_row += len(plan.paragraphs)
        for article in changed:
            if article.article_id in old:
                engine.delete(collection, {"article_id": article.article_id, "article_hash": old[article.article_id].hash})
        for aid in removed:
            engine.delete(collection, {"article_id": aid})
        reweighted = _reweight(engine, collection, lexicon) if reweight else 0
        new_manifest = make_manifest(loaded, embedder, chunking, DenseInfo(DENSE_KIND), len(paragraphs),
                                     sum(chunks.values()), sparse_info(lexicon))
        _write_metadata(engine, collection, state, new_manifest, lexicon,
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
        embedded=embedded, reused=total - embedded, seconds=time.perf_counter() - started, index_type=DENSE_KIND,
        skipped=loaded.skipped, resumed=resumed, notes=notes,
    )


def json_blob(engine: Engine, collection: str, state: State, name: str):
    try:
        return json.loads(layout.read_blob(engine, collection, name, state.blobs[name]))
    except (ValueError, KeyError) as exc:
        raise QdrantHalfBuilt(engine.target, collection, f"metadata {exc}") from None


def _reweight(engine: Engine, collection: str, lexicon: Lexicon) -> int:
    """Every paragraph's sparse vector again, with the lexicon's average length; returns how many."""
    done = 0
    records = engine.scroll(collection, {"kind": CHUNK, "chunk": 0})
    for batch in layout.batched(records, BATCH):
        engine.set_sparse(collection, [(r.id, *lexicon.document(index_terms(r.payload["text"]))) for r in batch])
        done += len(batch)
    return done


# ---- moving a FAISS index ------------------------------------------------------------------------

def faiss_vectors(build_dir: Path) -> np.ndarray:
    """A FAISS build's chunk vectors: `vectors.npy`, else reconstructed from `dense.faiss` where its kind keeps them.

    Flat and HNSW indexes store the vectors themselves; IVF-PQ keeps only compressed codes, from which
    the original vectors cannot be recovered.
    """
    from index.errors import IndexCorrupt

    try:
        return np.asarray(np.load(build_dir / "vectors.npy", allow_pickle=False), dtype=np.float32)
    except (OSError, ValueError):
        pass
    from index import dense as dense_index

    try:
        dense = dense_index.load(build_dir)
    except Exception as exc:  # the engine raises its own kinds
        raise IndexCorrupt(build_dir / "dense.faiss", f"{type(exc).__name__}: {str(exc)[:120]}", build_dir.parent) from None
    vectors = dense.reconstruct() if hasattr(dense, "reconstruct") else None
    if vectors is None:
        raise IndexCorrupt(
            build_dir / "vectors.npy",
            f"missing, and a {dense.kind} index keeps only compressed codes, so its vectors cannot be copied; "
            "build into Qdrant instead (HOIBAO_INDEX_BACKEND=qdrant hoibao index build), which embeds again",
            build_dir.parent,
        )
    return vectors


def export_faiss(index_dir: Path, target: Target) -> tuple[str, Manifest]:
    """Copy the current FAISS build in `index_dir` into a new Qdrant collection (no re-embedding), flip the alias."""
    from index import store
    from index.errors import IndexCorrupt

    manifest = store.read_manifest(index_dir)
    build_dir = store.current_build(index_dir)
    assert build_dir is not None
    try:
        paragraphs = store._load_paragraphs(build_dir / "paragraphs.jsonl")
        chunk_paragraph = np.load(build_dir / "chunks.npy", allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorrupt(build_dir, f"{type(exc).__name__}: {str(exc)[:120]}", index_dir) from None
    vectors = faiss_vectors(build_dir)
    if len(vectors) != len(chunk_paragraph) or len(paragraphs) != manifest.counts.paragraphs:
        raise IndexCorrupt(build_dir / "vectors.npy", "vector, chunk and paragraph counts disagree", index_dir)
    from index.accents import FILES as ACCENT_FILES

    accents = AccentModel.load(build_dir, index_dir) if (build_dir / ACCENT_FILES[0]).exists() else None
    engine = connect(target)
    hashes = [manifest.articles[p.article_id].hash for p in paragraphs]
    copied = replace(manifest, dense=DenseInfo(DENSE_KIND))
    name = write_full(engine, target, copied, paragraphs, hashes, chunk_paragraph, vectors, accents)
    return name, copied
