"""The FAISS backend's reading side: a build directory (`index.faiss.layout`) loaded, memory-mapped.

`load` gives the `StoredIndex` the Searcher reads (`index.search.SearchIndex`); `read_manifest`
and `load_vectors` read only what their callers need (status, incremental builds).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from index import manifest as manifest_file
from index.accents import AccentModel
from index.accents import FILES as ACCENT_FILES
from index.corpus import Paragraph
from index.errors import EmbedderMismatch, IndexCorrupt, IndexNotBuilt
from index.faiss.dense import DenseIndex
from index.faiss.layout import CURRENT
from index.lexical import LexicalIndex
from index.manifest import FORMAT_VERSION, Manifest
from index.search import Rankings, SearchIndex, best_per_paragraph


@dataclass
class StoredIndex(SearchIndex):
    """The FAISS-files backend of `index.search.SearchIndex`: a build directory, memory-mapped."""

    backend: ClassVar[str] = "faiss"
    directory: Path
    manifest: Manifest
    paragraphs: list[Paragraph]
    chunk_paragraph: np.ndarray
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    accents: AccentModel | None = None  # None in indexes built before accents were restored
    _by_article: dict[str, list[Paragraph]] | None = field(default=None, repr=False, compare=False)
    _rows: dict[str, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def rankings(self, question: str, vector: np.ndarray, candidates: int,
                 articles: frozenset[str] | None = None) -> Rankings:
        if articles is not None:
            return self._scoped(question, vector, candidates, articles)
        # Over-fetch chunks: several chunks may belong to one paragraph.
        chunk_hits = self.dense.search(vector.reshape(1, -1), candidates * 2)[0]
        dense = best_per_paragraph(chunk_hits, self.chunk_paragraph)[:candidates]
        return Rankings(dense, self.lexical.search(question, candidates), self.paragraphs)

    def _scoped(self, question: str, vector: np.ndarray, candidates: int, articles: frozenset[str]) -> Rankings:
        """Both rankings over these articles only: exact cosine against their stored chunk vectors (an
        article has tens of chunks, so brute force costs less than a FAISS search) and BM25 masked."""
        rows = np.concatenate([self._article_rows().get(a, np.zeros(0, dtype=np.int64)) for a in sorted(articles)]
                              or [np.zeros(0, dtype=np.int64)])
        chunks = np.flatnonzero(np.isin(self.chunk_paragraph, rows))
        scores = np.asarray(self.vectors[chunks], dtype=np.float32) @ vector.reshape(-1).astype(np.float32)
        order = np.argsort(-scores, kind="stable")
        dense = best_per_paragraph([(int(chunks[i]), float(scores[i])) for i in order], self.chunk_paragraph)
        bm25 = self.lexical.scores(question)[rows]
        lexical = sorted(((int(r), float(s)) for r, s in zip(rows, bm25) if s > 0), key=lambda item: -item[1])
        return Rankings(dense[:candidates], lexical[:candidates], self.paragraphs)

    def _article_rows(self) -> dict[str, np.ndarray]:
        """Each article's paragraph rows, made once per loaded index (a scoped question reads a few)."""
        if self._rows is None:
            rows: dict[str, list[int]] = {}
            for row, paragraph in enumerate(self.paragraphs):
                rows.setdefault(paragraph.article_id, []).append(row)
            self._rows = {aid: np.asarray(found, dtype=np.int64) for aid, found in rows.items()}
        return self._rows

    def paragraphs_of(self, article_id: str) -> list[Paragraph]:
        if self._by_article is None:
            by_article: dict[str, list[Paragraph]] = {}
            for paragraph in self.paragraphs:
                by_article.setdefault(paragraph.article_id, []).append(paragraph)
            self._by_article = by_article
        return self._by_article.get(article_id, [])

    def iter_paragraphs(self) -> Iterator[Paragraph]:
        return iter(self.paragraphs)

    def describe(self) -> dict[str, object]:
        return {"backend": self.backend, "directory": str(self.directory), "chunks": self.dense.count()}


def current_build(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if link.is_dir():
        return link.resolve()
    return None


def read_manifest(index_dir: Path) -> Manifest:
    build = current_build(index_dir)
    if build is None or not (build / manifest_file.FILE).exists():
        raise IndexNotBuilt(index_dir)
    return manifest_file.read(build, index_dir)


def load_paragraphs(path: Path) -> list[Paragraph]:
    with open(path, encoding="utf-8") as lines:
        return [Paragraph(**json.loads(line)) for line in lines if line.strip()]


def load(index_dir: Path, expected_embedder: str | None = None) -> StoredIndex:
    """Load the current index; clear errors for missing, foreign or damaged files."""
    from index.faiss.engine import FaissIndex  # imports faiss: only when an index is loaded

    manifest = read_manifest(index_dir)
    build = current_build(index_dir)
    assert build is not None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexCorrupt(build / "manifest.json", f"format {manifest.format_version}, expected {FORMAT_VERSION}", index_dir)
    built_with = manifest.embedder.id
    if expected_embedder is not None and built_with != expected_embedder:
        raise EmbedderMismatch(built_with, expected_embedder, index_dir)
    dense_file = FaissIndex.files[0]
    current_file = build / "manifest.json"
    try:
        current_file = build / "paragraphs.jsonl"
        paragraphs = load_paragraphs(current_file)
        current_file = build / "chunks.npy"
        chunk_paragraph = np.load(current_file, allow_pickle=False)
        current_file = build / "vectors.npy"
        vectors = np.load(current_file, mmap_mode="r", allow_pickle=False)
        current_file = build / dense_file
        dense = FaissIndex.load(build)
        for name in LexicalIndex.files()[1:]:  # each file checked on its own, so the error names it
            current_file = build / name
            np.load(current_file, mmap_mode="r", allow_pickle=False)
        current_file = build / "lexical_vocab.json"
        lexical = LexicalIndex.load(build)
    except Exception as exc:  # numpy, the dense engine and json each raise their own kinds
        raise IndexCorrupt(current_file, f"{type(exc).__name__}: {str(exc)[:120]}", index_dir) from None
    counts = manifest.counts
    for name, found, expected in (
        ("paragraphs.jsonl", len(paragraphs), counts.paragraphs),
        ("chunks.npy", len(chunk_paragraph), counts.chunks),
        (dense_file, dense.count(), counts.chunks),
    ):
        if found != expected:
            raise IndexCorrupt(build / name, f"{found} entries, the manifest says {expected}", index_dir)
    # Indexes built before the accent model existed still load, answering unaccented questions as before.
    accents = AccentModel.load(build, index_dir) if (build / ACCENT_FILES[0]).exists() else None
    return StoredIndex(build, manifest, paragraphs, chunk_paragraph, vectors, dense, lexical, accents)


def load_vectors(index_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Just what an incremental build reuses: article id per paragraph, chunk → paragraph, vectors.

    Reads only files every index format has had, so a format change does not
    cost a re-embedding of the whole archive.
    """
    read_manifest(index_dir)
    build = current_build(index_dir)
    assert build is not None
    current_file = build / "paragraphs.jsonl"
    try:
        with open(current_file, encoding="utf-8") as lines:
            article_ids = [json.loads(line)["article_id"] for line in lines if line.strip()]
        current_file = build / "chunks.npy"
        chunk_paragraph = np.load(current_file, allow_pickle=False)
        current_file = build / "vectors.npy"
        vectors = np.load(current_file, mmap_mode="r", allow_pickle=False)
    except Exception as exc:
        raise IndexCorrupt(current_file, f"{type(exc).__name__}: {str(exc)[:120]}", index_dir) from None
    if len(vectors) != len(chunk_paragraph):
        raise IndexCorrupt(build / "vectors.npy", "vector and chunk counts differ", index_dir)
    return article_ids, chunk_paragraph, vectors
