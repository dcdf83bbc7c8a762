"""A build's points and metadata, written into a Qdrant collection: what full and incremental builds share.

A chunk is one point (its dense vector, its paragraph as payload); a paragraph's first chunk also
carries the paragraph's BM25 sparse vector. The metadata (manifest, lexicon, chunk counts, accent
model) is written as blobs at the next generation, then the state point naming them, so a reader
never sees a half-written set.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import numpy as np

from index.accents import AccentModel
from index.corpus import Paragraph
from index.lexical import Lexicon
from index.manifest import Manifest
from index.qdrant import layout
from index.qdrant.engine import Engine, Point
from index.qdrant.layout import CHUNK, COMPLETE, State
from index.qdrant.store import QdrantHalfBuilt
from index.text import index_terms

BATCH = 128  # points per upsert request (~1 MB of JSON with 384-dim vectors and paragraph text)
DENSE_KIND = "qdrant-hnsw"


def sparse_info(lexicon: Lexicon) -> dict[str, str]:
    return {"sparse": f"blake2b-32 term ids, IDF by Qdrant (Modifier.IDF), avgdl {lexicon.avgdl:.2f}; "
                      f"{lexicon.collisions} terms share an id"}


def chunk_points(paragraphs: list[Paragraph], hashes: list[str], rows: list[int], chunk_paragraph: np.ndarray,
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


def upsert(engine: Engine, collection: str, points) -> None:
    for batch in layout.batched(points, BATCH):
        engine.upsert(collection, batch)


def metadata(engine: Engine, collection: str, state: State, manifest: Manifest, lexicon: Lexicon,
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


def json_blob(engine: Engine, collection: str, state: State, name: str):
    try:
        return json.loads(layout.read_blob(engine, collection, name, state.blobs[name]))
    except (ValueError, KeyError) as exc:
        raise QdrantHalfBuilt(engine.target, collection, f"metadata {exc}") from None
