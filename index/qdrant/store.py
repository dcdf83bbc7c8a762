"""The Qdrant backend of `index.search.SearchIndex`: a collection read through its alias.

Loading resolves the alias once and then reads that collection by name, so a bot keeps answering
from one consistent build while a full build writes the next one; `hoibao index build` flips the
alias and the bot picks the new build up on its next load (/reindex, a restart, or the follower
noticing that `current_build` changed: bot/channels/background/index_follow.py). The manifest, the
term statistics and the accent model come from the collection's metadata points, not from disk.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import numpy as np

from index.accents import AccentModel
from index.accents import FILES as ACCENT_FILES
from index.corpus import Paragraph
from index.lexical import Lexicon
from index.manifest import Manifest
from index.qdrant import layout
from index.qdrant.engine import Engine
from index.qdrant.engines import connect
from index.qdrant.errors import CollectionMissing, QdrantError
from index.qdrant.layout import CHUNK, COMPLETE, LAYOUT_VERSION, State
from index.qdrant.target import Target
from index.search import Rankings, SearchIndex

log = logging.getLogger(__name__)


class QdrantNotBuilt(QdrantError):
    def __init__(self, target: Target) -> None:
        super().__init__(
            f"No index in Qdrant ({target.where}): no alias or collection {target.collection} "
            "(HOIBAO_QDRANT_COLLECTION). Build it with `hoibao index build`, or copy a built FAISS index "
            "with `hoibao index export --to qdrant`."
        )


class QdrantHalfBuilt(QdrantError):
    def __init__(self, target: Target, collection: str, detail: str) -> None:
        super().__init__(
            f"Qdrant collection {collection} ({target.where}, HOIBAO_QDRANT_COLLECTION={target.collection}) is not "
            f"a complete hoibao index: {detail}. Rebuild it with `hoibao index build --full`."
        )


class QdrantEmbedderMismatch(QdrantError):
    def __init__(self, target: Target, collection: str, built_with: str, configured: str) -> None:
        super().__init__(
            f"Qdrant collection {collection} (HOIBAO_QDRANT_COLLECTION={target.collection}) was built with embedder "
            f"'{built_with}' but '{configured}' is configured. Rebuild it (`hoibao index build`) or set "
            "HOIBAO_EMBEDDING_BACKEND / HOIBAO_EMBEDDING_MODEL back to what it was built with."
        )


def resolve(engine: Engine, target: Target) -> str:
    """The collection the alias names (or a collection of that very name); QdrantNotBuilt when neither."""
    name = engine.alias_target(target.collection)
    if name is None and target.collection in engine.collections():
        name = target.collection
    if name is None:
        raise QdrantNotBuilt(target)
    return name


def current_build(target: Target) -> str | None:
    """`<collection>@<generation>` the alias names (two reads: the aliases, the state point); None when there
    is no index yet or an incremental build is writing. Raises only when Qdrant cannot be reached."""
    engine = connect(target)
    try:
        collection = resolve(engine, target)
        state = layout.read_state(engine, collection)
    except (QdrantNotBuilt, CollectionMissing):
        return None
    except (ValueError, KeyError, TypeError):  # a state point that does not parse: loading will say why
        return collection
    if state is None:
        return collection  # unfinished: loading says so (once), and the follower keeps the old one
    return None if state.status != COMPLETE else f"{collection}@{state.generation}"


def read_current(engine: Engine, target: Target) -> tuple[str, State, Manifest]:
    """The collection the alias names, its state and its manifest; clear errors when unfinished."""
    collection = resolve(engine, target)
    try:
        state = layout.read_state(engine, collection)
    except CollectionMissing:
        raise QdrantNotBuilt(target) from None
    if state is None:
        raise QdrantHalfBuilt(target, collection, "it has no state point (a build did not finish)")
    if state.layout != LAYOUT_VERSION:
        raise QdrantHalfBuilt(target, collection, f"layout {state.layout}, this hoibao reads layout {LAYOUT_VERSION}")
    return collection, state, Manifest.from_json(json.loads(_blob(engine, target, collection, state, "manifest")))


def _blob(engine: Engine, target: Target, collection: str, state: State, name: str) -> bytes:
    entry = state.blobs.get(name)
    if entry is None:
        raise QdrantHalfBuilt(target, collection, f"its state names no {name}")
    try:
        return layout.read_blob(engine, collection, name, entry)
    except (ValueError, KeyError) as exc:
        raise QdrantHalfBuilt(target, collection, f"metadata {exc}") from None


def read_manifest(target: Target) -> Manifest:
    engine = connect(target)
    try:
        return read_current(engine, target)[2]
    except (ValueError, KeyError, TypeError) as exc:  # a manifest that does not parse
        raise QdrantHalfBuilt(target, target.collection, f"manifest unreadable ({exc})") from None


def load(target: Target, expected_embedder: str | None = None) -> "QdrantIndex":
    engine = connect(target)
    collection, state, manifest = read_current(engine, target)
    if expected_embedder is not None and manifest.embedder.id != expected_embedder:
        raise QdrantEmbedderMismatch(target, collection, manifest.embedder.id, expected_embedder)
    if state.status == COMPLETE:
        for what, where, expected in (("chunk points", {"kind": CHUNK}, manifest.counts.chunks),
                                      ("paragraph points", {"kind": CHUNK, "chunk": 0}, manifest.counts.paragraphs)):
            found = engine.count(collection, where)
            if found != expected:
                raise QdrantHalfBuilt(target, collection, f"{found} {what}, the manifest says {expected}")
    else:
        # An incremental build is writing, or stopped half-way: its points are being replaced in
        # place; the manifest and term statistics are still the previous ones. Served as they are.
        log.warning("Qdrant collection %s is being updated (or an update stopped half-way); "
                    "rerun `hoibao index build` if no build is running", collection)
    try:
        lexicon = Lexicon.from_json(json.loads(_blob(engine, target, collection, state, "lexicon")))
        accents = AccentModel.from_bytes({name: _blob(engine, target, collection, state, f"accents/{name}")
                                          for name in ACCENT_FILES})
    except (ValueError, KeyError, TypeError) as exc:
        raise QdrantHalfBuilt(target, collection, f"metadata unreadable ({exc})") from None
    return QdrantIndex(engine, target, collection, state, manifest, lexicon, accents)


class QdrantIndex(SearchIndex):
    backend = "qdrant"

    def __init__(self, engine: Engine, target: Target, collection: str, state: State, manifest: Manifest,
                 lexicon: Lexicon, accents: AccentModel | None) -> None:
        self.engine, self.target, self.collection, self.state = engine, target, collection, state
        self.manifest, self.lexical, self.accents = manifest, lexicon, accents

    def rankings(self, question: str, vector: np.ndarray, candidates: int,
                 articles: frozenset[str] | None = None) -> Rankings:
        if articles is not None and not articles:
            # No article to search (a topic nothing matches yet): nothing to rank, and no server round trip
            # with an empty "any of" filter, which not every Qdrant version accepts.
            return Rankings([], [], {})
        # Over-fetch chunks as the FAISS backend does: several chunks may belong to one paragraph.
        where = None if articles is None else {"article_id": sorted(articles)}
        dense_hits, sparse_hits = self.engine.query(self.collection, vector.reshape(-1), candidates * 2,
                                                    self.lexical.query(question), candidates, where)
        paragraphs: dict[int, Paragraph] = {}
        dense: dict[int, float] = {}
        for hit in dense_hits:
            row = int(hit.payload["row"])
            if row not in dense:
                dense[row] = hit.score
                paragraphs[row] = layout.paragraph_of(hit.payload)
        lexical = []
        for hit in sparse_hits:
            row = int(hit.payload["row"])
            lexical.append((row, hit.score))
            paragraphs.setdefault(row, layout.paragraph_of(hit.payload))
        return Rankings(list(dense.items())[:candidates], lexical, paragraphs)

    def paragraphs_of(self, article_id: str) -> list[Paragraph]:
        found = [layout.paragraph_of(r.payload)
                 for r in self.engine.scroll(self.collection, {"kind": CHUNK, "chunk": 0, "article_id": article_id})]
        return sorted(found, key=lambda p: p.number)

    def iter_paragraphs(self) -> Iterator[Paragraph]:
        for record in self.engine.scroll(self.collection, {"kind": CHUNK, "chunk": 0}, ordered=True):
            yield layout.paragraph_of(record.payload)

    def describe(self) -> dict[str, object]:
        return describe(self.engine, self.target, self.collection)


def describe(engine: Engine, target: Target, collection: str) -> dict[str, object]:
    """Backend, store, alias, collection and point count, for `hoibao index info`."""
    where = {"url": target.shown_url} if target.url else {"path": target.path}
    return {"backend": "qdrant", **where, "alias": target.collection, "collection": collection,
            "points": engine.count(collection), "chunk_points": engine.count(collection, {"kind": CHUNK})}


def info(target: Target) -> dict[str, object]:
    engine = connect(target)
    return describe(engine, target, resolve(engine, target))

