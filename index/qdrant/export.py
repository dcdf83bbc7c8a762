"""Moving a FAISS build into Qdrant without embedding again (`hoibao index export --to qdrant`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from index.accents import AccentModel
from index.manifest import DenseInfo, Manifest
from index.qdrant import write
from index.qdrant.engines import connect
from index.qdrant.full import write_full
from index.qdrant.target import Target


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
    from index.faiss.engine import FaissIndex

    try:
        dense = FaissIndex.load(build_dir)
    except Exception as exc:  # the engine raises its own kinds
        raise IndexCorrupt(build_dir / "dense.faiss", f"{type(exc).__name__}: {str(exc)[:120]}", build_dir.parent) from None
    vectors = dense.reconstruct()
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
    from index.errors import IndexCorrupt
    from index.faiss import store

    manifest = store.read_manifest(index_dir)
    build_dir = store.current_build(index_dir)
    assert build_dir is not None
    try:
        paragraphs = store.load_paragraphs(build_dir / "paragraphs.jsonl")
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
    copied = replace(manifest, dense=DenseInfo(write.DENSE_KIND))
    name = write_full(engine, target, copied, paragraphs, hashes, chunk_paragraph, vectors, accents)
    return name, copied
