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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

from index.errors import IndexCorrupt

FILE = "manifest.json"


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


# The small parts of a manifest, immutable and compared by value (a changed Chunking forces a full build).
EmbedderInfo = NamedTuple("EmbedderInfo", [("id", str), ("dim", int)])  # another id: a full rebuild
Chunking = NamedTuple("Chunking", [("max_tokens", int), ("chunker", int)])
DenseInfo = NamedTuple("DenseInfo", [("type", str), ("recall_at_10_vs_exact", float)])
Counts = NamedTuple("Counts", [("articles", int), ("paragraphs", int), ("chunks", int)])  # checked when loading
Skipped = NamedTuple("Skipped", [("file", str), ("reason", str)])  # an unreadable article file, and why


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
        return {
            "format_version": self.format_version,
            "embedder": self.embedder._asdict(),
            "chunking": self.chunking._asdict(),
            "dense": self.dense._asdict(),
            "built_at": self.built_at,
            "counts": self.counts._asdict(),
            "articles": {aid: asdict(meta) for aid, meta in self.articles.items()},
            "skipped": [s._asdict() for s in self.skipped],
            "lexical": dict(self.lexical),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        """Raises KeyError/TypeError/ValueError on a malformed manifest (`read` turns them into IndexCorrupt)."""
        return cls(
            format_version=int(data["format_version"]),
            embedder=EmbedderInfo(**data["embedder"]),
            chunking=Chunking(**data["chunking"]),
            dense=DenseInfo(**{"recall_at_10_vs_exact": 1.0, **data["dense"]}),
            built_at=str(data["built_at"]),
            counts=Counts(**data["counts"]),
            articles={aid: ArticleMeta(**meta) for aid, meta in data["articles"].items()},
            skipped=tuple(Skipped(**s) for s in data.get("skipped", [])),
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
