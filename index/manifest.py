"""The manifest: what an index directory holds and how it was built, typed, read and written here only.

`manifest.json` is the last file a build writes (a build directory without one
is unfinished) and the first one every reader opens: the loader, incremental
builds, `hoibao index info|status`, the container's start-up check, the
channels' `/sources`. Its JSON shape is a public format (`hoibao index info
--json`): fields may be added, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from index.errors import IndexCorrupt

FILE = "manifest.json"
# The layout of the files a manifest describes; a reader refuses another one.
FORMAT_VERSION = 2  # 2: BM25 arrays as separate memory-mapped .npy files


def plural(n: int, noun: str) -> str:
    """'1 article', '2 articles'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class ArticleMeta:
    """One indexed article, as `/sources` and incremental builds see it."""

    source: str
    title: str
    hash: str  # content hash of the file (index.text.content_hash); unchanged → vectors reused
    paragraphs: int
    author: str = ""
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class EmbedderInfo:
    """Which model made the vectors (index.embed.embedder_id); another id means a full rebuild."""

    id: str
    dim: int
    # The model's own window in tokens, so `index status` can tell a chunking change
    # without loading the model; 0 in manifests written before it was recorded.
    max_tokens: int = 0


@dataclass(frozen=True)
class Chunking:
    """How paragraphs were cut for embedding; any difference means a full rebuild."""

    max_tokens: int  # min(HOIBAO_CHUNK_MAX_TOKENS, the model's window)
    chunker: int  # index.chunk.CHUNKER_VERSION


# The dense index kinds a manifest names (FAISS's; the Qdrant backend records its own), and which one a
# build gets: below APPROXIMATE_FROM chunks exact search is fast enough and costs nothing in recall.
# Measured on 2 cores (benchmarks/query_scale.py): a flat search costs 4.4 ms at 25k and 24 ms at 50k
# vectors, HNSW ~1 ms with recall@10 ≥ 0.99 at every size. Here, not in index/faiss/, because
# `hoibao index status` compares them with the settings without loading FAISS code.
KINDS = ("flat", "hnsw", "ivfpq")
APPROXIMATE_FROM = 25_000


def choose_type(n_vectors: int, requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    return "flat" if n_vectors < APPROXIMATE_FROM else "hnsw"


@dataclass(frozen=True)
class DenseInfo:
    """The dense index kind (flat, hnsw, ivfpq) and, for approximate kinds, its measured recall."""

    type: str
    recall_at_10_vs_exact: float = 1.0


@dataclass(frozen=True)
class Counts:
    articles: int
    paragraphs: int
    chunks: int

    def summary(self) -> str:
        return f"{plural(self.articles, 'article')}, {plural(self.paragraphs, 'paragraph')}, {plural(self.chunks, 'chunk')}"


@dataclass(frozen=True)
class Skipped:
    """A file in the articles folder that was not indexed, and why."""

    file: str
    reason: str


def _known(kind: type, data: dict):
    """`kind` from its JSON object, passing over fields a later hoibao added (fields are only ever added)."""
    names = {f.name for f in fields(kind)}
    return kind(**{key: value for key, value in data.items() if key in names})


@dataclass(frozen=True)
class Manifest:
    format_version: int
    embedder: EmbedderInfo
    chunking: Chunking
    dense: DenseInfo
    built_at: str
    counts: Counts
    articles: Mapping[str, ArticleMeta]
    skipped: tuple[Skipped, ...] = ()
    lexical: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        data["articles"] = {aid: asdict(meta) for aid, meta in self.articles.items()}
        data["skipped"] = [asdict(s) for s in self.skipped]
        data["lexical"] = dict(self.lexical)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        """Raises KeyError/TypeError/ValueError on a malformed manifest (`read` turns them into IndexCorrupt)."""
        return cls(
            format_version=int(data["format_version"]),
            embedder=_known(EmbedderInfo, data["embedder"]),
            chunking=_known(Chunking, data["chunking"]),
            dense=_known(DenseInfo, data["dense"]),
            built_at=str(data["built_at"]),
            counts=_known(Counts, data["counts"]),
            articles={aid: _known(ArticleMeta, meta) for aid, meta in data["articles"].items()},
            skipped=tuple(_known(Skipped, s) for s in data.get("skipped", [])),
            lexical=dict(data.get("lexical", {})),
        )

    def titles(self) -> tuple[str, ...]:
        return tuple(meta.title for meta in self.articles.values())


def write(build_dir: Path, manifest: Manifest) -> None:
    (build_dir / FILE).write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=2), "utf-8")


def read(build_dir: Path, index_dir: Path | None = None) -> Manifest:
    """The manifest of one build directory; IndexCorrupt (naming the file) when it cannot be used."""
    path = build_dir / FILE
    try:
        return Manifest.from_json(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorrupt(path, f"{type(exc).__name__}: {str(exc)[:120]}", index_dir) from None
