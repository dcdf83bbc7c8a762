"""The index directory: write a complete build beside the old one, then flip a pointer.

Layout (everything JSON or numpy/FAISS native; never pickle):

    <index_dir>/current -> build-20261128T140000-1234   (symlink, swapped atomically)
    <index_dir>/build-.../manifest.json    what, how, when: embedder id/dim, chunking, hashes
    <index_dir>/build-.../paragraphs.jsonl the paragraph table (text + provenance)
    <index_dir>/build-.../chunks.npy       chunk row -> paragraph row
    <index_dir>/build-.../vectors.npy      normalised chunk vectors (reused by incremental builds)
    <index_dir>/build-.../dense.faiss      the dense index over the vectors (index.faiss.engine)
    <index_dir>/build-.../lexical_*.npy, lexical_vocab.json   BM25 weights (CSC arrays)
    <index_dir>/build-.../accents_*        the accent model (index.accents)

A symlink flip rather than renaming the directory itself: the index directory
is often a mounted volume (containers), and a mount point cannot be renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from index import manifest as manifest_file
from index.accents import AccentModel
from index.corpus import Paragraph
from index.faiss.dense import DenseIndex
from index.lexical import LexicalIndex
from index.manifest import Manifest

CURRENT = "current"


def new_build_dir(index_dir: Path) -> Path:
    """An empty, hidden-from-readers directory to build into."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    path = index_dir / f"build-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6}.tmp"
    path.mkdir()
    return path


def write_files(
    build_dir: Path,
    manifest: Manifest,
    paragraphs: list[Paragraph],
    chunk_paragraph: np.ndarray,
    vectors: np.ndarray,
    dense: DenseIndex,
    lexical: LexicalIndex,
    accents: AccentModel,
) -> None:
    with open(build_dir / "paragraphs.jsonl", "w", encoding="utf-8") as out:
        for paragraph in paragraphs:
            out.write(json.dumps(asdict(paragraph), ensure_ascii=False) + "\n")
    np.save(build_dir / "chunks.npy", chunk_paragraph.astype(np.int32), allow_pickle=False)
    np.save(build_dir / "vectors.npy", vectors.astype(np.float32), allow_pickle=False)
    dense.save(build_dir)
    lexical.save(build_dir)
    accents.save(build_dir)
    # The manifest goes last: a directory without one is an unfinished build.
    manifest_file.write(build_dir, manifest)


def _readable_by_all(build_dir: Path) -> None:
    """0755 for the build directory, 0644 for its files, whatever the umask of the process that built it:
    the container's user (uid 10001) reads what a host process wrote, and the other way round."""
    build_dir.chmod(0o755)
    for path in build_dir.iterdir():
        path.chmod(0o644)


def publish(build_dir: Path, index_dir: Path) -> Path:
    """Make `build_dir` the current index atomically; remove older builds."""
    _readable_by_all(build_dir)
    final = build_dir.with_name(build_dir.name.removesuffix(".tmp"))
    build_dir.rename(final)
    tmp_link = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(final.name)
    os.replace(tmp_link, index_dir / CURRENT)
    for old in index_dir.glob("build-*"):
        if old != final and not old.name.endswith(".tmp"):
            shutil.rmtree(old, ignore_errors=True)
    return final
