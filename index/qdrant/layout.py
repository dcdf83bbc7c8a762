"""What a hoibao collection in Qdrant holds, and how it is written and read back.

One collection per full build, `<alias>_<build id>`, reached through the alias HOIBAO_QDRANT_COLLECTION
(default `hoibao`), holding three kinds of points:

- `kind=chunk`, one per embedded chunk: the named dense vector `dense` (384 dims, cosine) and the
  paragraph as payload (row, chunk, article_id, title, source, number, text, section, author, date,
  url, article_hash). The first chunk of each paragraph (chunk=0) also carries the sparse vector
  `bm25`: the tf part of the paragraph's BM25 weights (index.lexical.Lexicon.document), Qdrant
  applying the IDF (Modifier.IDF) over exactly one point per paragraph, as BM25 counts paragraphs.
  A long paragraph's later chunks repeat its payload, so any dense hit names its paragraph without a
  second request. Point ids are UUIDs from a hash of (article id, article content hash, paragraph
  number, chunk), so writing the same article twice is idempotent and a changed article gets new ids.
- `kind=meta`: blobs (the manifest, the term statistics, the accent model, chunks per article),
  zlib-compressed and base64-encoded, cut into parts of at most 1 MB, under a generation number.
- `kind=state`, one point at a fixed id, written last: which blob generations are current, the
  counts, the embedder, and whether an incremental build is writing (`status`). A collection without
  it is unfinished; a bot loads only what the state names, so a reader never sees half a blob.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from index.corpus import Paragraph
from index.qdrant.engine import Engine, Point

LAYOUT_VERSION = 1
PART_CHARS = 1_000_000
STATE_ID = str(uuid.UUID(bytes=hashlib.blake2b(b"hoibao-state", digest_size=16).digest()))
COMPLETE, UPDATING = "complete", "updating"
CHUNK, META, STATE = "chunk", "meta", "state"


def _uuid(*parts: object) -> str:
    key = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return str(uuid.UUID(bytes=hashlib.blake2b(key, digest_size=16).digest()))


def point_id(article_id: str, article_hash: str, number: int, chunk: int) -> str:
    """The id of one chunk of one paragraph of one version of an article."""
    return _uuid("chunk", article_id, article_hash, number, chunk)


def payload_of(paragraph: Paragraph, row: int, chunk: int, article_hash: str) -> dict:
    return {"kind": CHUNK, "row": row, "chunk": chunk, "article_hash": article_hash, **asdict(paragraph)}


def paragraph_of(payload: dict) -> Paragraph:
    return Paragraph(payload["article_id"], payload["title"], payload["source"], int(payload["number"]),
                     payload["text"], payload.get("section", ""), payload.get("author", ""),
                     payload.get("date", ""), payload.get("url", ""))


@dataclass
class State:
    """The collection's state point: what is current in it."""

    embedder: str
    dim: int
    chunks: int
    paragraphs: int
    next_row: int  # rows are never reused: an incremental build numbers new paragraphs from here
    generation: int
    blobs: dict[str, dict] = field(default_factory=dict)  # name -> {"generation", "parts", "sha256"}
    status: str = COMPLETE
    layout: int = LAYOUT_VERSION
    built_at: str = ""

    def to_payload(self) -> dict:
        return {"kind": STATE, **asdict(self)}

    @classmethod
    def from_payload(cls, payload: dict) -> "State":
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in payload.items() if k in names})


def read_state(engine: Engine, collection: str) -> State | None:
    found = engine.retrieve(collection, [STATE_ID])
    return State.from_payload(found[0].payload) if found else None


def write_state(engine: Engine, collection: str, state: State) -> None:
    engine.upsert(collection, [Point(STATE_ID, state.to_payload())])


def write_blob(engine: Engine, collection: str, name: str, data: bytes, generation: int) -> dict:
    """Store `data` under `name` at `generation`; returns its entry for the state's `blobs`."""
    text = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    parts = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
    for number, part in enumerate(parts):
        payload = {"kind": META, "name": name, "generation": generation, "part": number, "data": part}
        engine.upsert(collection, [Point(_uuid("meta", name, generation, number), payload)])
    return {"generation": generation, "parts": len(parts), "sha256": hashlib.sha256(data).hexdigest()}


def read_blob(engine: Engine, collection: str, name: str, entry: dict) -> bytes:
    """The blob the state's `entry` names; ValueError when a part is missing or the checksum differs."""
    ids = [_uuid("meta", name, entry["generation"], n) for n in range(entry["parts"])]
    found = {r.id: r.payload.get("data", "") for r in engine.retrieve(collection, ids)}
    if len(found) != len(ids):
        raise ValueError(f"{name}: {len(ids) - len(found)} of {len(ids)} parts missing")
    data = zlib.decompress(base64.b64decode("".join(found[i] for i in ids)))
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ValueError(f"{name}: checksum differs")
    return data


def drop_old_blobs(engine: Engine, collection: str, state: State) -> None:
    """Delete blob parts of generations the state no longer names (after it was written)."""
    stale = [r.id for r in engine.scroll(collection, {"kind": META})
             if state.blobs.get(r.payload.get("name"), {}).get("generation") != r.payload.get("generation")]
    engine.delete_ids(collection, stale)


def write_json_blobs(engine: Engine, collection: str, blobs: dict[str, object], generation: int) -> dict[str, dict]:
    return {name: write_blob(engine, collection, name, json.dumps(value, ensure_ascii=False).encode("utf-8"),
                             generation)
            for name, value in blobs.items()}


def batched(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
